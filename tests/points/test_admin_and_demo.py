"""Admin screens for the points app, and the demo step."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from points.models import (
    Account,
    EarningRule,
    EarnKind,
    LedgerEntry,
    PendingAward,
    Reward,
    Voucher,
)
from points.selectors import ledger_audit
from points.services import reward_redeem
from tests.factories import UserFactory
from tests.points.factories import RewardFactory, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["earningrule", "reward", "account", "voucher"])
def test_admin_lists_open(admin_client: Client, model: str) -> None:
    user = make_resident(points=100)
    reward_redeem(user=user, reward=RewardFactory(cost=10), idempotency_key="k")

    assert admin_client.get(f"/admin/points/{model}/").status_code == 200


def test_admin_account_page_shows_the_ledger_read_only(admin_client: Client) -> None:
    user = make_resident(points=100)
    account = Account.objects.get(user=user)

    response = admin_client.get(f"/admin/points/account/{account.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="balance"' not in page  # balances change only through the services
    assert "entries-0-amount" not in page  # entries are shown, not editable
    assert LedgerEntry.objects.get(account=account).reason in page


def test_admin_fulfil_action(admin_client: Client) -> None:
    voucher = reward_redeem(
        user=make_resident(points=100), reward=RewardFactory(cost=10), idempotency_key="k"
    )

    admin_client.post(
        "/admin/points/voucher/", {"action": "fulfil", "_selected_action": [voucher.pk]}
    )

    voucher.refresh_from_db()
    assert voucher.status == "fulfilled"


def test_demo_city_has_rules_rewards_and_balanced_residents() -> None:
    call_command("demo_city", residents=1000, password="demo-pass-1", no_progress=True)

    assert set(EarningRule.objects.values_list("kind", flat=True)) == set(EarnKind.values)
    assert Reward.objects.count() >= 5
    assert Account.objects.filter(balance__gt=0).exists()
    assert Voucher.objects.exists()
    assert ledger_audit() == []


def test_admin_shows_pending_awards_read_only(admin_client: Client) -> None:
    user = UserFactory(display_name="王芳")
    row = PendingAward.objects.create(
        user=user, kind=EarnKind.VOLUNTEER_HOURS, source="hours:1", last_error="NoActiveRule"
    )

    listing = admin_client.get("/admin/points/pendingaward/?state=pending")
    detail = admin_client.get(f"/admin/points/pendingaward/{row.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    assert "hours:1" in listing.text and "王芳" in listing.text
    assert admin_client.get("/admin/points/pendingaward/add/").status_code == 403
    assert b'name="_save"' not in detail.content
