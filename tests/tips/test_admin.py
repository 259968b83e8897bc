"""The tip handlers' admin: every step of the job on the tip's page, through the API's
services with the API's rules; 404 on every tip URL for anyone who may not open the tip."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from config.realtime.models import Event
from grids.models import Enterprise
from inspections.models import Hazard, HazardEvent, HazardSource
from inspections.tips.models import (
    RewardState,
    Tip,
    TipAccess,
    TipAttachment,
    TipEvent,
    TipEventKind,
    TipFigure,
    TipMessage,
    TipStatus,
    add_months,
)
from inspections.tips.services import tip_acknowledge, tip_investigate, tip_unsubstantiate
from tests.tips.conftest import TipCity, revealing_jpeg

PHONE = "13912345678"
STEPS = [
    "acknowledge", "investigate", "substantiate", "unsubstantiate", "close", "message", "note",
    "assign", "reveal",
]  # fmt: skip


def _browser(user: Any) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _page(tip: Tip) -> str:
    return f"/admin/tips/tip/{tip.pk}/change/"


def _step(tip: Tip, step: str) -> str:
    return f"/admin/tips/tip/{tip.pk}/step/{step}/"


def _post(browser: Client, tip: Tip, step: str, **fields: Any) -> Any:
    return browser.post(_step(tip, step), {f"{step}-{k}": v for k, v in fields.items()})


def _text(response: Any) -> str:
    return response.content.decode()


def _messages(browser: Client, tip: Tip) -> str:
    """The flash messages shown on the tip's page after a redirect."""
    page = _text(browser.get(_page(tip)))
    found = re.search(r'<ul class="messagelist">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def _investigating(tip: Tip, handler: Any) -> Tip:
    tip_acknowledge(by=handler, tip_id=tip.pk, version=1)
    return tip_investigate(by=handler, tip_id=tip.pk, version=2)


def _all_urls(tip: Tip) -> list[tuple[str, str]]:
    base = f"/admin/tips/tip/{tip.pk}"
    return [
        ("get", f"{base}/change/"),
        ("post", f"{base}/change/"),
        ("get", f"{base}/history/"),
        ("get", f"{base}/delete/"),
        ("get", f"{base}/"),
        *[("post", f"{base}/step/{step}/") for step in STEPS],
    ]


@pytest.fixture
def tip(submit: Callable[..., Any]) -> Tip:
    return submit(contact_name="李四", contact_phone=PHONE).tip


def _unchanged(tip: Tip) -> bool:
    fresh = Tip.objects.get(pk=tip.pk)
    return (
        fresh.version == 1
        and not TipAccess.objects.exists()
        and list(TipEvent.objects.values_list("kind", flat=True)) == [TipEventKind.RECEIVED]
        and not TipMessage.objects.exists()
    )


# --- who may reach the admin's tip screens ---------------------------------------------
@pytest.mark.parametrize("who", ["staff", "worker", "manager", "admin"])
def test_non_handlers_get_404_on_every_tip_admin_url_and_change_nothing(
    tip_city: TipCity, tip: Tip, who: str
) -> None:
    user = getattr(tip_city, who)
    browser = _browser(user)
    urls = [
        ("get", "/admin/tips/tip/"),
        ("post", "/admin/tips/tip/"),
        ("get", "/admin/tips/tip/add/"),
        ("get", "/admin/tips/tipfigure/"),
        *_all_urls(tip),
    ]

    answers = [(url, getattr(browser, m)(url, {"x-version": 1}).status_code) for m, url in urls]
    app = browser.get("/admin/tips/").status_code
    index = _text(browser.get("/admin/")) if user.is_staff else ""

    assert answers == [(url, 404) for _method, url in urls]
    # The app's index answers as for an app that does not exist (sign-in for non-staff).
    assert app == browser.get("/admin/no-such-app/").status_code == (404 if user.is_staff else 302)
    assert "/admin/tips/" not in index
    assert _unchanged(tip)


def test_another_districts_handler_gets_404_on_every_url_of_the_tip(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.other_handler)

    listed = browser.get("/admin/tips/tip/")
    answers = [(url, getattr(browser, m)(url, {"acknowledge-version": 1}).status_code)
               for m, url in _all_urls(tip)]  # fmt: skip

    assert listed.status_code == 200 and tip.number not in _text(listed)
    assert answers == [(url, 404) for _m, url in _all_urls(tip)]
    assert _unchanged(tip)


def test_anonymous_visitors_are_sent_to_sign_in(tip: Tip) -> None:
    answer = Client().get(_page(tip))

    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")


# --- the page ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["handler", "second_handler", "city_handler"])
def test_a_handler_opens_the_page_the_opening_is_recorded_and_times_are_days(
    tip_city: TipCity, tip: Tip, who: str
) -> None:
    user = getattr(tip_city, who)
    browser = _browser(user)

    listed = browser.get("/admin/tips/tip/")
    page = browser.get(_page(tip))
    main = _text(page).split('id="content-main"', 1)[1]

    assert tip.number in _text(listed)
    assert page.status_code == 200
    assert "车间里存放了超量的危化品" in main and "宏达化工有限公司" in main
    assert PHONE not in main and "李四" not in main  # only a reveal shows them
    assert tip.received_on.isoformat() in main
    assert not re.search(r"\d{1,2}:\d{2}", main)  # no time of day anywhere
    assert list(TipAccess.objects.values_list("user", "what")) == [(user.pk, "admin")]


def test_the_page_offers_exactly_the_steps_the_handler_may_take_now(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.handler)

    def offered() -> list[str]:
        return re.findall(r'/step/(\w+)/"', _text(browser.get(_page(tip))))

    new = offered()
    _investigating(tip, tip_city.handler)
    investigating = offered()

    assert new == ["acknowledge", "message", "note", "assign", "reveal"]
    assert investigating == [
        "substantiate",
        "unsubstantiate",
        "message",
        "note",
        "assign",
        "reveal",
    ]


def test_a_step_the_status_does_not_allow_shows_the_services_refusal_and_changes_nothing(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.handler)

    answer = _post(browser, tip, "investigate", version=1)

    assert answer.status_code == 302
    assert "cannot take this step in its current status" in _messages(browser, tip)
    assert Tip.objects.get().status == TipStatus.NEW and Tip.objects.get().version == 1


def test_when_another_handler_acted_first_the_page_says_so_and_shows_the_tip_as_it_is(
    tip_city: TipCity, tip: Tip
) -> None:
    mine, theirs = _browser(tip_city.handler), _browser(tip_city.second_handler)
    mine.get(_page(tip))

    _post(theirs, tip, "acknowledge", version=1)
    answer = _post(mine, tip, "acknowledge", version=1, note="我也确认")

    assert answer.status_code == 302
    assert "Someone else changed this record first" in _messages(mine, tip)
    fresh = Tip.objects.get()
    assert (fresh.status, fresh.version, fresh.assignee) == (
        TipStatus.ACKNOWLEDGED, 2, tip_city.second_handler,
    )  # fmt: skip
    assert not TipEvent.objects.filter(note="我也确认").exists()


# --- the whole job ----------------------------------------------------------------------
def test_a_handler_does_the_whole_job_in_the_admin_and_the_hazard_carries_nothing_of_them(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = submit(description="我是三班的王五，主任让我们半夜搬运危化品", contact_phone=PHONE).tip
    browser = _browser(tip_city.handler)

    steps = [
        _post(browser, tip, "acknowledge", version=1, note="已收到"),
        _post(browser, tip, "investigate", version=2),
        _post(browser, tip, "substantiate", version=3, hazard_description="危化品夜间违规搬运",
              is_major="on", enterprise=tip_city.enterprise.pk, category=tip_city.category.code),
    ]  # fmt: skip
    done = _messages(browser, tip)
    closing = _post(browser, tip, "close", version=4)

    assert [answer.status_code for answer in [*steps, closing]] == [302] * 4
    fresh = Tip.objects.get()
    assert (fresh.status, fresh.outcome, fresh.reward_state, fresh.closed_on) == (
        TipStatus.CLOSED, "substantiated", RewardState.AVAILABLE, fresh.received_on,
    )  # fmt: skip
    hazard = Hazard.objects.get()
    assert fresh.hazard_id == hazard.pk
    made = (hazard.source, hazard.reporter, hazard.enterprise, hazard.description, hazard.is_major)
    assert made == (
        HazardSource.WHISTLEBLOWER,
        None,
        tip_city.enterprise,
        "危化品夜间违规搬运",
        True,
    )
    assert set(HazardEvent.objects.values_list("actor", flat=True)) == {tip_city.handler.pk}
    assert "王五" not in str(Hazard.objects.values().get()) and PHONE not in str(
        Hazard.objects.values().get()
    )
    assert hazard.number in done


def test_substantiating_says_the_hazard_and_the_enterprises_grade_after_it(
    tip_city: TipCity, tip: Tip
) -> None:
    _investigating(tip, tip_city.handler)
    browser = _browser(tip_city.handler)
    before = Enterprise.objects.get(pk=tip_city.enterprise.pk).risk_colour

    _post(browser, tip, "substantiate", version=3, hazard_description="超量存放", is_major="on",
          enterprise=tip_city.enterprise.pk, category=tip_city.category.code)  # fmt: skip
    after = Enterprise.objects.get(pk=tip_city.enterprise.pk)
    shown = _messages(browser, tip)

    assert after.risk_colour != before
    assert Hazard.objects.get().number in shown
    assert str(after.get_risk_colour_display()) in shown


def test_substantiating_with_bad_input_shows_why_on_the_form_and_makes_no_hazard(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = submit(enterprise_id=None, enterprise_name="黑作坊", district_id=tip_city.district.pk).tip
    _investigating(tip, tip_city.handler)
    browser = _browser(tip_city.handler)
    code = tip_city.category.code

    empty = _post(browser, tip, "substantiate", version=3, hazard_description=" ", category=code)
    no_place = _post(browser, tip, "substantiate", version=3, hazard_description="x", category=code)
    elsewhere = _post(browser, tip, "substantiate", version=3, hazard_description="x",
                      category=code, enterprise=tip_city.other_enterprise.pk)  # fmt: skip

    assert [a.status_code for a in (empty, no_place, elsewhere)] == [400, 400, 400]
    assert "Describe the hazard" in _text(empty) or "This field is required" in _text(empty)
    assert "Choose the enterprise from the registry" in _text(no_place)
    assert "Select a valid choice" in _text(elsewhere)
    assert Tip.objects.get().status == TipStatus.INVESTIGATING and Tip.objects.get().version == 3
    assert not Hazard.objects.exists()


def test_not_substantiated_needs_the_reason(tip_city: TipCity, tip: Tip) -> None:
    _investigating(tip, tip_city.handler)
    browser = _browser(tip_city.handler)

    refused = _post(browser, tip, "unsubstantiate", version=3, note="")
    done = _post(browser, tip, "unsubstantiate", version=3, note="现场核查未发现")

    assert refused.status_code == 400 and done.status_code == 302
    fresh = Tip.objects.get()
    assert (fresh.status, fresh.outcome) == (TipStatus.UNSUBSTANTIATED, "unsubstantiated")
    assert (
        TipEvent.objects.filter(to_status=TipStatus.UNSUBSTANTIATED).get().note == "现场核查未发现"
    )


def test_a_message_reaches_the_whistleblower_and_a_private_note_never_does(
    tip_city: TipCity, submit: Callable[..., Any], anonymous: APIClient
) -> None:
    submitted = submit()
    tip = submitted.tip
    browser = _browser(tip_city.handler)

    empty = _post(browser, tip, "message", body="  ")
    sent = _post(browser, tip, "message", body="收到，请补充位置。")
    noted = _post(browser, tip, "note", note="内部：先查台账")
    followed = anonymous.post("/api/v1/tips/follow-up/", {"receipt": submitted.receipt}).json()
    page = _text(browser.get(_page(tip)))

    assert (empty.status_code, sent.status_code, noted.status_code) == (400, 302, 302)
    assert [(m["from_whistleblower"], m["body"]) for m in followed["messages"]] == [
        (False, "收到，请补充位置。")
    ]
    assert "内部" not in str(followed)
    assert "收到，请补充位置。" in page and "内部：先查台账" in page
    assert TipEvent.objects.filter(kind=TipEventKind.NOTE, actor=tip_city.handler).count() == 1


def test_a_tip_is_transferred_only_to_a_handler_of_its_district(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.handler)
    form = _text(browser.get(_page(tip))).split("/step/assign/", 1)[1].split("</form>", 1)[0]

    refused = _post(browser, tip, "assign", version=1, assignee=tip_city.other_handler.pk)
    done = _post(browser, tip, "assign", version=1, assignee=tip_city.second_handler.pk)

    assert f'value="{tip_city.second_handler.pk}"' in form
    assert f'value="{tip_city.other_handler.pk}"' not in form
    assert (refused.status_code, done.status_code) == (400, 302)
    fresh = Tip.objects.get()
    assert (fresh.assignee, fresh.version) == (tip_city.second_handler, 2)
    assert TipEvent.objects.filter(kind=TipEventKind.ASSIGNED).count() == 1


def test_revealing_the_contact_needs_a_reason_records_it_and_shows_it_only_then(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.handler)

    refused = _post(browser, tip, "reveal", reason=" ")
    revealed = _post(browser, tip, "reveal", reason="需要当面核实仓库位置")
    later = browser.get(_page(tip))

    assert refused.status_code == 400 and PHONE not in _text(refused)
    assert revealed.status_code == 200 and PHONE in _text(revealed) and "李四" in _text(revealed)
    assert "no-store" in revealed["Cache-Control"]
    event = TipEvent.objects.get(kind=TipEventKind.REVEAL)
    assert (event.actor, event.note, event.on) == (
        tip_city.handler, "需要当面核实仓库位置", tip.received_on,
    )  # fmt: skip
    assert event.at is not None
    assert PHONE not in _text(later) and "需要当面核实仓库位置" in _text(later)
    # The refused form showed the tip again (an opening), the reveal, the page opened later.
    assert list(TipAccess.objects.order_by("id").values_list("what", flat=True)) == [
        "admin",
        "reveal",
        "admin",
    ]


def test_a_closed_tip_takes_no_message_and_the_refusal_is_the_services(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.handler)
    _investigating(tip, tip_city.handler)
    _post(browser, tip, "unsubstantiate", version=3, note="不属实")
    _post(browser, tip, "close", version=4)

    offered = re.findall(r'/step/(\w+)/"', _text(browser.get(_page(tip))))
    refused = _post(browser, tip, "message", body="还有吗？")

    assert offered == ["note", "reveal"]
    assert refused.status_code == 302 and "This tip is closed." in _messages(browser, tip)
    assert not TipMessage.objects.exists()


def test_the_list_actions_call_the_same_services_with_the_same_rules(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.handler)
    act = {"action": "investigate", "_selected_action": [tip.pk]}

    refused = browser.post("/admin/tips/tip/", act, follow=True)
    browser.post("/admin/tips/tip/", {**act, "action": "acknowledge"}, follow=True)
    done = browser.post("/admin/tips/tip/", act, follow=True)

    assert "cannot take this step" in _text(refused)
    assert Tip.objects.get().status == TipStatus.INVESTIGATING
    assert f"{tip.number}: done" in _text(done)


def test_the_event_logs_admin_screen_shows_no_tip_event_not_even_to_a_superuser(
    tip_city: TipCity, tip: Tip
) -> None:
    browser = _browser(tip_city.admin)
    received = Event.objects.get(type="tip.received")

    listed = browser.get("/admin/realtime/event/")
    opened = browser.get(f"/admin/realtime/event/{received.pk}/change/")

    assert listed.status_code == 200 and "tip.received" not in _text(listed)
    assert opened.status_code == 302  # the admin's answer for a row outside its queryset
    assert tip.number not in _text(browser.get(opened["Location"]))


def test_the_pages_evidence_links_open_the_file_and_the_opening_is_recorded(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = submit(files=[SimpleUploadedFile("IMG_0001.jpg", revealing_jpeg((64, 48)))]).tip
    attachment = TipAttachment.objects.get()
    browser = _browser(tip_city.handler)

    page = _text(browser.get(_page(tip)))
    link = f"/api/v1/tip-handling/attachments/{attachment.pk}/"
    opened = browser.get(link)

    assert f'href="{link}"' in page and "IMG_0001" not in page
    assert opened.status_code == 200 and opened["Cache-Control"] == "no-store"
    assert list(TipAccess.objects.order_by("id").values_list("what", flat=True)) == [
        "admin",
        f"file {attachment.pk}",
    ]


def test_the_list_finds_the_tips_whose_deadline_has_passed_and_marks_the_day(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    today = timezone.localdate()
    late_ack, late_outcome, fresh, answered = (submit().tip for _ in range(4))
    tip_acknowledge(by=tip_city.handler, tip_id=late_outcome.pk, version=1)
    _investigating(answered, tip_city.handler)
    tip_unsubstantiate(by=tip_city.handler, tip_id=answered.pk, version=3, note="不属实")
    Tip.objects.filter(pk=late_ack.pk).update(received_on=today - timedelta(days=8))
    Tip.objects.filter(pk__in=[late_outcome.pk, answered.pk]).update(
        received_on=add_months(today, -3) - timedelta(days=1)
    )
    browser = _browser(tip_city.handler)

    listed = _text(browser.get("/admin/tips/tip/?overdue=yes"))

    shown = {tip.number: tip.number in listed for tip in (late_ack, late_outcome, fresh, answered)}
    assert shown == {
        late_ack.number: True, late_outcome.number: True, fresh.number: False,
        answered.number: False,
    }  # fmt: skip
    assert listed.count('class="sg-overdue"') == 2


def test_figures_of_purged_tips_are_shown_for_the_handlers_districts_only(
    tip_city: TipCity,
) -> None:
    month = timezone.localdate().replace(day=1)
    TipFigure.objects.create(month=month, district=tip_city.district, outcome="", count=3)
    TipFigure.objects.create(month=month, district=tip_city.other_district, outcome="", count=5)

    mine = _browser(tip_city.handler).get("/admin/tips/tipfigure/")
    city = _browser(tip_city.city_handler).get("/admin/tips/tipfigure/")

    assert tip_city.district.name in _text(mine) and tip_city.other_district.name not in _text(mine)
    assert tip_city.other_district.name in _text(city)
