"""Deadlines and retention, run from cron; both are safe to run as often as you like.

``tips_remind``: the EU directive's clocks. A tip not acknowledged is announced to its
handlers (``tip.overdue``) from the day before its 7-day deadline, once a day; a tip with
no outcome from a week before its 3-month deadline; a closed tip three days before it is
purged. A tip that is closed gets no deadline reminder again.

``tips_purge``: closed tips (and their files) older than ``TIPS_RETENTION_DAYS`` are
deleted, each in its own transaction after its counts were added to ``TipFigure``; the
programme's figures survive, the content does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inspections.tips.events import TIP_OVERDUE, tip_publish
from inspections.tips.models import Tip, TipAttachment, TipEventKind, TipFigure, TipStatus
from inspections.tips.selectors import OPEN_TIP_STATUSES
from inspections.tips.services.timeline import tip_event_add

ACKNOWLEDGE_WARN_DAYS = 1
FEEDBACK_WARN_DAYS = 7
PURGE_NOTICE_DAYS = 3

T = TypeVar("T")
Progress = Callable[[Iterable[T], int], Iterable[T]]


def _remind(tip: Tip, *, deadline: str, due_on: date, field: str, today: date) -> None:
    with transaction.atomic():
        updated = (
            Tip.objects.filter(pk=tip.pk).exclude(**{field: today}).exclude(status=TipStatus.CLOSED)
        )
        if not updated.update(**{field: today}):
            return  # another run reminded today, or it was closed meanwhile
        tip_event_add(tip, by=None, kind=TipEventKind.REMINDER, note=deadline)
        tip_publish(
            type=TIP_OVERDUE, tip=tip, extra={"deadline": deadline, "due_on": due_on.isoformat()}
        )


def tips_remind(*, today: date | None = None) -> int:
    """Announce today's deadline reminders; returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    unacknowledged = Tip.objects.filter(
        status=TipStatus.NEW,
        received_on__lte=today - timedelta(days=7 - ACKNOWLEDGE_WARN_DAYS),
    ).exclude(acknowledge_reminded_on=today)
    for tip in unacknowledged.iterator():
        _remind(
            tip,
            deadline="acknowledge",
            due_on=tip.acknowledge_due_on,
            field="acknowledge_reminded_on",
            today=today,
        )
        sent += 1
    undecided = Tip.objects.filter(status__in=OPEN_TIP_STATUSES).exclude(feedback_reminded_on=today)
    for tip in undecided.iterator():
        if tip.feedback_due_on - timedelta(days=FEEDBACK_WARN_DAYS) <= today:
            _remind(
                tip,
                deadline="feedback",
                due_on=tip.feedback_due_on,
                field="feedback_reminded_on",
                today=today,
            )
            sent += 1
    return sent + _purge_notices(today)


def _purge_cutoff(today: date) -> date:
    return today - timedelta(days=settings.TIPS_RETENTION_DAYS)


def _purge_notices(today: date) -> int:
    notice_cutoff = _purge_cutoff(today) + timedelta(days=PURGE_NOTICE_DAYS)
    due = Tip.objects.filter(
        status=TipStatus.CLOSED, closed_on__lte=notice_cutoff, purge_notice_on__isnull=True
    )
    sent = 0
    for tip in due.iterator():
        with transaction.atomic():
            if Tip.objects.filter(pk=tip.pk, purge_notice_on__isnull=True).update(
                purge_notice_on=today
            ):
                assert tip.closed_on is not None  # a closed tip has its day (a constraint)
                purge_on = tip.closed_on + timedelta(days=settings.TIPS_RETENTION_DAYS)
                tip_publish(
                    type=TIP_OVERDUE,
                    tip=tip,
                    extra={"deadline": "purge", "due_on": purge_on.isoformat()},
                )
                sent += 1
    return sent


def tips_purge_candidates(*, today: date | None = None) -> list[int]:
    cutoff = _purge_cutoff(today or timezone.localdate())
    return list(
        Tip.objects.filter(status=TipStatus.CLOSED, closed_on__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def tips_purge(*, today: date | None = None, progress: Progress[int] | None = None) -> int:
    """Delete closed tips past their retention; returns how many were purged."""
    candidates = tips_purge_candidates(today=today)
    items: Iterable[int] = progress(candidates, len(candidates)) if progress else candidates
    return sum(tip_purge(tip_id=tip_id, today=today) for tip_id in items)


def tip_purge(*, tip_id: int, today: date | None = None) -> int:
    """One tip: counted into the figures, then deleted with its files; 0 if already gone."""
    cutoff = _purge_cutoff(today or timezone.localdate())
    with transaction.atomic():
        tip = (
            Tip.objects.select_for_update()
            .filter(pk=tip_id, status=TipStatus.CLOSED, closed_on__lte=cutoff)
            .first()
        )
        if tip is None:
            return 0
        _count(tip)
        files = [attachment.file.name for attachment in tip.attachments.all()]
        tip.delete()
        transaction.on_commit(lambda: _delete_files(files))
    return 1


def _delete_files(names: list[str]) -> None:
    storage = TipAttachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _count(tip: Tip) -> None:
    month = tip.received_on.replace(day=1)
    figure, _created = TipFigure.objects.get_or_create(
        month=month, district_id=tip.district_id, outcome=tip.outcome
    )
    in_time = bool(tip.acknowledged_on and tip.acknowledged_on <= tip.acknowledge_due_on)
    TipFigure.objects.filter(pk=figure.pk).update(
        count=F("count") + 1, acknowledged_in_time=F("acknowledged_in_time") + int(in_time)
    )
