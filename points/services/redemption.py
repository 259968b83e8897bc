"""Redeeming rewards and the life of a voucher: issued, then fulfilled, cancelled or expired.

A redemption debits the account, takes one from stock and issues the voucher in one
transaction. The debit is a conditional UPDATE that also locks the account (PostgreSQL;
SQLite's IMMEDIATE transactions serialize writers), and the stock is taken by a
conditional UPDATE last, just before commit, so a popular reward's row is held for one
statement and the commit, not the whole redemption. Stock and balance change only
through conditional UPDATEs (``stock > 0``, ``balance >= cost``), so no interleaving can
oversell a reward or overdraw an account; the unique ``(user, idempotency_key)`` of
vouchers makes a key redeem at most once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.api.errors import Conflict, DomainError
from config.idempotency import replay_by_key
from config.realtime.publish import publish
from grids.audiences import user_group
from points.events import VOUCHER_FULFILLED
from points.models import EntryKind, Reward, Voucher, VoucherStatus
from points.selectors import VOUCHER_CODE_HALF, user_may_fulfil, voucher_code_normalize
from points.services.ledger import (
    account_lock,
    account_move,
    ledger_post,
    ledger_record,
)

# No 0/O, 1/I/L: codes are read aloud and typed at a counter.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
IDEMPOTENCY_KEY_MAX = 64


class RewardUnavailable(DomainError):
    default_detail = _("This reward is not offered to you at this time.")
    default_code = "reward_unavailable"


class LimitReached(DomainError):
    default_detail = _("You have already redeemed this reward as often as allowed.")
    default_code = "limit_reached"


def voucher_code_new() -> str:
    """A random code like ``7KQM-2XDP``: about 10^12 possibilities, easy to read out."""
    chars = [secrets.choice(CODE_ALPHABET) for _ in range(VOUCHER_CODE_HALF * 2)]
    return "".join(chars[:VOUCHER_CODE_HALF]) + "-" + "".join(chars[VOUCHER_CODE_HALF:])


def _key_check(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ValidationError(
            {"idempotency_key": _("Send an Idempotency-Key of 1 to 64 printable characters.")},
            code="invalid",
        )
    return key


def _voucher_for_key(*, user: Any, key: str, reward: Reward) -> Voucher | None:
    return replay_by_key(
        Voucher.objects.select_related("reward").filter(user=user),
        key={"idempotency_key": key},
        same=lambda voucher: voucher.reward_id == reward.pk,
        conflict=lambda voucher: Conflict(
            _("This Idempotency-Key was already used for another reward."),
            code="idempotency_key_reused",
        ),
    )


def reward_redeem(*, user: Any, reward: Reward, idempotency_key: str) -> Voucher:
    """Redeem ``reward`` for ``user``; repeating the same key returns the same voucher.

    The first attempt of a key is the fast path: no look-up first, the voucher's unique
    ``(user, idempotency_key)`` decides. A key already used fails somewhere on the way (its
    voucher exists, or its points or the stock are gone), the transaction rolls back, and
    only then is the key looked up: a retry gets its voucher, anything else the error.
    """
    key = _key_check(idempotency_key)
    try:
        with transaction.atomic():
            return _redeem_locked(user=user, reward=reward, key=key)
    except (IntegrityError, DomainError):
        existing = _voucher_for_key(user=user, key=key, reward=reward)
        if existing is None:
            raise
        return existing


def _redeem_locked(*, user: Any, reward: Reward, key: str) -> Voucher:
    """Seven statements with the commit (a community-limited reward one more, a limit
    one more): debit (which locks the account), offered check, voucher, ledger entry,
    its event and audience, stock. The account lock serialises one user's
    redemptions, so the limit check under it is exact; the reward row is locked by its
    UPDATE, the last statement, and held only until the commit."""
    # Debit first: every refusal below then comes after any earlier attempt of the same
    # key (a double tap) has committed or rolled back, so the look-up that follows a
    # refusal finds that attempt's voucher.
    account = account_move(user=user, amount=-reward.cost)
    now = timezone.now()
    _check_offered(reward=reward, user=user, now=now)
    if reward.stock == 0:
        raise _out_of_stock()  # as read with the reward; the UPDATE below decides
    _check_limit(reward=reward, user=user)
    voucher = Voucher.objects.create(
        user=user,
        reward=reward,
        code=voucher_code_new(),
        cost=reward.cost,
        idempotency_key=key,
        expires_at=now + timedelta(days=reward.voucher_days),
    )
    ledger_record(
        account=account,
        kind=EntryKind.REDEEM,
        amount=-reward.cost,
        reason=reward.name_zh,
        source=f"voucher:{voucher.code}",
        voucher=voucher,
        created_by=user,
    )
    _stock_take(reward_id=reward.pk)
    return voucher


def _out_of_stock() -> Conflict:
    return Conflict(_("This reward is out of stock."), code="out_of_stock")


def _stock_take(*, reward_id: int) -> None:
    """Take one from stock (unlimited stays NULL), last thing before commit: the UPDATE
    locks the reward row, the hot spot of a popular reward, only from here to the commit.
    Out of stock rolls back the voucher and the debit written above."""
    taken = Reward.objects.filter(Q(stock__isnull=True) | Q(stock__gt=0), pk=reward_id).update(
        stock=F("stock") - 1
    )
    if not taken:
        raise _out_of_stock()


def reward_is_offered_to(*, reward: Reward, user: Any, now: datetime) -> bool:
    """Active, inside its window, and offered in the user's community (or everywhere)."""
    if not reward.active:
        return False
    if reward.valid_from and now < reward.valid_from:
        return False
    if reward.valid_until and now >= reward.valid_until:
        return False
    communities = reward.communities.values_list("pk", flat=True)
    if not communities.exists():
        return True
    home = getattr(user, "home_building", None)
    return home is not None and communities.filter(pk=home.community_id).exists()


