"""The volunteer screens of the field app: sign-up with a waiting list, check-in and
check-out by the event's code with no signal (sent later with the time they happened),
my hours, a certificate with its photo; every screen at both phone sizes, in Chinese,
with no serious axe-core finding."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

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
from tests.inspections.factories import HERE, jpeg_bytes
from tests.volunteers.factories import (
    ActivityFactory,
    CertificateFactory,
    ProfileFactory,
    SkillFactory,
    started,
)
from volunteers.models import Activity, Certificate, CertificateStatus, Signup, SignupStatus
from volunteers.services import signup_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drill(city: City, title: str, capacity: int = 10, code: str = "7KQM2X") -> Activity:
    return ActivityFactory(
        community=city.community,
        title=title,
        place="梅园新村广场",
        lat=HERE[0],
        lng=HERE[1],
        capacity=capacity,
        checkin_code=code,
    )


def volunteer(city: City) -> None:
    ProfileFactory(user=city.resident, community=city.community)


def open_activity(page: Any, activity: Activity) -> None:
    page.locator("#go-volunteer").click()
    page.locator("#go-vol-activities").click()
    page.locator(f"[data-activity='{activity.pk}']").click()
    page.locator("#vol-activity-title").filter(has_text=activity.title).wait_for()


def test_sign_up_wait_list_and_an_offline_check_in_and_out_reach_the_server_once(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    volunteer(city)
    fire = drill(city, "梅园消防演练")
    flood = drill(city, "防汛应急演练", capacity=1, code="FLD234")
    neighbour = UserFactory(username="neighbour", home_building=city.building)
    ProfileFactory(user=neighbour, community=city.community)
    in_thread(signup_create, user=neighbour, activity_id=flood.pk)
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "resident")

    open_activity(page, fire)
    page.locator("#vol-signup").click()
    page.locator("#vol-activity-mine").filter(has_text="您已报名").wait_for()
    page.go_back()
    page.locator(f"[data-activity='{flood.pk}']").click()
    page.locator("#vol-activity-title").filter(has_text="防汛应急演练").wait_for()
    assert "已满" in page.locator("#vol-activity-facts").inner_text()
    page.locator("#vol-signup").click()
    mine = page.locator("#vol-activity-mine")
    mine.filter(has_text="候补名单第 1 位").wait_for()
    shoot(page, "volunteer-waiting-list")
    signups = Signup.objects.filter(profile__user=city.resident).order_by("activity_id")
    assert [(s.activity_id, s.status, s.waiting_position) for s in signups] == [
        (fire.pk, SignupStatus.CONFIRMED, None),
        (flood.pk, SignupStatus.WAITING, 1),
    ]

    # The day of the drill: the resident is there, the phone has no signal.
    started(fire, minutes_ago=150)
    page.goto(f"{asgi_server}/volunteer/activities/{fire.pk}")
    page.locator("#vol-presence-code").filter(has_text="签到").wait_for()
    page.context.set_offline(True)
    checked_in = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    checked_out = checked_in + timedelta(minutes=90)
    page.clock.set_fixed_time(checked_in)
    page.get_by_label("活动现场的签到码").fill("7kqm2x")
    page.locator("#vol-presence-code").click()
    page.locator("#vol-activity-waiting").filter(has_text="等待发送").wait_for()
    assert "没有信号" in page.locator("#status").inner_text()
    page.clock.set_fixed_time(checked_out)
    page.get_by_label("活动现场的签到码").fill("7KQM2X")
    page.locator("#vol-presence-code").filter(has_text="签退").click()
    page.locator("#vol-activity-waiting").filter(has_text="签退").wait_for()
    shoot(page, "volunteer-offline-check-in-out")
    page.locator(".bar h1 a").click()
    page.locator("#home").wait_for()
    assert outbox_count(page) == 2
    assert Signup.objects.get(activity=fire).checked_in_at is None

    page.context.set_offline(False)

    eventually(page, lambda: Signup.objects.get(activity=fire).checked_out_at is not None)
    page.locator("#outbox-link").wait_for(state="hidden", timeout=10_000)
    attendance = Signup.objects.get(activity=fire)
    assert (attendance.checked_in_at, attendance.checked_out_at) == (checked_in, checked_out)
    assert (attendance.minutes, attendance.hours_status) == (90, "pending")
    # Opening the app again sends nothing more: still exactly one attendance.
    page.goto(asgi_server + "/volunteer/hours")
    page.locator("#vol-hours-months .card").filter(has_text="待审核 1.5 小时").wait_for()
    page.wait_for_load_state("networkidle")
    assert Signup.objects.filter(activity=fire).count() == 1
    assert Signup.objects.get(activity=fire).checked_in_at == checked_in


def test_a_typed_wrong_code_is_refused_in_words_and_changes_nothing(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    volunteer(city)
    fire = drill(city, "梅园消防演练")
    in_thread(signup_create, user=city.resident, activity_id=fire.pk)
    started(fire)
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "resident")
    open_activity(page, fire)

    page.get_by_label("活动现场的签到码").fill("AAAAAA")
    page.locator("#vol-presence-code").click()

    page.locator("#vol-presence .field-error").filter(has_text="这不是此活动的签到码").wait_for()
    assert "这不是此活动的签到码" in page.locator("#status").inner_text()
    assert Signup.objects.get(activity=fire).checked_in_at is None


@pytest.mark.parametrize("phone", PHONES)
def test_volunteer_screens(asgi_server: str, new_page: Any, phone: str, tmp_path: Path) -> None:
    city = build_city()
    volunteer(city)
    aid = SkillFactory(code="first-aid", name_zh="急救", name_en="First aid")
    cpr = SkillFactory(code="cpr", name_zh="心肺复苏", parent=aid, needs_certificate=True)
    profile = city.resident.volunteer_profile
    CertificateFactory(profile=profile, skill=cpr, number="HSZ-000001")
    CertificateFactory(
        profile=profile,
        skill=cpr,
        number="HSZ-000002",
        expires_on=timezone.localdate() - timedelta(days=3),
    )
    fire = drill(city, "梅园消防演练")
    in_thread(signup_create, user=city.resident, activity_id=fire.pk)
    started(fire)
    drill(city, "社区安全宣传日", code="PUB234")
    photo = tmp_path / "certificate.jpg"
    photo.write_bytes(jpeg_bytes(colour=(200, 200, 230)))
    page = new_page(viewport=PHONES[phone], **GEO)
    sign_in(page, asgi_server, "resident")

    page.locator("#go-volunteer").click()
    page.locator("#vol-certificates [data-certificate]").first.wait_for()
    page.locator("#vol-cert-add summary").click()
    page.locator("#vol-cert-skill").select_option(str(cpr.pk))
    page.get_by_label("发证机构").fill("市红十字会")
    page.get_by_label("证书编号").fill("HSZ-000003")
    page.get_by_label("有效期至").fill((timezone.localdate() + timedelta(days=700)).isoformat())
    page.locator("#vol-cert-photo").set_input_files(str(photo))
    page.locator("#vol-cert-send").click()
    page.locator("[data-certificate]").filter(has_text="HSZ-000003").wait_for()
    added = Certificate.objects.get(number="HSZ-000003")
    assert (added.status, bool(added.photo)) == (CertificateStatus.PENDING, True)
    states = page.locator("#vol-certificates .badge").all_inner_texts()
    assert states[0] == "等待工作人员确认"
    assert states[1].startswith("已于") and states[2].startswith("有效期至")
    shoot(page, "volunteer-profile")
    assert_accessible(page)
    page.get_by_label("大字").check()
    shoot(page, "volunteer-profile-large-text")
    assert_accessible(page)
    page.get_by_label("大字").uncheck()

    page.locator("#go-vol-activities").click()
    page.locator("#vol-activity-list .card").nth(1).wait_for()
    shoot(page, "volunteer-activities")
    assert_accessible(page)
    page.locator(f"[data-activity='{fire.pk}']").click()
    page.locator("#vol-presence").wait_for()
    shoot(page, "volunteer-check-in")
    assert_accessible(page)
    page.goto(asgi_server + "/volunteer/hours")
    page.locator("#vol-signups .card").first.wait_for()
    shoot(page, "volunteer-hours")
    assert_accessible(page)
