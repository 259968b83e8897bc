"""Reads of the points app, scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Community
from grids.selectors import user_is_administrator, user_staff_communities
from points.models import Account, EntryKind, LedgerEntry, Reward, Voucher

LEADERBOARD_SIZE = 50
VOUCHER_CODE_HALF = 4  # codes look like 7KQM-2XDP


def user_community_id(user: Any) -> int | None:
    """The community of the building the user registered as home."""
    home = getattr(user, "home_building", None)
    return home.community_id if home is not None else None


def account_get(*, user: Any) -> Account:
    """The user's account; an unsaved empty one when they never earned anything."""
    return Account.objects.filter(user=user).first() or Account(user=user, balance=0)


def ledger_history(*, user: Any) -> QuerySet[LedgerEntry]:
    """The user's own entries, newest first."""
    return LedgerEntry.objects.filter(account__user=user).select_related("rule", "voucher")


def reward_catalogue(*, user: Any, now: datetime | None = None) -> QuerySet[Reward]:
    """Rewards offered to ``user`` now: active, inside their window, in their community."""
    now = now or timezone.now()
    through = Reward.communities.through
    restricted = Exists(through.objects.filter(reward=OuterRef("pk")))
    community_id = user_community_id(user)
    offered: Q = Q(~restricted)
    if community_id is not None:
        offered |= Q(
            Exists(through.objects.filter(reward=OuterRef("pk"), community_id=community_id))
        )
    return (
        Reward.objects.filter(active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .filter(offered)
        .order_by("cost", "id")
    )


def reward_get(*, reward_id: int) -> Reward:
    """Any reward by id, or 404; whether it is offered to the user is the redeem service's
    call (a reward not offered is a 400 ``reward_unavailable`` there, as before)."""
    reward = Reward.objects.filter(pk=reward_id).first()
    if reward is None:
        raise Http404
    return reward


def voucher_list(*, user: Any) -> QuerySet[Voucher]:
    """The user's own vouchers, newest first."""
    return Voucher.objects.filter(user=user).select_related("reward")


def voucher_get(*, user: Any, code: str) -> Voucher:
    """One of the user's own vouchers by code, or 404."""
    voucher = voucher_list(user=user).filter(code=voucher_code_normalize(code)).first()
    if voucher is None:
        raise Http404
    return voucher


def voucher_code_normalize(code: str) -> str:
    """Accept what staff type: any case, with or without the dash or spaces."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(plain) != VOUCHER_CODE_HALF * 2:
        return code.strip().upper()
    return plain[:VOUCHER_CODE_HALF] + "-" + plain[VOUCHER_CODE_HALF:]


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    user_id: int
    name: str
    points: int


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of ``month`` and of the next month, in the local time zone."""
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, timezone.make_aware(datetime(following.year, following.month, 1))


def leaderboard(*, community: Community, month: date) -> list[LeaderboardRow]:
    """Points earned in ``month`` by residents of ``community`` who opted in."""
    start, end = month_bounds(month)
    rows = (
        LedgerEntry.objects.filter(
            kind=EntryKind.EARN,
            created_at__gte=start,
            created_at__lt=end,
            account__leaderboard_opt_in=True,
            account__user__home_building__community=community,
        )
        .values("account__user_id", "account__user__display_name")
        .annotate(points=Sum("amount"))
        .order_by("-points", "account__user_id")[:LEADERBOARD_SIZE]
    )
    return [
        LeaderboardRow(
            rank=index + 1,
            user_id=row["account__user_id"],
            name=row["account__user__display_name"] or str(_("Resident")),
            points=row["points"],
        )
        for index, row in enumerate(rows)
    ]


@dataclass(frozen=True)
class AuditMismatch:
    account_id: int
    user_id: int
    balance: int
    entries_total: int
    last_balance_after: int | None


def ledger_audit(*, account_ids: list[int] | None = None) -> list[AuditMismatch]:
    """Accounts whose balance differs from the sum of their entries, or from the last
    entry's ``balance_after``; empty when the books are clean."""
    accounts = (
        Account.objects.all() if account_ids is None else Account.objects.filter(pk__in=account_ids)
    )
    last_after = (
        LedgerEntry.objects.filter(account=OuterRef("pk"))
        .order_by("-id")
        .values("balance_after")[:1]
    )
    rows = accounts.annotate(
        entries_total=Coalesce(Sum("entries__amount"), 0), last_after=Subquery(last_after)
    ).values_list("pk", "user_id", "balance", "entries_total", "last_after")
    return [
        AuditMismatch(pk, user_id, balance, total, last)
        for pk, user_id, balance, total, last in rows
        if balance != total or (last is not None and last != balance) or (last is None and balance)
    ]


# --- Staff reads (admin, counter, exports): only what the staff member's communities own --
def _staff_community_ids(user: Any) -> Any:
    return user_staff_communities(user).values("pk")


def staff_reward_list(*, user: Any) -> QuerySet[Reward]:
    """Rewards offered in the staff member's communities (all rewards for administrators)."""
    if user_is_administrator(user):
        return Reward.objects.all()
    offered = Reward.communities.through.objects.filter(
        community_id__in=_staff_community_ids(user)
    ).values("reward_id")
    return Reward.objects.filter(pk__in=offered)


def staff_voucher_list(*, user: Any) -> QuerySet[Voucher]:
    """Vouchers of the staff member's residents, or of rewards their communities offer."""
    vouchers = Voucher.objects.select_related("reward", "user", "fulfilled_by")
    if user_is_administrator(user):
        return vouchers
    mine = _staff_community_ids(user)
    return vouchers.filter(
        Q(user__home_building__community_id__in=mine)
        | Q(reward__in=staff_reward_list(user=user).values("pk"))
    )


def staff_account_list(*, user: Any) -> QuerySet[Account]:
    """Points accounts of residents whose home is in the staff member's communities."""
    accounts = Account.objects.select_related("user")
    if user_is_administrator(user):
        return accounts
    return accounts.filter(user__home_building__community_id__in=_staff_community_ids(user))


def staff_ledger_list(*, user: Any) -> QuerySet[LedgerEntry]:
    """Ledger entries of those accounts, newest first."""
    entries = LedgerEntry.objects.select_related("account__user", "created_by", "voucher")
    if user_is_administrator(user):
        return entries
    return entries.filter(account__in=staff_account_list(user=user).values("pk"))


def user_may_fulfil(*, staff: Any, reward: Reward) -> bool:
    """Staff of a community that offers the reward (any community staff if offered everywhere)."""
    if user_is_administrator(staff):
        return True
    mine = user_staff_communities(staff)
    offered = reward.communities.values_list("pk", flat=True)
    if offered.exists():
        return mine.filter(pk__in=offered).exists()
    return mine.exists()


def counter_voucher_find(*, user: Any, code: str) -> Voucher | None:
    """A voucher shown at the counter: one this staff member may see or hand over; None
    when there is none (the counter form says so: a search, not a not-found)."""
    voucher = (
        Voucher.objects.select_related("reward", "user")
        .filter(code=voucher_code_normalize(code))
        .first()
    )
    if voucher is None:
        return None
    if user_may_fulfil(staff=user, reward=voucher.reward):
        return voucher
    return staff_voucher_list(user=user).filter(pk=voucher.pk).first()


def staff_resident_find(*, user: Any, who: str) -> Any:
    """A resident of the staff member's communities by phone number or username."""
    from grids.models import User, normalize_phone

    who = who.strip()
    people = User.objects.select_related("home_building")
    if not user_is_administrator(user):
        people = people.filter(home_building__community_id__in=_staff_community_ids(user))
    match = Q(username=who)
    if normalize_phone(who):
        match |= Q(phone=normalize_phone(who))
    return people.filter(match).order_by("pk").first()
