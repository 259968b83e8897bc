"""Factories for the points app."""

from __future__ import annotations

import factory
from django.db import transaction

from grids.models import Community, User
from points.models import EarningRule, EarnKind, EntryKind, Reward
from points.services import account_lock, ledger_post
from tests.factories import BuildingFactory, CommunityFactory, UserFactory


class EarningRuleFactory(factory.django.DjangoModelFactory[EarningRule]):
    class Meta:
        model = EarningRule

    kind = EarnKind.HAZARD_VERIFIED
    points = 10
    active = True


class RewardFactory(factory.django.DjangoModelFactory[Reward]):
    class Meta:
        model = Reward
        skip_postgeneration_save = True

    name_zh = factory.Sequence(lambda n: f"停车券{n}")
    name_en = factory.Sequence(lambda n: f"Parking voucher {n}")
    cost = 100
    stock = None
    active = True

    @factory.post_generation
    def communities(self, create: bool, extracted: list | None, **_: object) -> None:
        if create and extracted:
            self.communities.set(extracted)


def give_points(user: User, amount: int, reason: str = "测试入账") -> None:
    """Credit ``user`` through the ledger, as a staff adjustment would."""
    with transaction.atomic():
        ledger_post(
            account=account_lock(user=user), kind=EntryKind.ADJUST, amount=amount, reason=reason
        )


def make_resident(community: Community | None = None, points: int = 0, **kwargs: object) -> User:
    """A resident whose home building is in ``community``, holding ``points``."""
    building = BuildingFactory(community=community or CommunityFactory())
    user = UserFactory(home_building=building, **kwargs)
    if points:
        give_points(user, points)
    return user
