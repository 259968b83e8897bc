"""Paying points for verified contributions (other apps use ``points.awards.award``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from points.models import EarningRule, EarnKind, EntryKind, LedgerEntry
from points.services.ledger import Account, account_lock, ledger_post


def _period_start(now: datetime, *, month: bool) -> datetime:
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.replace(day=1) if month else start


def _over_cap(*, account: Account, rule: EarningRule, now: datetime) -> bool:
    caps = [(rule.daily_cap, False), (rule.monthly_cap, True)]
    for cap, month in caps:
        if cap is None:
            continue
        earned = LedgerEntry.objects.filter(
            account=account,
            kind=EntryKind.EARN,
            rule__kind=rule.kind,
            created_at__gte=_period_start(now, month=month),
        ).aggregate(total=Sum("amount"))["total"]
        if (earned or 0) + rule.points > cap:
            return True
    return False


def points_award(*, user: Any, kind: str, source: str, note: str = "") -> LedgerEntry | None:
    """Pay ``user`` the active earning rule's points for one verified event.

    Internal to points: other apps call ``points.awards.award`` in their transaction,
    whose drain calls this after commit (so a rolled-back verification never pays).

    ``source`` is a stable key of the event; the same event never pays twice, even when
    two awards race (a unique constraint on rule and source decides). Returns the new
    entry, or None when no rule is active for ``kind``, a daily or monthly cap would be
    exceeded, or the event was already paid.
    """
    if kind not in EarnKind.values:
        raise ValidationError({"kind": _("Unknown kind of event.")}, code="invalid")
    if not source:
        raise ValidationError({"source": _("An award needs the key of its event.")})
    rule = EarningRule.objects.filter(kind=kind, active=True).first()
    if rule is None:
        return None
    try:
        with transaction.atomic():
            return _award_locked(user=user, rule=rule, source=source, note=note)
    except IntegrityError:
        # Another award for the same event committed first.
        return None


def _award_locked(*, user: Any, rule: EarningRule, source: str, note: str) -> LedgerEntry | None:
    account = account_lock(user=user)
    # A replaced rule must not pay an event its predecessor already paid.
    paid = LedgerEntry.objects.filter(kind=EntryKind.EARN, rule__kind=rule.kind, source=source)
    if paid.exists() or _over_cap(account=account, rule=rule, now=timezone.now()):
        return None
    reason = note or str(rule.get_kind_display())
    return ledger_post(
        account=account,
        kind=EntryKind.EARN,
        amount=rule.points,
        reason=reason,
        source=source,
        rule=rule,
    )
