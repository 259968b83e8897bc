"""Reminders: certificates 30 and 7 days before expiry, activities the day before and on the day.

Run from cron (``manage.py volunteers_tick``) as often as wanted, even twice at once: a
reminder is a conditional UPDATE of its ``reminded_*`` column, and the event is logged in
the same transaction, so each reminder goes out exactly once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from config.realtime.publish import publish
from grids.audiences import user_group
from volunteers import events
from volunteers.models import Certificate, CertificateStatus, Signup, SignupStatus

CERTIFICATE_REMINDER_DAYS = (30, 7)


def _claim(
    model: type[Model], pk: int, column: str, now: datetime, also: tuple[str, ...] = ()
) -> bool:
    """Mark a reminder as sent; False when another run already did."""
    updates = {name: now for name in (column, *also)}
    claimed: int = model._default_manager.filter(pk=pk, **{f"{column}__isnull": True}).update(
        **updates
    )
    return claimed == 1


def certificate_reminders_send(*, now: datetime | None = None) -> int:
    """Tell holders of confirmed certificates that expire in 30 (then 7) days."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sent = 0
    # The nearest first: a certificate inside 7 days gets that one, which also stands for
    # the 30-day reminder it missed.
    for days in sorted(CERTIFICATE_REMINDER_DAYS):
        column = f"reminded_{days}_at"
        also = tuple(f"reminded_{d}_at" for d in CERTIFICATE_REMINDER_DAYS if d > days)
        due = Certificate.objects.filter(
            status=CertificateStatus.CONFIRMED,
            expires_on__gt=today,
            expires_on__lte=today + timedelta(days=days),
            **{f"{column}__isnull": True},
        ).select_related("profile", "skill")
        for certificate in due:
            sent += _remind_certificate(certificate, column, also, now, days)
    return sent


def _remind_certificate(
    certificate: Certificate, column: str, also: tuple[str, ...], now: datetime, days: int
) -> int:
    with transaction.atomic():
        if not _claim(Certificate, certificate.pk, column, now, also):
            return 0
        publish(
            type=events.CERTIFICATE_EXPIRING,
            audiences=[user_group(certificate.profile.user_id)],
            data=events.event_data(
                certificate=certificate.pk,
                skill=certificate.skill.code,
                expires_on=certificate.expires_on,
                days_left=days,
            ),
        )
    return 1


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def activity_reminders_send(*, now: datetime | None = None) -> int:
    """Remind confirmed volunteers of tomorrow's activities, and of today's not yet begun."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    tomorrow = _day_range(today + timedelta(days=1))
    sent = 0
    plans: list[tuple[str, str, QuerySet[Signup]]] = [
        ("reminded_day_before_at", "day_before", _confirmed(*tomorrow)),
        ("reminded_day_of_at", "day_of", _confirmed(now, _day_range(today)[1])),
    ]
    for column, when, due in plans:
        for signup in due.filter(**{f"{column}__isnull": True}):
            sent += _remind_signup(signup, column, when, now)
    return sent


def _confirmed(start: datetime, end: datetime) -> QuerySet[Signup]:
    return Signup.objects.filter(
        status=SignupStatus.CONFIRMED,
        activity__cancelled_at__isnull=True,
        activity__starts_at__gte=start,
        activity__starts_at__lt=end,
    ).select_related("activity", "profile")


def _remind_signup(signup: Signup, column: str, when: str, now: datetime) -> int:
    with transaction.atomic():
        # The day-of reminder makes a late day-before one pointless.
        also: tuple[Any, ...] = ("reminded_day_before_at",) if when == "day_of" else ()
        if not _claim(Signup, signup.pk, column, now):
            return 0
        if also:
            Signup.objects.filter(pk=signup.pk, reminded_day_before_at__isnull=True).update(
                reminded_day_before_at=now
            )
        activity = signup.activity
        publish(
            type=events.ACTIVITY_REMINDER,
            audiences=[user_group(signup.profile.user_id)],
            data=events.event_data(
                activity=activity.pk, title=activity.title, starts_at=activity.starts_at, when=when
            ),
        )
    return 1
