"""Awarding points: one rule per kind, caps per person, every event paid once."""

from __future__ import annotations

import pytest

from points.models import Account, EarnKind, LedgerEntry
from points.services import points_award
from tests.factories import UserFactory
from tests.points.factories import EarningRuleFactory

pytestmark = pytest.mark.django_db


def test_award_pays_the_active_rule_and_updates_the_balance() -> None:
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=15)
    user = UserFactory()

    entry = points_award(user=user, kind="drill_attended", source="drill:1:user:1")

    assert entry is not None
    assert (entry.kind, entry.amount, entry.balance_after) == ("earn", 15, 15)
    assert Account.objects.get(user=user).balance == 15


def test_award_without_an_active_rule_pays_nothing() -> None:
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, active=False)
    user = UserFactory()

    assert points_award(user=user, kind="drill_attended", source="drill:1") is None
    assert LedgerEntry.objects.count() == 0


def test_the_same_event_pays_once() -> None:
    EarningRuleFactory(points=10)
    user = UserFactory()

    first = points_award(user=user, kind="hazard_verified", source="hazard:7:verified")
    second = points_award(user=user, kind="hazard_verified", source="hazard:7:verified")

    assert first is not None and second is None
    assert Account.objects.get(user=user).balance == 10


def test_a_replacement_rule_does_not_pay_an_event_again() -> None:
    old = EarningRuleFactory(points=10)
    user = UserFactory()
    points_award(user=user, kind="hazard_verified", source="hazard:7:verified")
    old.active = False
    old.save()
    EarningRuleFactory(points=20)

    assert points_award(user=user, kind="hazard_verified", source="hazard:7:verified") is None


def test_daily_cap_stops_awards_for_the_day() -> None:
    EarningRuleFactory(points=10, daily_cap=20)
    user = UserFactory()

    results = [points_award(user=user, kind="hazard_verified", source=f"h:{n}") for n in range(3)]

    assert [r is not None for r in results] == [True, True, False]
    assert Account.objects.get(user=user).balance == 20


def test_monthly_cap_stops_awards_for_the_month() -> None:
    EarningRuleFactory(points=10, monthly_cap=10)
    user = UserFactory()

    points_award(user=user, kind="hazard_verified", source="h:1")

    assert points_award(user=user, kind="hazard_verified", source="h:2") is None


def test_caps_count_per_person() -> None:
    EarningRuleFactory(points=10, daily_cap=10)
    alice, bob = UserFactory(), UserFactory()

    points_award(user=alice, kind="hazard_verified", source="h:1")

    assert points_award(user=bob, kind="hazard_verified", source="h:2") is not None


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(Exception, match="kind"):
        points_award(user=UserFactory(), kind="bribe", source="x:1")
