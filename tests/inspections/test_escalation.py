"""Overdue hazards climb escalation levels, once per step, and staff hear about it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.realtime.models import Event
from inspections.models import Hazard, HazardEvent

pytestmark = pytest.mark.django_db


def overdue_by(hazard: Hazard, hours: float) -> None:
    Hazard.objects.filter(pk=hazard.pk).update(due_at=timezone.now() - dt.timedelta(hours=hours))


def run() -> str:
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    return out.getvalue()


def test_overdue_hazard_is_escalated_and_staff_are_told(city, report) -> None:
    hazard = report()
    overdue_by(hazard, 1)

    assert run() == "raised 1 escalation level(s)\n"

    hazard.refresh_from_db()
    assert hazard.escalation_level == 1
    event = Event.objects.get(type="hazard.escalated")
    assert f"community.{city.community.pk}.staff" in set(
        event.audiences.values_list("group", flat=True)
    )
    assert event.data["escalation_level"] == 1


def test_running_again_changes_nothing(city, report) -> None:
    overdue_by(report(), 1)
    run()

    assert run() == "raised 0 escalation level(s)\n"
    assert HazardEvent.objects.filter(kind="escalation").count() == 1


def test_long_overdue_hazard_reaches_a_higher_level(city, report) -> None:
    hazard = report()
    overdue_by(hazard, 30)

    run()

    hazard.refresh_from_db()
    assert hazard.escalation_level == 2


def test_hazards_on_time_or_closed_are_left_alone(city, report) -> None:
    report()
    rejected = report()
    overdue_by(rejected, 5)
    Hazard.objects.filter(pk=rejected.pk).update(status="rejected", reject_reason="x")

    assert run() == "raised 0 escalation level(s)\n"
