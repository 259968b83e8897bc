"""The guarantees under real concurrency: threads with their own database connections.

The numbers from the issue run on PostgreSQL (row locks and conditional UPDATEs) and on
SQLite alike (IMMEDIATE transactions queue the writers; the test database is a file).
"""

from __future__ import annotations

from collections import Counter

import pytest
from rest_framework.test import APIClient

from grids.models import User
from points.models import Account, EarnKind, LedgerEntry, Voucher
from points.selectors import ledger_audit
from points.services import points_award
from tests.factories import BuildingFactory, UserFactory
from tests.points.factories import EarningRuleFactory, RewardFactory, give_points
from tests.threads import run_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def residents(count: int, points: int) -> list[User]:
    building = BuildingFactory()
    users = [UserFactory(home_building=building) for _ in range(count)]
    for user in users:
        give_points(user, points)
    return users


def redeem_as(user: User, reward_id: int, key: str) -> tuple[int, dict]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(f"/api/v1/rewards/{reward_id}/redeem/", HTTP_IDEMPOTENCY_KEY=key)
    return response.status_code, response.json()


def test_concurrent_redemptions_never_oversell() -> None:
    clients, stock = 200, 50
    users = residents(clients, points=150)
    reward = RewardFactory(cost=100, stock=stock)

    results = run_parallel(clients, lambda i: redeem_as(users[i], reward.pk, f"key-{i}"))

    assert all(isinstance(result, tuple) for result in results), results
    statuses = Counter(status for status, _body in results)
    assert statuses == {201: stock, 409: clients - stock}
    assert {body["code"] for status, body in results if status == 409} == {"out_of_stock"}
    reward.refresh_from_db()
    assert reward.stock == 0
    assert Voucher.objects.count() == stock
    assert not Account.objects.filter(balance__lt=0).exists()
    assert sorted(Account.objects.values_list("balance", flat=True)) == sorted(
        [50] * stock + [150] * (clients - stock)
    )
    assert ledger_audit() == []


def test_same_idempotency_key_in_parallel_redeems_once() -> None:
    (user,) = residents(1, points=1000)
    reward = RewardFactory(cost=100, stock=10)

    results = run_parallel(20, lambda i: redeem_as(user, reward.pk, "one-tap"))

    assert all(isinstance(result, tuple) for result in results), results
    assert {status for status, _body in results} == {201}
    assert len({str(sorted(body.items())) for _status, body in results}) == 1
    assert Voucher.objects.count() == 1
    assert Account.objects.get(user=user).balance == 900
    reward.refresh_from_db()
    assert reward.stock == 9
    assert ledger_audit() == []


def test_racing_awards_for_one_event_pay_once() -> None:
    EarningRuleFactory(kind=EarnKind.HAZARD_VERIFIED, points=10)
    user = UserFactory()

    results = run_parallel(
        2, lambda i: points_award(user=user, kind="hazard_verified", source="hazard:1:verified")
    )

    assert not any(isinstance(result, BaseException) for result in results), results
    assert LedgerEntry.objects.filter(source="hazard:1:verified").count() == 1
    assert Account.objects.get(user=user).balance == 10


def test_racing_awards_to_different_people_for_one_event_pay_once() -> None:
    EarningRuleFactory(kind=EarnKind.HAZARD_VERIFIED, points=10)
    users = [UserFactory() for _ in range(8)]

    results = run_parallel(
        8, lambda i: points_award(user=users[i], kind="hazard_verified", source="hazard:2:verified")
    )

    assert not any(isinstance(result, BaseException) for result in results), results
    assert sum(result is not None for result in results) == 1
    assert LedgerEntry.objects.filter(source="hazard:2:verified").count() == 1
    assert ledger_audit() == []


def test_flash_sale_with_double_taps_sells_each_unit_once() -> None:
    # Given 24 residents who can each afford one, every one tapping twice at once (the
    # same key from two threads), and 8 in stock
    stock, people = 8, 24
    users = residents(people, points=150)
    reward = RewardFactory(cost=100, stock=stock)

    # When all 48 requests go at the same instant
    results = run_parallel(
        2 * people, lambda i: redeem_as(users[i // 2], reward.pk, f"tap-{i // 2}")
    )

    # Then both taps of a person get the same answer, 8 people a voucher, no one twice
    assert all(isinstance(result, tuple) for result in results), results
    for person in range(people):
        first, second = results[2 * person], results[2 * person + 1]
        assert first == second, (first, second)
    won = [results[2 * p] for p in range(people) if results[2 * p][0] == 201]
    assert len(won) == stock
    assert {body["code"] for status, body in results if status == 409} == {"out_of_stock"}
    assert Voucher.objects.count() == stock
    assert len(set(Voucher.objects.values_list("user_id", flat=True))) == stock
    reward.refresh_from_db()
    assert reward.stock == 0
    assert sorted(Account.objects.values_list("balance", flat=True)) == sorted(
        [50] * stock + [150] * (people - stock)
    )
    assert ledger_audit() == []
