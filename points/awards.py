"""The one way other apps award points: ``award(...)``, inside their own transaction.

    from django.db import transaction
    from points.awards import award
    from points.models import EarnKind

    @transaction.atomic
    def hazard_close(...):
        ...
        award(
            user_id=hazard.reporter_id,
            kind=EarnKind.HAZARD_VERIFIED,
            source=f"hazard:{hazard.pk}:verified",
            note=hazard.number,
        )

Public names (other apps code against these, and import nothing else from ``points``
but ``points.models.EarnKind``):

- ``award(*, user_id: int, kind: EarnKind, source: str, note: str = "") -> None``
- ``AwardOutsideTransaction``: raised by ``award`` when no ``transaction.atomic`` block
  is open, since it could then pay for a change that never commits.

How it is durable: ``award`` writes a ``PendingAward`` row in the caller's transaction
(unique on kind and source: awarding the same event again is a no-op) and registers an
``on_commit`` drain of that row. The drain pays through ``points_award`` (the ledger's
unique source key makes a retry pay once), then marks the row done, in one transaction.
When no earning rule is active for the kind (an admin switched it off) or a cap is
reached, the row is done without payment and says why (``unpaid_reason``): a rule
switched back on later pays no backlog, as before the seam. If the process dies between
commit and drain, or the drain fails (an exception: a database error, a refused kind),
the row stays pending, the failure is logged and nothing is raised into the request: a
committed change never becomes a 500. ``manage.py points_drain_awards`` (cron) pays
pending rows; two drains racing pay once (the row is locked, then re-read).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from points.models import (
    EarningRule,
    EarnKind,
    EntryKind,
    LedgerEntry,
    PendingAward,
    UnpaidReason,
)
from points.services.awards import points_award

logger = logging.getLogger(__name__)

SOURCE_MAX_LENGTH = PendingAward._meta.get_field("source").max_length or 120


class AwardOutsideTransaction(RuntimeError):
    """``award`` needs the caller's transaction: it must never pay before that commits."""


def award(*, user_id: int, kind: EarnKind, source: str, note: str = "") -> None:
    """Owe ``user_id`` the points of ``kind`` for the event ``source``; paid after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise AwardOutsideTransaction(
            "points.awards.award() must be called inside the caller's transaction.atomic()"
        )
    if not isinstance(kind, EarnKind):
        raise TypeError(f"award(kind=...) takes an EarnKind, not {kind!r}")
    if not source or len(source) > SOURCE_MAX_LENGTH:
        raise ValueError(f"an award needs its event's key (1-{SOURCE_MAX_LENGTH} characters)")
    row = PendingAward(user_id=user_id, kind=kind.value, source=source, note=note[:200])
    # The same event owed twice (a hazard closed, reopened, closed) stays one row.
    PendingAward.objects.bulk_create([row], ignore_conflicts=True)
    transaction.on_commit(lambda: pending_award_pay(kind=kind.value, source=source))


def pending_award_pay(*, kind: str, source: str) -> bool:
    """Pay one pending award; True when this call finished it. Never raises: a failure
    is logged and recorded on the row, which stays pending for the next drain."""
    try:
        with transaction.atomic():
            row = (
                PendingAward.objects.select_for_update()
                .select_related("user")
                .filter(kind=kind, source=source, done_at__isnull=True)
                .first()
            )
            if row is None:  # already paid by another drain, or never owed
                return False
            _pay(row)
        return True
    except Exception as error:
        logger.exception("points: award %s %s failed; it stays pending", kind, source)
        _record_failure(kind=kind, source=source, error=error)
        return False


def _pay(row: PendingAward) -> None:
    entry, reason = None, UnpaidReason.NO_ACTIVE_RULE
    if EarningRule.objects.filter(kind=row.kind, active=True).exists():
        entry = points_award(user=row.user, kind=row.kind, source=row.source, note=row.note)
        if entry is None:  # paid before (a retry after a crash), or over a cap
            paid = LedgerEntry.objects.filter(kind=EntryKind.EARN, rule__kind=row.kind)
            entry = paid.filter(source=row.source).first()
        reason = UnpaidReason.CAP_REACHED
    row.entry, row.done_at, row.last_error = entry, timezone.now(), ""
    row.unpaid_reason = "" if entry else reason
    row.attempts += 1
    row.save(update_fields=["entry", "done_at", "unpaid_reason", "last_error", "attempts"])
    if not entry:
        logger.info("points: award %s %s done unpaid (%s)", row.kind, row.source, reason)


def _record_failure(*, kind: str, source: str, error: Exception) -> None:
    try:
        PendingAward.objects.filter(kind=kind, source=source, done_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
    except Exception:
        logger.exception("points: could not record the failure of award %s %s", kind, source)


def pending_awards() -> list[tuple[str, str]]:
    """The (kind, source) of every award still owed, oldest first."""
    rows = PendingAward.objects.filter(done_at__isnull=True).order_by("id")
    return list(rows.values_list("kind", "source"))
