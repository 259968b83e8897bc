"""The points screens of the admin: rewards in one's own communities, adjustments."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from points.models import Account, LedgerEntry, Reward
from tests.factories import CommunityFactory, make_staff
from tests.points.factories import make_resident

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reward_form(community_id: int) -> dict[str, Any]:
    return {
        "name_zh": "理发券", "name_en": "", "description": "", "cost": 30, "voucher_days": 30,
        "communities": [community_id], "active": "on",
    }  # fmt: skip


def test_staff_offer_a_reward_in_their_own_community_only() -> None:
    mine, theirs = CommunityFactory(), CommunityFactory()
    client = signed_in(make_staff(mine))

    refused = client.post("/admin/points/reward/add/", reward_form(theirs.pk))
    created = client.post("/admin/points/reward/add/", reward_form(mine.pk))

    assert refused.status_code == 200  # the form again, with the reason
    assert created.status_code == 302
    assert list(Reward.objects.get().communities.all()) == [mine]


def test_a_points_adjustment_needs_a_note_and_goes_through_the_ledger() -> None:
    community = CommunityFactory()
    resident = make_resident(community, points=10, phone="13800001234")
    client = signed_in(make_staff(community))

    no_note = client.post(
        "/admin/points/account/adjust/", {"resident": "13800001234", "amount": 5, "note": " "}
    )
    done = client.post(
        "/admin/points/account/adjust/",
        {"resident": "138 0000 1234", "amount": 5, "note": "志愿服务补记"},
    )
    too_much = client.post(
        "/admin/points/account/adjust/",
        {"resident": "13800001234", "amount": -100, "note": "扣减"},
    )

    assert no_note.status_code == 200 and done.status_code == 302
    assert "Not enough points." in too_much.content.decode()
    assert Account.objects.get(user=resident).balance == 15
    assert LedgerEntry.objects.filter(kind="adjust", reason="志愿服务补记").count() == 1
