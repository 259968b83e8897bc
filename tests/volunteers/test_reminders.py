"""The cron command: reminders once each, no-shows, check-ins closed at the end."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.realtime.models import Event
from tests.volunteers.factories import ActivityFactory, CertificateFactory, ProfileFactory
from volunteers.models import HoursStatus, Signup

pytestmark = pytest.mark.django_db


def _tick() -> None:
    call_command("volunteers_tick", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_certificates_are_reminded_30_then_7_days_before_expiry_once_each() -> None:
    today = timezone.localdate()
    in_20 = CertificateFactory(expires_on=today + timedelta(days=20))
    in_5 = CertificateFactory(expires_on=today + timedelta(days=5))
    CertificateFactory(expires_on=today + timedelta(days=60))
    CertificateFactory(expires_on=today + timedelta(days=5), status="pending")

    _tick()
    _tick()

    sent = Event.objects.filter(type="volunteers.certificate_expiring").order_by("id")
    assert sorted((e.data["certificate"], e.data["days_left"]) for e in sent) == sorted(
        [(in_20.pk, 30), (in_5.pk, 7)]
    )


def test_activities_are_reminded_the_day_before_and_on_the_day() -> None:
    tomorrow_9 = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time(9))
    )
    tomorrow = ActivityFactory(starts_at=tomorrow_9, ends_at=tomorrow_9 + timedelta(hours=2))
    later_today = ActivityFactory(
        starts_at=timezone.now() + timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=2)
    )
    for activity in (tomorrow, later_today):
        Signup.objects.create(
            activity=activity, profile=ProfileFactory(), status="confirmed",
            signed_up_at=timezone.now(),
        )  # fmt: skip
    local_now = timezone.localtime()
    if local_now.date() != timezone.localtime(later_today.starts_at).date():
        pytest.skip("five minutes from now is tomorrow here")  # only a minute before midnight

    _tick()
    _tick()

    sent = Event.objects.filter(type="volunteers.activity_reminder")
    assert sorted((e.data["activity"], e.data["when"]) for e in sent) == sorted(
        [(tomorrow.pk, "day_before"), (later_today.pk, "day_of")]
    )


def test_after_the_activity_no_shows_are_recorded_and_open_check_ins_closed() -> None:
    ended = timezone.now() - timedelta(hours=3)
    starts = ended - timedelta(hours=2)
    activity = ActivityFactory(starts_at=starts, ends_at=ended)
    absent = Signup.objects.create(
        activity=activity, profile=ProfileFactory(), status="confirmed", signed_up_at=ended
    )
    forgot = Signup.objects.create(
        activity=activity, profile=ProfileFactory(), status="confirmed", signed_up_at=ended,
        checked_in_at=starts + timedelta(minutes=30),
    )  # fmt: skip

    _tick()
    _tick()

    absent.refresh_from_db()
    forgot.refresh_from_db()
    assert absent.no_show is True
    assert (forgot.checked_out_at, forgot.minutes, forgot.hours_status) == (
        ended, 90, HoursStatus.PENDING,
    )  # fmt: skip
