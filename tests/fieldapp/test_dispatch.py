"""One-click dispatch on the volunteer's phone: on duty from the home screen, the offer over
the whole screen the moment staff open a dispatch (distance and rough area only, the drill
flag), Accept in one tap, the way there with the exact place and a link to the phone's map
app, then on the way, arrived and done with the times the server recorded; the other
volunteer told "not needed"; an acceptance made with no signal said to be queued, sent once
when the signal is back, and a late one answered "already filled"."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dispatch.models import Dispatch, Offer, OfferStatus, Urgency
from dispatch.services import dispatch_open, offer_accept
from grids.models import User
from inspections.services import hazard_report
from tests.factories import UserFactory
from tests.fieldapp.factories import (
    GEO,
    PHONES,
    City,
    assert_accessible,
    build_city,
    eventually,
    in_thread,
    outbox_count,
    shoot,
    sign_in,
)
from tests.inspections.factories import HERE
from tests.volunteers.factories import ProfileFactory
from volunteers.models import VolunteerProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records what the page asked the phone to do, so that the test can see the vibration.
VIBRATION_PROBE = """
window.__vibrations = [];
const original = navigator.vibrate ? navigator.vibrate.bind(navigator) : null;
navigator.vibrate = (pattern) => {
  window.__vibrations.push(pattern);
  return original ? original(pattern) : true;
};
"""


def north(metres: float) -> tuple[float, float]:
    return HERE[0] + metres / (6_371_000 * math.pi / 180), HERE[1]


def on_duty_volunteer(city: City, username: str, metres_north: float) -> User:
    """A volunteer of the community, on duty, last seen ``metres_north`` of the incident."""
    user = UserFactory(username=username, home_building=city.building)
    lat, lng = north(metres_north)
    ProfileFactory(user=user, community=city.community, on_duty=True, last_lat=lat, last_lng=lng)
    return user


def open_dispatch(city: City, **fields: Any) -> Dispatch:
    return in_thread(
        dispatch_open,
        user=city.staff,
        lat=HERE[0],
        lng=HERE[1],
        address="梅园新村3栋2单元门口",
        description="老人在楼下摔倒，意识清醒",
        **fields,
    )


def overlay(page: Any) -> Any:
    box = page.locator("#offer-overlay")
    box.wait_for(state="visible", timeout=10_000)
    return box


def test_on_duty_offer_accept_and_the_way_there_step_by_step(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    ProfileFactory(user=city.resident, community=city.community)
    other = on_duty_volunteer(city, "neighbour", 300)
    page = new_page(viewport=PHONES["large"], **GEO)
    page.add_init_script(VIBRATION_PROBE)
    sign_in(page, asgi_server, "resident")
    other_page = new_page(viewport=PHONES["large"])
    sign_in(other_page, asgi_server, "neighbour")

    # On duty from the home screen, with the phone's position.
    switch = page.get_by_role("switch", name="在岗")
    switch.check()
    page.locator("#home-duty-note").filter(has_text="您现在在岗").wait_for()
    profile = VolunteerProfile.objects.get(user=city.resident)
    assert profile.on_duty and (profile.last_lat, profile.last_lng) == HERE
    shoot(page, "dispatch-home-on-duty")
    page.locator("html[data-live='connected']").wait_for(state="attached")
    other_page.locator("html[data-live='connected']").wait_for(state="attached")

    dispatch = open_dispatch(city, is_drill=True, urgency=Urgency.EMERGENCY)

    box = overlay(page)
    text = box.inner_text()
    assert "演练" in text and "危急" in text
    assert "梅园新村社区 第3网格" in text and "米" in text
    # Before accepting: distance and rough area only, never the exact place.
    assert "梅园新村3栋2单元门口" not in page.content()
    page.locator("#offer-overlay[data-alerted]").wait_for(state="attached")
    assert page.evaluate("window.__vibrations.length") >= 1
    eventually(page, lambda: Offer.objects.get(volunteer=city.resident).seen_at is not None)
    shoot(page, "dispatch-offer")
    assert_accessible(page)
    overlay(other_page)

    page.locator("#offer-accept").click()

    page.locator("#dispatch-offer").wait_for(state="visible")
    page.locator("#disp-facts").filter(has_text="梅园新村3栋2单元门口").wait_for()
    page.locator("#status").filter(has_text="服务器已确认").wait_for()
    assert box.is_hidden()
    geo = page.locator("#disp-map-app").get_attribute("href")
    assert geo.startswith(f"geo:{HERE[0]},{HERE[1]}?q=")
    assert "uri.amap.com" in page.locator("#disp-map-web").get_attribute("href")
    mine = Offer.objects.get(volunteer=city.resident)
    assert (mine.dispatch_id, mine.status) == (dispatch.pk, OfferStatus.ACCEPTED)
    # The other volunteer is told at once that they are not needed.
    other_page.locator("#offer-overlay").wait_for(state="hidden", timeout=10_000)
    assert "不再需要" in other_page.locator("#status").inner_text()
    assert Offer.objects.get(volunteer=other).status == OfferStatus.STOOD_DOWN
    shoot(other_page, "dispatch-stood-down")
    shoot(page, "dispatch-way-there")
    assert_accessible(page)

    # Home again (or the app reopened): the dispatch I am on leads back to the way there.
    page.locator(".bar h1 a").click()
    page.locator("#home-dispatch").filter(has_text="您正在前往 梅园新村社区 第3网格").click()
    page.locator("#disp-facts").filter(has_text="梅园新村3栋2单元门口").wait_for()

    for step, words in [("en_route", "已出发"), ("arrived", "已到达"), ("done", "完成于")]:
        page.locator(f"[data-progress='{step}']").click()
        page.locator(f"[data-step='{step}'] .step-done").filter(has_text=words).wait_for()
        page.locator("#status").filter(has_text="服务器已记录：" + words).wait_for()
    mine.refresh_from_db()
    assert mine.status == OfferStatus.DONE
    times = [mine.accepted_at, mine.en_route_at, mine.arrived_at, mine.done_at]
    assert None not in times and times == sorted(times)  # type: ignore[type-var]
    assert mine.on_task_at is None  # skipped: forward steps may be left out
    shown = page.locator("[data-step='arrived'] .step-done").inner_text()
    assert mine.arrived_at is not None
    assert timezone.localtime(mine.arrived_at).strftime("%H:%M:%S") in shown
    assert page.locator("#disp-steps button").count() == 0
    assert "感谢您的帮助" in page.locator("#disp-state").inner_text()
    shoot(page, "dispatch-done")


def test_an_accept_with_no_signal_is_said_to_be_queued_and_is_sent_once_when_back(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    volunteer = on_duty_volunteer(city, "neighbour", 200)
    page = new_page(viewport=PHONES["large"])
    sign_in(page, asgi_server, "neighbour")
    page.locator("html[data-live='connected']").wait_for(state="attached")
    open_dispatch(city)
    overlay(page)
    eventually(page, lambda: Offer.objects.get(volunteer=volunteer).seen_at is not None)

    page.context.set_offline(True)
    page.locator("#offer-accept").click()

    note = page.locator("#offer-note")
    note.filter(has_text="尚未发送").wait_for()
    assert "可能已经太迟" in note.inner_text()
    shoot(page, "dispatch-accept-queued")
    assert Offer.objects.get(volunteer=volunteer).status == OfferStatus.SEEN
    page.locator("#offer-ok").click()
    assert outbox_count(page) == 1

    page.context.set_offline(False)

    page.locator("#dispatch-offer").wait_for(state="visible", timeout=15_000)
    page.locator("#disp-facts").filter(has_text="梅园新村3栋2单元门口").wait_for()
    offer = Offer.objects.get(volunteer=volunteer)
    assert offer.status == OfferStatus.ACCEPTED
    page.locator("#outbox-link").wait_for(state="hidden")
    page.reload()
    page.locator("#disp-facts").filter(has_text="梅园新村3栋2单元门口").wait_for()
    page.wait_for_load_state("networkidle")
    assert Offer.objects.filter(volunteer=volunteer).count() == 1
    assert Offer.objects.get(volunteer=volunteer).accepted_at == offer.accepted_at


def test_a_late_accept_gets_the_servers_already_filled_answer(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    first = on_duty_volunteer(city, "first", 100)
    late = on_duty_volunteer(city, "late", 250)
    page = new_page(viewport=PHONES["small"])
    sign_in(page, asgi_server, "late")
    page.get_by_label("大字").check()  # the small phone with large text: still one screen
    page.locator("html[data-live='connected']").wait_for(state="attached")
    dispatch = open_dispatch(city)
    overlay(page)
    page.locator("#offer-facts").filter(has_text="250").wait_for()
    assert page.locator("#offer-accept").is_visible()
    assert (
        page.evaluate("document.getElementById('offer-decline').getBoundingClientRect().bottom")
        <= 640
    )
    shoot(page, "dispatch-offer-large-text")
    page.context.set_offline(True)
    page.locator("#offer-accept").click()
    page.locator("#offer-note").filter(has_text="尚未发送").wait_for()
    assert page.locator("#offer-ok").is_visible()
    shoot(page, "dispatch-accept-queued-large-text")

    in_thread(offer_accept, user=first, offer_id=dispatch.offers.get(volunteer=first).pk)
    page.context.set_offline(False)

    page.locator("#offer-note").filter(has_text="已满员").wait_for(timeout=15_000)
    shoot(page, "dispatch-already-filled")
    assert Offer.objects.get(volunteer=late).status == OfferStatus.STOOD_DOWN
    page.locator("#offer-ok").click()
    page.locator("#offer-overlay").wait_for(state="hidden")
    assert outbox_count(page) == 0


def test_the_grid_worker_sees_the_dispatch_of_their_grid(asgi_server: str, new_page: Any) -> None:
    city = build_city()
    on_duty_volunteer(city, "neighbour", 200)
    page = new_page(viewport=PHONES["large"])
    sign_in(page, asgi_server, "worker")
    page.locator("html[data-live='connected']").wait_for(state="attached")

    open_dispatch(city, people_needed=2)

    card = page.locator("#grid-dispatches [data-dispatch]")
    card.filter(has_text="正在寻找志愿者").wait_for(timeout=10_000)
    assert "需要 2 人，已有 0 人接受" in card.inner_text()
    assert "一键调度" in page.locator("#status").inner_text()
    shoot(page, "dispatch-grid-worker")


def test_the_grid_worker_calls_volunteers_from_a_hazard_in_one_form(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    volunteer = on_duty_volunteer(city, "neighbour", 200)
    hazard = in_thread(
        hazard_report,
        user=city.resident,
        category_code="fire-exit",
        description="楼道堆满纸箱，有人被困",
        lat=HERE[0],
        lng=HERE[1],
        attributes={"floor": 2, "blocked": "fully"},
    ).hazard
    page = new_page(viewport=PHONES["small"])
    sign_in(page, asgi_server, "worker")
    page.goto(f"{asgi_server}/hazards/{hazard.pk}")

    page.locator("#hazard-call-volunteers").click()
    form = page.locator("#dispatch-form")
    form.wait_for(state="visible")
    page.locator("#dispatch-hazard").filter(has_text=hazard.number).wait_for()
    assert "楼道堆满纸箱" in page.locator("#dispatch-description").input_value()
    page.get_by_label("需要人数").fill("2")
    page.get_by_label("危急").check()
    shoot(page, "dispatch-open-form")
    assert_accessible(page)
    page.get_by_label("需要人数").fill("0")  # refused on the phone, nothing queued
    page.get_by_role("button", name="立即呼叫最近的志愿者").click()
    page.locator(".field-error").filter(has_text="1 到 20").wait_for()
    assert outbox_count(page) == 0 and not Dispatch.objects.exists()
    page.get_by_label("需要人数").fill("2")

    page.get_by_role("button", name="立即呼叫最近的志愿者").click()

    page.locator("#status").filter(has_text="调度已发起").wait_for()
    assert "1 名志愿者" in page.locator("#status").inner_text()
    dispatch = Dispatch.objects.get()
    assert (dispatch.hazard_id, dispatch.people_needed, dispatch.urgency) == (
        hazard.pk, 2, Urgency.EMERGENCY,
    )  # fmt: skip
    assert dispatch.opened_by == city.worker and dispatch.client_uuid is not None
    assert Offer.objects.get().volunteer == volunteer
    page.locator("#grid-dispatches [data-dispatch]").filter(has_text="需要 2 人").wait_for()
    shoot(page, "dispatch-opened-home")


def test_a_dispatch_opened_with_no_signal_says_nobody_was_asked_and_is_sent_once(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    on_duty_volunteer(city, "neighbour", 200)
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "staff")

    page.locator("#home-call-volunteers").click()
    page.locator("#dispatch-place").filter(has_text="梅园新村社区").wait_for()
    page.get_by_label("现场情况").fill("老人在楼下摔倒，需要帮忙扶起")
    page.get_by_label("演练").check()
    page.context.set_offline(True)
    page.get_by_role("button", name="立即呼叫最近的志愿者").click()

    page.locator("#status").filter(has_text="调度尚未发起").wait_for()
    page.locator("#home-dispatch-waiting").filter(has_text="尚未呼叫任何人").wait_for()
    shoot(page, "dispatch-open-queued")
    assert not Dispatch.objects.exists()
    assert outbox_count(page) == 1

    page.context.set_offline(False)

    page.locator("#status").filter(has_text="调度已发起").wait_for(timeout=15_000)
    page.locator("#home-dispatch-waiting").wait_for(state="hidden")
    dispatch = Dispatch.objects.get()
    assert dispatch.is_drill and (dispatch.lat, dispatch.lng) == HERE
    page.reload()
    page.locator("#grid-dispatches [data-dispatch]").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert Dispatch.objects.count() == 1 and outbox_count(page) == 0


def test_a_step_sent_late_keeps_the_time_it_was_tapped(asgi_server: str, new_page: Any) -> None:
    city = build_city()
    volunteer = on_duty_volunteer(city, "neighbour", 200)
    dispatch = open_dispatch(city)
    offer = in_thread(offer_accept, user=volunteer, offer_id=dispatch.offers.get().pk)
    page = new_page(viewport=PHONES["large"])
    sign_in(page, asgi_server, "neighbour")
    page.goto(f"{asgi_server}/dispatch/offers/{offer.pk}")
    page.locator("[data-progress='arrived']").wait_for()

    page.context.set_offline(True)
    tapped = timezone.now()
    page.locator("[data-progress='arrived']").click()
    page.locator("#status").filter(has_text="您点按的时间").wait_for()
    page.wait_for_timeout(3000)  # the signal comes back three seconds later
    back_online = timezone.now()
    page.context.set_offline(False)

    page.locator("[data-step='arrived'] .step-done").wait_for(timeout=15_000)
    offer.refresh_from_db()
    assert offer.arrived_at is not None
    assert tapped - timedelta(seconds=1) <= offer.arrived_at < back_online


def test_a_dispatch_the_server_refuses_stays_on_the_form_with_the_reason(
    asgi_server: str, new_page: Any
) -> None:
    build_city()
    far = {"permissions": ["geolocation"], "geolocation": {"latitude": 40.0, "longitude": 116.4}}
    page = new_page(viewport=PHONES["small"], **far)
    sign_in(page, asgi_server, "staff")
    page.locator("#home-call-volunteers").click()
    page.locator("#dispatch-place").filter(has_text="不在").wait_for()
    page.get_by_label("现场情况").fill("有人受伤")

    page.get_by_role("button", name="立即呼叫最近的志愿者").click()

    page.locator("#status[data-tone='error']").filter(has_text="不在任何已覆盖社区内").wait_for()
    assert page.locator("#dispatch-form").is_visible()
    shoot(page, "dispatch-open-refused")
    assert outbox_count(page) == 0 and not Dispatch.objects.exists()
