"""The demo's points: rules for every kind, public-service rewards, residents with history.

Deterministic for a given seed: the same residents earn the same points and hold the same
vouchers (only the random voucher codes differ).
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from config.demo import DemoContext
from points.awards import award, pending_award_pay, pending_awards
from points.models import EarningRule, EarnKind, Reward
from points.services import account_leaderboard_opt_in, reward_redeem, voucher_fulfil

RULES = [
    (EarnKind.HAZARD_VERIFIED, 20, 100, 600),
    (EarnKind.TIP_SUBSTANTIATED, 50, None, 300),
    (EarnKind.DRILL_ATTENDED, 30, 30, 120),
    (EarnKind.VOLUNTEER_HOURS, 10, 80, 400),
    (EarnKind.TRAINING_COMPLETED, 15, 45, 150),
]
# (Chinese name, English name, cost, stock, per-person limit, only in the first community)
REWARDS = [
    ("公共停车场2小时停车券", "2 hours of public parking", 40, None, 10, False),
    ("社区体育馆单次入场券", "Community gym single pass", 60, 200, 4, False),
    ("图书馆自习室半日卡", "Library study room, half a day", 30, None, None, False),
    ("家用灭火器（1公斤）", "Home fire extinguisher (1 kg)", 120, 50, 1, False),
    ("燃气泄漏报警器", "Gas leak alarm", 200, 30, 1, False),
    ("应急逃生包", "Emergency escape kit", 150, 20, 1, True),
    ("公交出行卡充值10元", "10 yuan public transport top-up", 80, 100, 2, True),
]
EARNING_RESIDENTS = 40


def build_points(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed + 30)
    with transaction.atomic():
        for kind, points, daily, monthly in RULES:
            EarningRule.objects.create(
                kind=kind, points=points, daily_cap=daily, monthly_cap=monthly
            )
        rewards = _rewards(ctx)
        residents = ctx.created.get("residents", [])[:EARNING_RESIDENTS]
        for index, resident in enumerate(residents):
            _history(resident=resident, index=index, rng=rng)
            if index % 2 == 0:
                account_leaderboard_opt_in(user=resident, opt_in=True)
        # The vouchers below spend this history, so it is paid now, in this transaction
        # (a rollback undoes both); the on_commit drains then find nothing left to pay.
        for owed_kind, source in pending_awards():
            pending_award_pay(kind=owed_kind, source=source)
        _vouchers(ctx, residents=residents, rewards=rewards, rng=rng)
    ctx.created["rewards"] = rewards


def _rewards(ctx: DemoContext) -> list[Reward]:
    communities = ctx.created.get("communities", [])
    rewards = []
    for name_zh, name_en, cost, stock, limit, local in REWARDS:
        reward = Reward.objects.create(
            name_zh=name_zh,
            name_en=name_en,
            description=f"凭券到社区服务中心兑换：{name_zh}。",
            cost=cost,
            stock=stock,
            per_person_limit=limit,
        )
        if local and communities:
            reward.communities.set(communities[:1])
        rewards.append(reward)
    return rewards


def _history(*, resident: Any, index: int, rng: random.Random) -> None:
    def pay(kind: EarnKind, source: str) -> None:
        award(user_id=resident.pk, kind=kind, source=f"demo:{source}")

    for n in range(rng.randint(1, 4)):
        pay(EarnKind.HAZARD_VERIFIED, f"hazard:{index}:{n}")
    if rng.random() < 0.6:
        pay(EarnKind.DRILL_ATTENDED, f"drill:1:{index}")
    for n in range(rng.randint(0, 5)):
        pay(EarnKind.VOLUNTEER_HOURS, f"hours:{index}:{n}")
    if rng.random() < 0.3:
        pay(EarnKind.TRAINING_COMPLETED, f"train:{index}")


def _vouchers(
    ctx: DemoContext, *, residents: list[Any], rewards: list[Reward], rng: random.Random
) -> None:
    admin = ctx.created.get("admin")
    cheap = [reward for reward in rewards if not reward.communities.exists() and reward.cost <= 60]
    for index, resident in enumerate(residents[::3]):
        reward = cheap[index % len(cheap)]
        account = resident.points_account
        account.refresh_from_db()
        if account.balance < reward.cost:
            continue
        voucher = reward_redeem(user=resident, reward=reward, idempotency_key=f"demo-{index}")
        if admin is not None and rng.random() < 0.4:
            voucher_fulfil(code=voucher.code, by=admin)
