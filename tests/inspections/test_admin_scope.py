"""Staff of community B can neither see nor act on community A's rows from any admin
page: list, change view, step, bulk action, autocomplete, export and dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from inspections.models import Hazard
from points.models import Account, Voucher
from points.services import reward_redeem
from tests.points.factories import RewardFactory, make_resident

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export(client: Client, url: str) -> str:
    """Open the export page, keep every column ticked, download the CSV."""
    page = client.get(url).content.decode()
    columns = set(re.findall(r'name="([a-z]+resource_\w+)"', page))
    response = client.post(url, {"format": "0", "resource": "0", **dict.fromkeys(columns, "on")})
    assert response.status_code == 200 and columns
    return response.content.decode("utf-8-sig")


def listed(html: str) -> list[str]:
    return re.findall(r">(H-\d{4}-\d{6})</a>", html)


@pytest.fixture
def a_hazard(city, report) -> Hazard:
    return report(description="甲社区的隐患 A-ONLY")


def test_list_and_search(city, a_hazard) -> None:
    other = signed_in(city.other_staff)

    listing = other.get("/admin/inspections/hazard/").content.decode()
    searched = other.get("/admin/inspections/hazard/", {"q": a_hazard.number}).content.decode()

    assert listed(listing) == listed(searched) == []
    mine = signed_in(city.staff).get("/admin/inspections/hazard/").content.decode()
    assert listed(mine) == [a_hazard.number]


def test_change_view_and_photo(city, a_hazard) -> None:
    response = signed_in(city.other_staff).get(f"/admin/inspections/hazard/{a_hazard.pk}/change/")

    assert response.status_code == 404
    assert "A-ONLY" not in response.content.decode()


def test_steps(city, a_hazard) -> None:
    response = signed_in(city.other_staff).post(
        f"/admin/inspections/hazard/{a_hazard.pk}/step/reject/",
        {"reject-version": a_hazard.version, "reject-reason": "不是隐患"},
    )

    assert response.status_code == 404
    assert Hazard.objects.get(pk=a_hazard.pk).status == "reported"


def test_bulk_action(city, a_hazard) -> None:
    signed_in(city.other_staff).post(
        "/admin/inspections/hazard/",
        {"action": "assign_to_grid_workers", "_selected_action": [a_hazard.pk]},
    )

    assert Hazard.objects.get(pk=a_hazard.pk).assignee is None


def test_autocomplete(city, a_hazard) -> None:
    response = signed_in(city.other_staff).get(
        "/admin/autocomplete/",
        {"app_label": "inspections", "model_name": "hazard", "field_name": "duplicate_of",
         "term": "A-ONLY"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_export(city, a_hazard) -> None:
    mine = export(signed_in(city.staff), "/admin/inspections/hazard/export/")
    theirs = export(signed_in(city.other_staff), "/admin/inspections/hazard/export/")

    assert a_hazard.number in mine and "A-ONLY" in mine
    assert a_hazard.number not in theirs and "A-ONLY" not in theirs


def test_dashboard(city, a_hazard) -> None:
    mine = signed_in(city.staff).get("/admin/dashboard/").content.decode()
    theirs = (
        signed_in(city.other_staff)
        .get("/admin/dashboard/", {"community": city.community.pk})
        .content.decode()
    )

    assert "1 reported" in mine.replace("(", " ").replace(")", " ")
    assert "0 reported" in theirs.replace("(", " ").replace(")", " ")
    assert city.community.name not in theirs


def test_inspections_list(city, a_hazard) -> None:
    response = signed_in(city.other_staff).get("/admin/inspections/inspection/")

    assert response.status_code == 200


@pytest.fixture
def a_voucher(city) -> Voucher:
    resident = make_resident(city.community, points=100)
    reward = RewardFactory(name_zh="甲社区停车券", communities=[city.community])
    return reward_redeem(user=resident, reward=reward, idempotency_key="a")


def test_rewards_vouchers_and_ledger_lists(city, a_voucher) -> None:
    other = signed_in(city.other_staff)

    pages = [
        other.get(url).content.decode()
        for url in [
            "/admin/points/reward/",
            "/admin/points/voucher/",
            "/admin/points/account/",
            "/admin/points/ledgerentry/",
        ]
    ]

    assert all("甲社区停车券" not in page and a_voucher.code not in page for page in pages)
    assert a_voucher.code in signed_in(city.staff).get("/admin/points/voucher/").content.decode()


def test_the_counter(city, a_voucher) -> None:
    other = signed_in(city.other_staff)

    looked_up = other.get("/admin/points/voucher/counter/", {"code": a_voucher.code})
    fulfilled = other.post("/admin/points/voucher/counter/", {"fulfil": a_voucher.code})

    assert "甲社区停车券" not in looked_up.content.decode()
    assert "No voucher with this code in the communities you serve." in looked_up.content.decode()
    assert fulfilled.status_code == 302
    assert Voucher.objects.get(pk=a_voucher.pk).status == "issued"


def test_voucher_and_ledger_exports(city, a_voucher) -> None:
    other = signed_in(city.other_staff)

    vouchers = export(other, "/admin/points/voucher/export/")
    entries = export(other, "/admin/points/ledgerentry/export/")
    mine = export(signed_in(city.staff), "/admin/points/voucher/export/")
    my_entries = export(signed_in(city.staff), "/admin/points/ledgerentry/export/")

    assert a_voucher.code not in vouchers and a_voucher.code in mine
    assert a_voucher.code not in entries and a_voucher.code in my_entries


def test_points_adjustment_of_another_communitys_resident(city) -> None:
    resident = make_resident(city.community, points=10, phone="13800001234")

    response = signed_in(city.other_staff).post(
        "/admin/points/account/adjust/", {"resident": "13800001234", "amount": 50, "note": "奖励"}
    )

    assert (
        "No resident of your communities has this number or username." in response.content.decode()
    )
    assert Account.objects.get(user=resident).balance == 10
