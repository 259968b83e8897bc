"""Redeeming a reward through the API: one voucher per key, clear refusals, nothing half-done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from grids.models import User
from points.models import Account, LedgerEntry, Reward, Voucher
from points.services import reward_redeem
from tests.factories import CommunityFactory
from tests.points.factories import RewardFactory, make_resident

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]


def redeem(client: APIClient, reward_id: int, key: str | None = "k-1") -> object:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/v1/rewards/{reward_id}/redeem/", **headers)


def state(user: User, reward: Reward) -> tuple[int, int | None, int, int]:
    reward.refresh_from_db()
    balance = Account.objects.get(user=user).balance
    return balance, reward.stock, Voucher.objects.count(), LedgerEntry.objects.count()


def test_redeem_debits_takes_stock_and_issues_a_voucher(client_for: Client) -> None:
    user = make_resident(points=150)
    reward = RewardFactory(cost=100, stock=3)

    response = redeem(client_for(user), reward.pk)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "issued" and body["cost"] == 100
    assert body["reward"]["id"] == reward.pk
    assert body["qr_svg"].startswith("data:image/svg+xml")
    assert state(user, reward)[:3] == (50, 2, 1)


def test_same_key_returns_the_same_voucher_and_redeems_once(client_for: Client) -> None:
    user = make_resident(points=500)
    reward = RewardFactory(cost=100)
    client = client_for(user)

    first, second = redeem(client, reward.pk, "same"), redeem(client, reward.pk, "same")

    assert first.json() == second.json()
    assert Account.objects.get(user=user).balance == 400


def test_same_key_for_another_reward_is_a_conflict(client_for: Client) -> None:
    user = make_resident(points=500)
    one, other = RewardFactory(cost=100), RewardFactory(cost=100)
    client = client_for(user)
    redeem(client, one.pk, "same")

    response = redeem(client, other.pk, "same")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Account.objects.get(user=user).balance == 400


def test_missing_idempotency_key_is_refused(client_for: Client) -> None:
    user = make_resident(points=500)
    reward = RewardFactory(cost=100, stock=1)
    before = state(user, reward)

    response = redeem(client_for(user), reward.pk, key=None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert state(user, reward) == before


@pytest.mark.parametrize(
    ("points", "reward_kwargs", "status", "code"),
    [
        (50, {"cost": 100}, 400, "insufficient_points"),
        (500, {"cost": 100, "stock": 0}, 409, "out_of_stock"),
        (500, {"cost": 100, "active": False}, 400, "reward_unavailable"),
        (
            500,
            {"cost": 100, "valid_from": timezone.now() + timedelta(days=1)},
            400,
            "reward_unavailable",
        ),
        (
            500,
            {"cost": 100, "valid_until": timezone.now() - timedelta(days=1)},
            400,
            "reward_unavailable",
        ),
    ],
)
def test_refusals_are_clear_and_change_nothing(
    client_for: Client, points: int, reward_kwargs: dict, status: int, code: str
) -> None:
    user = make_resident(points=points)
    reward = RewardFactory(**reward_kwargs)
    before = state(user, reward)

    response = redeem(client_for(user), reward.pk)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert state(user, reward) == before


def test_per_person_limit_is_enforced(client_for: Client) -> None:
    user = make_resident(points=500)
    reward = RewardFactory(cost=100, per_person_limit=1)
    client = client_for(user)
    redeem(client, reward.pk, "first")
    before = state(user, reward)

    response = redeem(client, reward.pk, "second")

    assert (response.status_code, response.json()["code"]) == (400, "limit_reached")
    assert state(user, reward) == before


def test_reward_of_another_community_is_refused(client_for: Client) -> None:
    user = make_resident(points=500)
    reward = RewardFactory(cost=100, communities=[CommunityFactory()])
    before = state(user, reward)

    response = redeem(client_for(user), reward.pk)

    assert response.status_code == 400
    assert state(user, reward) == before


def test_unknown_reward_is_404(client_for: Client) -> None:
    user = make_resident(points=500)

    response = redeem(client_for(user), 999_999)

    assert response.status_code == 404
    assert Voucher.objects.count() == 0


def test_a_redemption_costs_seven_statements_and_the_commit(
    django_assert_num_queries: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    # Given a resident with points and a reward in stock, offered everywhere
    user = make_resident(points=150)
    reward = RewardFactory(cost=100, stock=3)

    # When they redeem it (the transaction is a savepoint inside the test's transaction)
    with django_assert_num_queries(9) as captured, django_capture_on_commit_callbacks():
        voucher = reward_redeem(user=user, reward=reward, idempotency_key="count-me")

    # Then: debit (the account lock), offered check, voucher, entry, event, its audience,
    # stock (the reward lock, last); no look-up of the key on the first attempt
    kinds = [query["sql"].split()[0] for query in captured.captured_queries]
    assert kinds == [
        "SAVEPOINT", "UPDATE", "SELECT", "INSERT", "INSERT", "INSERT", "INSERT", "UPDATE",
        "RELEASE",
    ]  # fmt: skip
    assert state(user, reward)[:3] == (50, 2, 1)
    assert voucher.idempotency_key == "count-me"