def _check_offered(*, reward: Reward, user: Any, now: datetime) -> None:
    if not reward_is_offered_to(reward=reward, user=user, now=now):
        raise RewardUnavailable()


def _check_limit(*, reward: Reward, user: Any) -> None:
    if reward.per_person_limit is None:
        return
    held = Voucher.objects.filter(
        user=user, reward=reward, status__in=[VoucherStatus.ISSUED, VoucherStatus.FULFILLED]
    ).count()
    if held >= reward.per_person_limit:
        raise LimitReached()


def _not_issued(voucher: Voucher) -> Conflict:
    return Conflict(
        _("This voucher is no longer valid: it was already used, cancelled or has expired."),
        code="voucher_not_issued",
        current={"code": voucher.code, "status": voucher.status},
    )


@transaction.atomic
def voucher_fulfil(*, code: str, by: Any) -> Voucher:
    """Staff at the counter hand over the reward and mark the voucher used."""
    voucher = (
        Voucher.objects.select_for_update()
        .select_related("reward")
        .filter(code=voucher_code_normalize(code))
        .first()
    )
    if voucher is None:
        raise Http404
    if not user_may_fulfil(staff=by, reward=voucher.reward):
        raise PermissionDenied(_("This reward is not offered in a community you serve."))
    now = timezone.now()
    if voucher.status != VoucherStatus.ISSUED or voucher.expires_at <= now:
        raise _not_issued(voucher)
    voucher.status = VoucherStatus.FULFILLED
    voucher.fulfilled_by = by
    voucher.fulfilled_at = now
    voucher.save(update_fields=["status", "fulfilled_by", "fulfilled_at"])
    publish(
        type=VOUCHER_FULFILLED,
        data={"code": voucher.code, "reward": voucher.reward_id, "fulfilled_at": now.isoformat()},
        audiences=[user_group(voucher.user_id)],
    )
    return voucher


@transaction.atomic
def voucher_cancel(*, voucher: Voucher, by: Any) -> Voucher:
    """The holder (or staff who may fulfil it) cancels an unused voucher; points come back."""
    locked = Voucher.objects.select_for_update().select_related("reward").get(pk=voucher.pk)
    if locked.user_id != by.pk and not user_may_fulfil(staff=by, reward=locked.reward):
        raise PermissionDenied(_("Only the holder or community staff may cancel this voucher."))
    if locked.status != VoucherStatus.ISSUED:
        raise _not_issued(locked)
    return _voucher_close(voucher=locked, status=VoucherStatus.CANCELLED, by=by)


def _voucher_close(*, voucher: Voucher, status: str, by: Any = None) -> Voucher:
    voucher.status = status
    voucher.closed_at = timezone.now()
    voucher.save(update_fields=["status", "closed_at"])
    account = account_lock(user=voucher.user)
    reason = _("Voucher %(code)s cancelled") if status == VoucherStatus.CANCELLED else None
    ledger_post(
        account=account,
        kind=EntryKind.REFUND,
        amount=voucher.cost,
        reason=str((reason or _("Voucher %(code)s expired")) % {"code": voucher.code}),
        source=f"voucher:{voucher.code}",
        voucher=voucher,
        created_by=by,
    )
    Reward.objects.filter(pk=voucher.reward_id, stock__isnull=False).update(stock=F("stock") + 1)
    return voucher


def vouchers_expire(*, now: datetime | None = None) -> int:
    """Expire unused vouchers past their date and refund them; returns how many."""
    now = now or timezone.now()
    due = Voucher.objects.filter(status=VoucherStatus.ISSUED, expires_at__lte=now)
    return sum(
        _voucher_expire(voucher_id=pk, now=now) for pk in list(due.values_list("pk", flat=True))
    )


@transaction.atomic
def _voucher_expire(*, voucher_id: int, now: datetime) -> int:
    voucher = Voucher.objects.select_for_update().get(pk=voucher_id)
    # Fulfilled or cancelled while we were listing: nothing to do.
    if voucher.status != VoucherStatus.ISSUED or voucher.expires_at > now:
        return 0
    _voucher_close(voucher=voucher, status=VoucherStatus.EXPIRED)
    return 1
