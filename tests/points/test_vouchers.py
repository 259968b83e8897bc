"""Vouchers: shown with a QR code, fulfilled by staff, cancelled or expired with a refund."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from config.realtime.models import Event
from grids.models import User
from points.models import Account, LedgerEntry, Voucher
from points.selectors import ledger_audit
from points.services import reward_redeem
from tests.factories import CommunityFactory, make_staff
from tests.points.factories import RewardFactory, make_resident
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]


def issued(user: User, **reward_kwargs: object) -> Voucher:
    reward = RewardFactory(**{"cost": 100, **reward_kwargs})
    return reward_redeem(user=user, reward=reward, idempotency_key="k")


def balance(user: User) -> int:
    return Account.objects.get(user=user).balance


def test_my_voucher_shows_its_qr_code(client_for: Client) -> None:
    user = make_resident(points=100)
    voucher = issued(user)

    response = client_for(user).get(f"/api/v1/vouchers/{voucher.code}/")

    assert response.status_code == 200
    assert response.json()["code"] == voucher.code
    assert response.json()["qr_svg"].startswith("data:image/svg+xml")


def test_someone_elses_voucher_is_not_found(client_for: Client) -> None:
    voucher = issued(make_resident(points=100))

    response = client_for(make_resident()).get(f"/api/v1/vouchers/{voucher.code}/")

    assert response.status_code == 404


def test_staff_of_the_rewards_community_fulfil_by_code(client_for: Client) -> None:
    community = CommunityFactory()
    user = make_resident(community, points=100)
    voucher = issued(user, communities=[community])

    code = voucher.code.lower().replace("-", "")
    response = client_for(make_staff(community)).post(f"/api/v1/vouchers/{code}/fulfil/")

    assert response.status_code == 200
    assert response.json()["status"] == "fulfilled"
    assert Event.objects.filter(
        type="voucher.fulfilled", audiences__group=f"user.{user.pk}"
    ).exists()


def test_staff_of_another_community_may_not_fulfil(client_for: Client) -> None:
    community = CommunityFactory()
    voucher = issued(make_resident(community, points=100), communities=[community])

    response = client_for(make_staff(CommunityFactory())).post(
        f"/api/v1/vouchers/{voucher.code}/fulfil/"
    )

    assert response.status_code == 403
    voucher.refresh_from_db()
    assert voucher.status == "issued"


def test_a_resident_may_not_fulfil(client_for: Client) -> None:
    user = make_resident(points=100)
    voucher = issued(user)

    response = client_for(user).post(f"/api/v1/vouchers/{voucher.code}/fulfil/")

    assert response.status_code == 403


def test_fulfilling_twice_is_a_conflict(client_for: Client) -> None:
    community = CommunityFactory()
    voucher = issued(make_resident(community, points=100))
    staff = client_for(make_staff(community))
    staff.post(f"/api/v1/vouchers/{voucher.code}/fulfil/")

    response = staff.post(f"/api/v1/vouchers/{voucher.code}/fulfil/")

    assert response.status_code == 409
    assert response.json()["code"] == "voucher_not_issued"
    assert response.json()["current"] == {"code": voucher.code, "status": "fulfilled"}


def test_unknown_code_is_404(client_for: Client) -> None:
    response = client_for(make_staff(CommunityFactory())).post("/api/v1/vouchers/ZZZZ-ZZZZ/fulfil/")

    assert response.status_code == 404


def test_cancel_refunds_points_and_stock(client_for: Client) -> None:
    user = make_resident(points=100)
    voucher = issued(user, stock=5)

    response = client_for(user).post(f"/api/v1/vouchers/{voucher.code}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert balance(user) == 100
    voucher.reward.refresh_from_db()
    assert voucher.reward.stock == 5
    assert ledger_audit() == []


def test_cancelling_a_fulfilled_voucher_is_a_conflict_and_changes_nothing(
    client_for: Client,
) -> None:
    community = CommunityFactory()
    user = make_resident(community, points=100)
    voucher = issued(user)
    client_for(make_staff(community)).post(f"/api/v1/vouchers/{voucher.code}/fulfil/")
    entries = LedgerEntry.objects.count()

    response = client_for(user).post(f"/api/v1/vouchers/{voucher.code}/cancel/")

    assert response.status_code == 409
    assert (balance(user), LedgerEntry.objects.count()) == (0, entries)


def test_cancelling_twice_refunds_once(client_for: Client) -> None:
    user = make_resident(points=100)
    voucher = issued(user)
    client = client_for(user)
    client.post(f"/api/v1/vouchers/{voucher.code}/cancel/")

    response = client.post(f"/api/v1/vouchers/{voucher.code}/cancel/")

    assert response.status_code == 409
    assert balance(user) == 100


def test_expired_vouchers_are_refunded_by_the_command() -> None:
    user = make_resident(points=100)
    voucher = issued(user, stock=1)
    Voucher.objects.filter(pk=voucher.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    call_command("expire_vouchers")
    call_command("expire_vouchers")

    voucher.refresh_from_db()
    assert voucher.status == "expired"
    assert balance(user) == 100
    assert LedgerEntry.objects.filter(kind="refund").count() == 1


def test_an_expired_voucher_cannot_be_fulfilled(client_for: Client) -> None:
    community = CommunityFactory()
    voucher = issued(make_resident(community, points=100))
    Voucher.objects.filter(pk=voucher.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client_for(make_staff(community)).post(f"/api/v1/vouchers/{voucher.code}/fulfil/")

    assert response.status_code == 409


def test_my_vouchers_list_costs_the_same_queries_for_1_and_50(client_for: Client) -> None:
    user = make_resident(points=10_000)
    client = client_for(user)
    reward = RewardFactory(cost=10)
    reward_redeem(user=user, reward=reward, idempotency_key="first")
    client.get("/api/v1/vouchers/")  # warm the token and role caches

    def more() -> None:
        for n in range(49):
            reward_redeem(user=user, reward=RewardFactory(cost=10), idempotency_key=f"k{n}")

    assert_query_budget(lambda: client.get("/api/v1/vouchers/"), grow=more, queries=3)
    assert len(client.get("/api/v1/vouchers/").json()["results"]) == 50
