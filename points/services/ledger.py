"""Writes to the points ledger. Every balance change goes through ``ledger_post``.

Locking order, everywhere: voucher, then account, then reward. Keeping one order means
two services never wait on each other's rows (no deadlocks on PostgreSQL); on SQLite the
IMMEDIATE transactions configured in settings serialize writers instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.api.errors import DomainError
from config.realtime.publish import publish
from grids.audiences import user_group
from grids.selectors import user_is_administrator, user_staff_communities
from points.events import BALANCE_CHANGED
from points.models import Account, EarningRule, EntryKind, LedgerEntry, Voucher


class InsufficientPoints(DomainError):
    default_detail = _("Not enough points.")
    default_code = "insufficient_points"


def account_for(*, user: Any) -> Account:
    """The user's account, created on first use (safe when two requests race)."""
    account, _created = Account.objects.get_or_create(user=user)
    return account


def account_lock(*, user: Any) -> Account:
    """The user's account, locked for the rest of the transaction (PostgreSQL)."""
    account = Account.objects.select_for_update().filter(user=user).first()
    if account is None:
        account_for(user=user)
        account = Account.objects.select_for_update().get(user=user)
    return account


def account_leaderboard_opt_in(*, user: Any, opt_in: bool) -> Account:
    """Show or hide the user on their community's monthly leaderboard."""
    account = account_for(user=user)
    if account.leaderboard_opt_in != opt_in:
        account.leaderboard_opt_in = opt_in
        account.save(update_fields=["leaderboard_opt_in", "updated_at"])
    return account


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
    moved = _balance_move(column="id", value=account.pk, amount=amount)
    if moved is None:
        raise InsufficientPoints()
    account.balance = moved[1]
    return ledger_record(
        account=account,
        kind=kind,
        amount=amount,
        reason=reason,
        source=source,
        rule=rule,
        voucher=voucher,
        created_by=created_by,
    )


def account_move(*, user: Any, amount: int) -> Account:
    """Add ``amount`` to ``user``'s balance, in one statement that also locks the account
    for the rest of the transaction (the conditional UPDATE is lock and check at once);
    ``InsufficientPoints`` if that would take it below zero. Follow with ``ledger_record``
    in the same transaction."""
    moved = _balance_move(column="user_id", value=user.pk, amount=amount)
    if moved is None:
        account_for(user=user)  # a first redemption (rare): make the account, then retry
        moved = _balance_move(column="user_id", value=user.pk, amount=amount)
    if moved is None:
        raise InsufficientPoints()
    return Account(pk=moved[0], user_id=user.pk, balance=moved[1])


def _balance_move(*, column: str, value: int, amount: int) -> tuple[int, int] | None:
    """Add ``amount`` to the balance of the account whose ``column`` is ``value`` unless
    that takes it below zero, in one UPDATE ... RETURNING (PostgreSQL and SQLite): the
    account's id and new balance, or None when refused or there is no such account."""
    if column not in ("id", "user_id"):
        raise ValueError(column)
    table = connection.ops.quote_name(Account._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET balance = balance + %s, updated_at = %s "
            f"WHERE {column} = %s AND balance >= %s RETURNING id, balance",
            [
                amount,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                value,
                max(0, -amount),
            ],
        )
        found = cursor.fetchone()
    return None if found is None else (int(found[0]), int(found[1]))


def ledger_record(
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
    """The entry (and its realtime event) for ``amount`` already moved on ``account``,
    whose ``balance`` is the new one (``account_move``)."""
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
        type=BALANCE_CHANGED,
        data={"balance": account.balance, "amount": amount, "kind": kind, "entry": entry.pk},
        audiences=[user_group(account.user_id)],
    )
    return entry


def user_may_manage_points_of(*, staff: Any, user: Any) -> bool:
    """Administrators anywhere; community staff for residents of their communities."""
    if user_is_administrator(staff):
        return True
    home = getattr(user, "home_building", None)
    if home is None:
        return False
    return user_staff_communities(staff).filter(pk=home.community_id).exists()


@transaction.atomic
def points_adjust(*, user: Any, amount: int, note: str, by: Any) -> LedgerEntry:
    """A staff member's manual correction, with the note that explains it.

    Never takes a balance below zero: a larger debit is refused and nothing changes.
    """
    note = (note or "").strip()
    errors = {}
    if not note:
        errors["note"] = [_("Say why the balance is being adjusted.")]
    if amount == 0:
        errors["amount"] = [_("An adjustment must change the balance.")]
    if errors:
        raise ValidationError(errors)
    if not user_may_manage_points_of(staff=by, user=user):
        raise PermissionDenied(_("You may only adjust points of residents you serve."))
    account = account_lock(user=user)
    return ledger_post(
        account=account, kind=EntryKind.ADJUST, amount=amount, reason=note, created_by=by
    )


def points_expiry_days() -> int | None:
    """``POINTS_EXPIRE_AFTER_DAYS``; None (the default) keeps points forever."""
    days = settings.POINTS_EXPIRE_AFTER_DAYS
    return int(days) if days else None


def points_expire(*, now: datetime | None = None) -> int:
    """Expire points earned more than the configured period ago, oldest first.

    Spending always uses the oldest points first, so what is left of the old credits is
    the old credits minus everything spent (net of refunds) and already expired. Running
    it twice expires nothing more. Returns the number of accounts touched.
    """
    days = points_expiry_days()
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    account_ids = (
        LedgerEntry.objects.filter(amount__gt=0, created_at__lt=cutoff)
        .values_list("account_id", flat=True)
        .distinct()
    )
    return sum(_account_expire(account_id=pk, cutoff=cutoff) for pk in list(account_ids))


@transaction.atomic
def _account_expire(*, account_id: int, cutoff: datetime) -> int:
    account = Account.objects.select_for_update().get(pk=account_id)
    old_credits = Q(
        amount__gt=0, created_at__lt=cutoff, kind__in=[EntryKind.EARN, EntryKind.ADJUST]
    )
    spent = Q(kind__in=[EntryKind.REDEEM, EntryKind.REFUND, EntryKind.EXPIRE]) | Q(
        kind=EntryKind.ADJUST, amount__lt=0
    )
    totals = account.entries.aggregate(
        old=Sum("amount", filter=old_credits, default=0),
        spent=Sum("amount", filter=spent, default=0),
    )
    left = min(account.balance, totals["old"] + totals["spent"])
    if left <= 0:
        return 0
    ledger_post(
        account=account,
        kind=EntryKind.EXPIRE,
        amount=-left,
        reason=str(_("Points earned before %(date)s expired.") % {"date": cutoff.date()}),
    )
    return 1
