"""Writes to the points ledger. Every balance change goes through ``ledger_post``.

Locking order, everywhere: voucher, then account, then reward. Keeping one order means
two services never wait on each other's rows (no deadlocks on PostgreSQL); on SQLite the
IMMEDIATE transactions configured in settings serialize writers instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.api.errors import DomainError
from config.realtime.publish import publish
from points.models import Account, EarningRule, EarnKind, EntryKind, LedgerEntry, Voucher


class InsufficientPoints(DomainError):
    default_detail = _("Not enough points.")
    default_code = "insufficient_points"


def account_for(*, user: Any) -> Account:
    """The user's account, created on first use (safe when two requests race)."""
    account, _created = Account.objects.get_or_create(user=user)
    return account


def account_lock(*, user: Any) -> Account:
    """The user's account, locked for the rest of the transaction (PostgreSQL)."""
    account_id = account_for(user=user).pk
    return Account.objects.select_for_update().get(pk=account_id)


def ledger_post(
    *,
    account: Account,
    kind: str,
    amount: int,
    reason: str = "",
    source: str = "",
    rule: EarningRule | None = None,
    voucher: Voucher | None = None,
    created_by: Any = None,
) -> LedgerEntry:
    """Move ``amount`` points on a locked ``account`` and write the matching entry.

    Call inside a transaction that locked ``account`` (``account_lock``). The conditional
    UPDATE refuses to take the balance below zero even if the lock was forgotten.
    """
    floor = max(0, -amount)
    moved = Account.objects.filter(pk=account.pk, balance__gte=floor).update(
        balance=F("balance") + amount, updated_at=timezone.now()
    )
    if not moved:
        raise InsufficientPoints()
    account.refresh_from_db(fields=["balance"])
    entry = LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=account.balance,
        reason=reason[:200],
        source=source,
        rule=rule,
        voucher=voucher,
        created_by=created_by,
    )
    publish(
        type="points.balance_changed",
        data={"balance": account.balance, "amount": amount, "kind": kind, "entry": entry.pk},
        audiences=[f"user.{account.user_id}"],
    )
    return entry


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

    Other apps call this only from ``transaction.on_commit`` after their own transaction
    committed (so a rolled-back verification never pays), for example::

        transaction.on_commit(lambda: points_award(
            user=hazard.reporter, kind="hazard_verified", source=f"hazard:{hazard.pk}:verified"
        ))

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
