"""Handling: the lifecycle's rules, private notes, assignment, the recorded reveal, and
what leaves the programme (a hazard with nothing identifying, the enterprise's grade)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework.test import APIClient

from config.api.errors import Conflict
from grids.models import Enterprise, RiskColour
from inspections.models import Hazard, HazardSource
from inspections.tips.models import Tip, TipEvent, TipEventKind, TipStatus
from inspections.tips.services import (
    tip_acknowledge,
    tip_assign,
    tip_close,
    tip_contact_reveal,
    tip_investigate,
    tip_note_add,
    tip_substantiate,
    tip_unsubstantiate,
)
from tests.tips.conftest import TipCity


def _substantiated(tip: Tip, by: Any, **fields: Any) -> Tip:
    tip_acknowledge(by=by, tip_id=tip.pk, version=1)
    tip_investigate(by=by, tip_id=tip.pk, version=2)
    values = {"hazard_description": "危化品超量存放", "is_major": True, **fields}
    return tip_substantiate(by=by, tip_id=tip.pk, version=3, **values)


def test_each_step_has_its_rule_and_the_timeline_records_it(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = submit().tip
    handler = tip_city.handler

    with pytest.raises(Conflict):
        tip_investigate(by=handler, tip_id=tip.pk, version=1)  # not acknowledged yet
    tip_acknowledge(by=handler, tip_id=tip.pk, version=1)
    with pytest.raises(Conflict):
        tip_investigate(by=handler, tip_id=tip.pk, version=1)  # stale version
    tip_investigate(by=handler, tip_id=tip.pk, version=2)
    with pytest.raises(ValidationError):
        tip_unsubstantiate(by=handler, tip_id=tip.pk, version=3, note=" ")
    tip_unsubstantiate(by=handler, tip_id=tip.pk, version=3, note="现场核查未发现")
    closed = tip_close(by=handler, tip_id=tip.pk, version=4)

    assert (closed.status, closed.outcome, closed.assignee) == (
        TipStatus.CLOSED,
        "unsubstantiated",
        handler,
    )
    steps = TipEvent.objects.filter(tip=tip, kind=TipEventKind.TRANSITION).order_by("id")
    assert [(e.from_status, e.to_status, e.actor_id) for e in steps] == [
        ("new", "acknowledged", handler.pk),
        ("acknowledged", "investigating", handler.pk),
        ("investigating", "unsubstantiated", handler.pk),
        ("unsubstantiated", "closed", handler.pk),
    ]
    assert not Hazard.objects.exists()


def test_a_stale_version_is_a_409_with_the_current_state(
    tip_city: TipCity, submit: Callable[..., Any], client_for: Callable[..., APIClient]
) -> None:
    tip = submit().tip
    client = client_for(tip_city.handler)
    client.post(f"/api/v1/tip-handling/tips/{tip.pk}/acknowledge/", {"version": 1})

    late = client_for(tip_city.city_handler).post(
        f"/api/v1/tip-handling/tips/{tip.pk}/acknowledge/", {"version": 1}
    )

    assert late.status_code == 409
    assert late.json()["current"] == {"id": tip.pk, "status": "acknowledged", "version": 2}


def test_private_notes_never_reach_the_whistleblower(
    tip_city: TipCity, submit: Callable[..., Any], anonymous: APIClient
) -> None:
    result = submit()
    tip_note_add(by=tip_city.handler, tip_id=result.tip.pk, note="疑似内部人员，谨慎核实")

    followed = anonymous.post("/api/v1/tips/follow-up/", {"receipt": result.receipt}).json()

    assert "谨慎" not in str(followed)
    assert followed["messages"] == []


def test_a_tip_is_assigned_or_transferred_only_between_handlers_of_its_district(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = submit().tip

    with pytest.raises(ValidationError):
        tip_assign(
            by=tip_city.handler, tip_id=tip.pk, version=1, assignee_id=tip_city.other_handler.pk
        )
    with pytest.raises(ValidationError):
        tip_assign(by=tip_city.handler, tip_id=tip.pk, version=1, assignee_id=tip_city.staff.pk)
    assigned = tip_assign(
        by=tip_city.handler, tip_id=tip.pk, version=1, assignee_id=tip_city.second_handler.pk
    )
    moved = tip_assign(
        by=tip_city.second_handler, tip_id=tip.pk, version=2, assignee_id=tip_city.city_handler.pk
    )

    assert (assigned.assignee, moved.assignee) == (tip_city.second_handler, tip_city.city_handler)
    with pytest.raises(Http404):
        tip_assign(
            by=tip_city.other_handler, tip_id=tip.pk, version=3, assignee_id=tip_city.handler.pk
        )


def test_revealing_the_contact_needs_a_reason_and_records_who_when_and_why(
    tip_city: TipCity, submit: Callable[..., Any], client_for: Callable[..., APIClient]
) -> None:
    tip = submit(contact_name="李四", contact_phone="13912345678").tip
    client = client_for(tip_city.handler)

    refused = client.post(f"/api/v1/tip-handling/tips/{tip.pk}/reveal/", {"reason": ""})
    revealed = client.post(f"/api/v1/tip-handling/tips/{tip.pk}/reveal/", {"reason": "需当面取证"})
    detail = client.get(f"/api/v1/tip-handling/tips/{tip.pk}/").json()

    assert refused.status_code == 400
    assert revealed.json() == {"name": "李四", "phone": "13912345678"}
    assert "13912345678" not in str(detail) and detail["has_contact"] is True
    reveal = TipEvent.objects.get(tip=tip, kind=TipEventKind.REVEAL)
    assert (reveal.actor, reveal.note, reveal.at is not None) == (
        tip_city.handler,
        "需当面取证",
        True,
    )
    with pytest.raises(Http404):
        tip_contact_reveal(by=tip_city.other_handler, tip_id=tip.pk, reason="x")


def test_a_substantiated_tip_makes_a_hazard_that_carries_nothing_of_the_whistleblower(
    tip_city: TipCity, submit: Callable[..., Any], client_for: Callable[..., APIClient]
) -> None:
    tip = submit(description="我是三班的王五，车间主任让我们半夜搬运危化品").tip

    done = _substantiated(tip, tip_city.handler, hazard_description="危化品夜间违规搬运")

    hazard = Hazard.objects.get(pk=done.hazard_id)
    assert (hazard.source, hazard.reporter, hazard.enterprise, hazard.description) == (
        HazardSource.WHISTLEBLOWER, None, tip_city.enterprise, "危化品夜间违规搬运",
    )  # fmt: skip
    assert list(hazard.events.values_list("actor", flat=True)) == [tip_city.handler.pk]
    assert not hazard.photos.exists()
    # Staff of the community see the hazard (it must be fixed), and nothing of the tip.
    staff = client_for(tip_city.staff)
    listed = staff.get("/api/v1/hazards/").json()["results"]
    detail = staff.get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert [row["id"] for row in listed] == [hazard.pk]
    assert "王五" not in str(detail) and "三班" not in str(detail) and tip.number not in str(detail)
    assert detail["reporter"] is None


def test_open311_never_lists_hazards_made_from_tips(
    tip_city: TipCity, submit: Callable[..., Any], api_client: APIClient
) -> None:
    _substantiated(submit().tip, tip_city.handler)

    listed = api_client.get("/open311/v2/requests.json")

    assert listed.status_code == 200
    assert listed.json() == []


def test_substantiating_a_tip_with_no_registry_enterprise_asks_for_one_of_its_district(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = submit(enterprise_id=None, enterprise_name="黑作坊", district_id=tip_city.district.pk).tip

    with pytest.raises(ValidationError) as missing:
        _substantiated(tip, tip_city.handler)
    with pytest.raises(ValidationError) as elsewhere:
        tip_substantiate(by=tip_city.handler, tip_id=tip.pk, version=3, hazard_description="x",
                         is_major=False, enterprise_id=tip_city.other_enterprise.pk)  # fmt: skip

    assert (
        "enterprise" in missing.value.message_dict and "enterprise" in elsewhere.value.message_dict
    )
    assert Tip.objects.get().status == TipStatus.INVESTIGATING and not Hazard.objects.exists()
    done = tip_substantiate(by=tip_city.handler, tip_id=tip.pk, version=3, hazard_description="x",
                            is_major=False, enterprise_id=tip_city.enterprise.pk)  # fmt: skip
    assert done.hazard is not None and done.hazard.enterprise == tip_city.enterprise


def test_repeated_substantiated_major_tips_raise_the_grade_and_blacklist_with_the_reason(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    grades = []
    for _ in range(3):
        _substantiated(submit().tip, tip_city.handler)
        grades.append(Enterprise.objects.get(pk=tip_city.enterprise.pk).risk_colour)

    enterprise = Enterprise.objects.get(pk=tip_city.enterprise.pk)
    assert grades == [RiskColour.YELLOW, RiskColour.ORANGE, RiskColour.RED]
    assert enterprise.is_blacklisted
    numbers = list(Hazard.objects.order_by("id").values_list("number", flat=True))
    assert enterprise.blacklist_reason == (
        f"3 substantiated major whistleblower tips within 12 months (hazards {', '.join(numbers)})."
    )


def test_a_general_substantiated_tip_leaves_the_grade_alone(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    _substantiated(submit().tip, tip_city.handler, is_major=False)

    assert Enterprise.objects.get(pk=tip_city.enterprise.pk).risk_colour == RiskColour.BLUE


def test_a_closed_tip_takes_no_more_replies(
    tip_city: TipCity, submit: Callable[..., Any], anonymous: APIClient
) -> None:
    result = submit()
    tip = _substantiated(result.tip, tip_city.handler)
    tip_close(by=tip_city.handler, tip_id=tip.pk, version=4)

    answer = anonymous.post("/api/v1/tips/reply/", {"receipt": result.receipt, "body": "还有"})

    assert answer.status_code == 400
    assert answer.json()["code"] == "closed"


def test_no_hazard_can_be_filed_as_a_whistleblowers_with_a_reporter(tip_city: TipCity) -> None:
    from inspections.services import hazard_report

    with pytest.raises(ValueError):
        hazard_report(
            user=tip_city.staff,
            category_code=tip_city.category.code,
            description="x",
            lat=tip_city.enterprise.lat,
            lng=tip_city.enterprise.lng,
            source=HazardSource.WHISTLEBLOWER,
        )

    assert not Hazard.objects.exists()
