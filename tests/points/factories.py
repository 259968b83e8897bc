"""Factories for the points app."""

from __future__ import annotations

import factory

from points.models import EarningRule, EarnKind, Reward


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
