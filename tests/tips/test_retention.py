"""Deadlines with reminders that stop once a tip is closed; purge after the retention,
with a notice 3 days before, files removed, and the figures kept."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from config.realtime.models import Event
from inspections.tips.models import Tip, TipAttachment, TipFigure, TipStatus, add_months
from inspections.tips.services import tip_acknowledge, tips_remind
from tests.tips.conftest import TipCity, revealing_jpeg


def _received(tip: Tip, days_ago: int) -> Tip:
    Tip.objects.filter(pk=tip.pk).update(
        received_on=timezone.localdate() - timedelta(days=days_ago)
    )
    return Tip.objects.get(pk=tip.pk)


def _overdue_events() -> list[tuple[str, str]]:
    rows = Event.objects.filter(type="tip.overdue").order_by("id")
    return [(row.data["number"], row.data["deadline"]) for row in rows]


def test_the_deadlines_are_7_days_and_3_months_from_the_day_received() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 3), 3) == date(2027, 3, 3)


def test_an_unacknowledged_tip_is_announced_from_the_day_before_its_deadline_once_a_day(
    submit: Callable[..., Any],
) -> None:
    fresh = submit().tip
    due = _received(submit().tip, 6)

    first = tips_remind()
    again = tips_remind()
    tomorrow = tips_remind(today=timezone.localdate() + timedelta(days=1))

    assert (first, again, tomorrow) == (1, 0, 1)
    assert _overdue_events() == [(due.number, "acknowledge")] * 2
    assert fresh.number not in {number for number, _ in _overdue_events()}
    event = Event.objects.filter(type="tip.overdue").first()
    assert event is not None
    assert sorted(event.audiences.values_list("group", flat=True)) == [
        f"tips.district.{due.district_id}.handlers", "tips.handlers",
    ]  # fmt: skip


def test_reminders_stop_once_the_tip_is_closed(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = _received(submit().tip, 88)
    Tip.objects.filter(pk=tip.pk).update(status=TipStatus.CLOSED, closed_on=timezone.localdate())

    assert tips_remind() == 0
    assert _overdue_events() == []


def test_feedback_is_due_within_3_months_and_acknowledging_stops_the_first_clock(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    tip = _received(submit().tip, 85)
    tip_acknowledge(by=tip_city.handler, tip_id=tip.pk, version=1)

    tips_remind()

    assert _overdue_events() == [(tip.number, "feedback")]


def _closed(tip: Tip, days_ago: int, outcome: str = "unsubstantiated") -> Tip:
    day = timezone.localdate() - timedelta(days=days_ago)
    Tip.objects.filter(pk=tip.pk).update(
        status=TipStatus.CLOSED, closed_on=day, outcome=outcome, acknowledged_on=tip.received_on
    )
    return Tip.objects.get(pk=tip.pk)


def test_handlers_are_told_three_days_before_a_purge(submit: Callable[..., Any]) -> None:
    soon = _closed(submit().tip, 362)
    _closed(submit().tip, 300)

    tips_remind()
    tips_remind()

    assert _overdue_events() == [(soon.number, "purge")]


def test_the_purge_removes_old_closed_tips_and_their_files_and_keeps_the_figures(
    tip_city: TipCity, submit: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    old = _closed(submit(files=[SimpleUploadedFile("a.jpg", revealing_jpeg((64, 48)))]).tip, 365)
    kept = _closed(submit().tip, 364, outcome="substantiated")
    open_tip = submit().tip
    name = TipAttachment.objects.get(tip=old).file.name
    assert default_storage.exists(name)
    err = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("tips_purge", stdout=io.StringIO(), stderr=err)
    call_command("tips_purge", stdout=io.StringIO(), stderr=io.StringIO())

    assert set(Tip.objects.values_list("pk", flat=True)) == {kept.pk, open_tip.pk}
    assert not default_storage.exists(name)
    assert not TipAttachment.objects.filter(tip_id=old.pk).exists()
    figures = TipFigure.objects.values(
        "month", "district", "outcome", "count", "acknowledged_in_time"
    )
    assert list(figures) == [
        {"month": old.received_on.replace(day=1), "district": tip_city.district.pk,
         "outcome": "unsubstantiated", "count": 1, "acknowledged_in_time": 1},
    ]  # fmt: skip
    assert "Purging tips" in err.getvalue()


@pytest.mark.django_db
def test_the_reminder_command_runs_from_cron() -> None:
    out = io.StringIO()

    call_command("tips_remind", stdout=out)

    assert out.getvalue().strip() == "0 reminders sent."
