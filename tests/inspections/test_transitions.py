"""The lifecycle: who may do what, from which state, and what a race looks like."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from config.realtime.models import Event
from inspections.models import Hazard, HazardEvent, Photo
from tests.inspections.factories import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def act(client: Any, hazard: Hazard, action: str, **data: Any) -> Any:
    hazard.refresh_from_db()
    data.setdefault("version", hazard.version)
    return client.post(f"/api/v1/hazards/{hazard.pk}/{action}/", data, format="json")


def add_after_photo(client: Any, hazard: Hazard) -> None:
    response = client.post(
        f"/api/v1/hazards/{hazard.pk}/photos/",
        {"file": upload(jpeg_bytes()), "stage": "rectified"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()


def test_full_closed_loop(city, report, client_for) -> None:
    hazard = report()
    staff, worker = client_for(city.staff), client_for(city.worker)

    assert act(staff, hazard, "assign", assignee=city.worker.pk).status_code == 200
    assert act(worker, hazard, "start").status_code == 200
    add_after_photo(worker, hazard)
    assert act(worker, hazard, "submit-fix", note="已清理").status_code == 200
    response = act(staff, hazard, "close")

    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    transitions = HazardEvent.objects.filter(hazard=hazard, kind="transition")
    assert [(e.from_status, e.to_status) for e in transitions] == [
        ("", "reported"),
        ("reported", "assigned"),
        ("assigned", "rectifying"),
        ("rectifying", "awaiting_verification"),
        ("awaiting_verification", "closed"),
    ]
    hazard.refresh_from_db()
    assert (hazard.closed_by, hazard.version) == (city.staff, 5)


def test_assignment_is_announced_to_the_assignee(city, report, client_for) -> None:
    hazard = report()

    act(client_for(city.staff), hazard, "assign", assignee=city.worker.pk)

    event = Event.objects.get(type="hazard.assigned")
    assert f"user.{city.worker.pk}" in set(event.audiences.values_list("group", flat=True))


def test_worker_may_not_assign(city, report, client_for) -> None:
    hazard = report()

    response = act(client_for(city.worker), hazard, "assign", assignee=city.worker.pk)

    assert response.status_code == 403
    assert Hazard.objects.get().status == "reported"


def test_staff_of_another_community_does_not_see_the_hazard(city, report, client_for) -> None:
    hazard = report()

    response = act(client_for(city.other_staff), hazard, "assign", assignee=city.worker.pk)

    assert response.status_code == 404


def test_resident_cannot_be_assigned(city, report, client_for) -> None:
    hazard = report()

    response = act(client_for(city.staff), hazard, "assign", assignee=city.resident.pk)

    assert response.status_code == 400
    assert "assignee" in response.json()["fields"]


def test_stale_version_gets_409_with_the_current_state(city, report, client_for) -> None:
    hazard = report()
    staff = client_for(city.staff)
    act(staff, hazard, "assign", assignee=city.worker.pk)

    response = staff.post(
        f"/api/v1/hazards/{hazard.pk}/reject/", {"version": 1, "reason": "重复"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current"]["status"] == "assigned"
    assert response.json()["current"]["version"] == 2
    assert response.json()["current"]["updated_at"].endswith("+08:00")
    assert HazardEvent.objects.filter(to_status="rejected").count() == 0


def test_transition_not_allowed_from_current_state(city, report, client_for) -> None:
    hazard = report()

    response = act(client_for(city.staff), hazard, "close")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Hazard.objects.get().status == "reported"


def test_only_the_assignee_starts_rectification(city, report, client_for) -> None:
    hazard = report()
    act(client_for(city.staff), hazard, "assign", assignee=city.worker.pk)

    response = act(client_for(city.staff), hazard, "start")

    assert response.status_code == 403


def _to_awaiting(city: Any, hazard: Hazard, client_for: Any, *, photo: bool) -> None:
    staff, worker = client_for(city.staff), client_for(city.worker)
    act(staff, hazard, "assign", assignee=city.worker.pk)
    act(worker, hazard, "start")
    if photo:
        add_after_photo(worker, hazard)
    act(worker, hazard, "submit-fix")


def test_closing_needs_an_after_photo(city, report, client_for) -> None:
    hazard = report()
    _to_awaiting(city, hazard, client_for, photo=False)

    response = act(client_for(city.staff), hazard, "close")

    assert response.status_code == 400
    assert response.json()["code"] == "after_photo_required"
    assert Hazard.objects.get().status == "awaiting_verification"
    assert HazardEvent.objects.filter(to_status="closed").count() == 0


def test_major_hazard_needs_a_verifier_other_than_the_fixer(city, report, client_for) -> None:
    hazard = report(user=city.worker, is_major=True)
    staff = client_for(city.staff)
    act(staff, hazard, "assign", assignee=city.staff.pk)
    act(staff, hazard, "start")
    add_after_photo(staff, hazard)
    act(staff, hazard, "submit-fix")

    response = act(staff, hazard, "close")

    assert response.status_code == 403
    assert Hazard.objects.get().status == "awaiting_verification"


def test_failed_verification_goes_back_to_rectification(city, report, client_for) -> None:
    hazard = report()
    _to_awaiting(city, hazard, client_for, photo=True)

    response = act(client_for(city.staff), hazard, "return-fix", note="仍有杂物")

    assert response.json()["status"] == "rectifying"


def test_reject_needs_a_reason(city, report, client_for) -> None:
    hazard = report()

    response = act(client_for(city.staff), hazard, "reject", reason="")

    assert response.status_code == 400
    assert Hazard.objects.get().status == "reported"


def test_reject_keeps_the_reason(city, report, client_for) -> None:
    hazard = report()

    response = act(client_for(city.staff), hazard, "reject", reason="不属于安全隐患")

    assert (response.json()["status"], response.json()["reject_reason"]) == (
        "rejected",
        "不属于安全隐患",
    )


def test_mark_duplicate_tells_the_reporter_where_the_original_stands(
    city, report, client_for
) -> None:
    original = report(user=city.worker)
    duplicate = report()
    staff = client_for(city.staff)
    act(staff, original, "assign", assignee=city.worker.pk)

    response = act(staff, duplicate, "mark-duplicate", duplicate_of=original.pk)

    assert response.json()["duplicate_of"] == {
        "id": original.pk,
        "number": original.number,
        "status": "assigned",
    }
    event = Event.objects.filter(type="hazard.status_changed").latest("pk")
    assert f"user.{city.resident.pk}" in set(event.audiences.values_list("group", flat=True))
    assert event.data["duplicate_of"]["status"] == "assigned"


def test_a_hazard_cannot_duplicate_itself(city, report, client_for) -> None:
    hazard = report()

    response = act(client_for(city.staff), hazard, "mark-duplicate", duplicate_of=hazard.pk)

    assert response.status_code == 400


def _closed(city: Any, report: Any, client_for: Any) -> Hazard:
    hazard = report()
    _to_awaiting(city, hazard, client_for, photo=True)
    act(client_for(city.staff), hazard, "close")
    return hazard


def test_reopen_within_the_window(city, report, client_for) -> None:
    hazard = _closed(city, report, client_for)

    response = act(client_for(city.staff), hazard, "reopen", note="又堆上了")

    assert response.json()["status"] == "assigned"
    assert response.json()["closed_at"] is None


def test_reopen_after_the_window_is_refused(city, report, client_for, settings) -> None:
    settings.HAZARD_REOPEN_DAYS = 3
    hazard = _closed(city, report, client_for)
    Hazard.objects.filter(pk=hazard.pk).update(closed_at=timezone.now() - dt.timedelta(days=4))

    response = act(client_for(city.staff), hazard, "reopen", note="又堆上了")

    assert response.status_code == 400
    assert Hazard.objects.get().status == "closed"


def test_comment_joins_the_timeline(city, report, client_for) -> None:
    hazard = report()

    response = client_for(city.resident).post(
        f"/api/v1/hazards/{hazard.pk}/comments/", {"note": "还在"}, format="json"
    )

    assert response.status_code == 201
    detail = client_for(city.staff).get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert [e["note"] for e in detail["timeline"] if e["kind"] == "comment"] == ["还在"]


def test_closing_leaves_the_photo_in_the_timeline(city, report, client_for) -> None:
    hazard = _closed(city, report, client_for)

    detail = client_for(city.staff).get(f"/api/v1/hazards/{hazard.pk}/").json()

    assert [p["stage"] for p in detail["photos"]] == ["rectified"]
    assert Photo.objects.count() == 1


def test_closing_a_residents_report_pays_points_once(
    city, report, client_for, django_capture_on_commit_callbacks
) -> None:
    from points.models import EarningRule, LedgerEntry

    EarningRule.objects.create(kind="hazard_verified", points=10)
    hazard = report()
    _to_awaiting(city, hazard, client_for, photo=True)

    with django_capture_on_commit_callbacks(execute=True):
        act(client_for(city.staff), hazard, "close")

    entry = LedgerEntry.objects.get()
    assert (entry.account.user, entry.amount, entry.source) == (
        city.resident,
        10,
        f"hazard:{hazard.pk}:verified",
    )


def test_closing_a_patrol_report_pays_nothing(
    city, report, client_for, django_capture_on_commit_callbacks
) -> None:
    from points.models import EarningRule, LedgerEntry

    EarningRule.objects.create(kind="hazard_verified", points=10)
    hazard = report(user=city.worker)
    _to_awaiting(city, hazard, client_for, photo=True)

    with django_capture_on_commit_callbacks(execute=True):
        act(client_for(city.staff), hazard, "close")

    assert LedgerEntry.objects.count() == 0
