"""Residents' rights (PIPL): download my data as JSON, close my account for good."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from grids.models import User
from inspections.models import Hazard, HazardEvent
from inspections.services import hazard_comment, hazard_report
from points.models import Account, LedgerEntry
from points.selectors import ledger_audit
from tests.factories import TEST_PASSWORD, BuildingFactory, GridFactory, UserFactory
from tests.inspections.factories import HERE, CategoryFactory
from tests.points.factories import give_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident() -> User:
    grid = GridFactory()
    home = BuildingFactory(community=grid.community, grid=grid, lat=HERE[0], lng=HERE[1])
    user = UserFactory(
        username="wang.fang", display_name="王芳", phone="13812345678", home_building=home
    )
    CategoryFactory(code="fire-exit")
    hazard = hazard_report(
        user=user, category_code="fire-exit", description="3号楼502门口堆杂物", lat=HERE[0],
        lng=HERE[1],
    ).hazard  # fmt: skip
    hazard_comment(user=user, hazard_id=hazard.pk, note="还没清理")
    give_points(user, 30)
    return user


def test_a_resident_downloads_their_data_as_json(
    resident: User, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(resident).get("/api/v1/me/data/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    body = response.json()
    assert body["profile"]["phone"] == "13812345678"
    assert body["profile"]["display_name"] == "王芳"
    assert [h["description"] for h in body["hazards"]["reported"]] == ["3号楼502门口堆杂物"]
    assert [e["note"] for e in body["hazards"]["timeline"] if e["kind"] == "comment"] == [
        "还没清理"
    ]
    assert body["points"]["balance"] == 30
    assert [entry["amount"] for entry in body["points"]["ledger"]] == [30]


def test_the_download_needs_sign_in(api_client: APIClient) -> None:
    assert api_client.get("/api/v1/me/data/").status_code == 401


def test_closing_keeps_the_city_s_records_without_the_person(
    resident: User, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(resident)

    response = client.post("/api/v1/me/close/", {"password": TEST_PASSWORD}, format="json")

    assert response.status_code == 204
    resident.refresh_from_db()
    assert (resident.username, resident.display_name, resident.phone) == (
        f"closed-{resident.pk}", "", None,
    )  # fmt: skip
    assert resident.home_building is None and not resident.is_active
    assert not resident.has_usable_password()
    hazard = Hazard.objects.get()
    assert hazard.reporter is None and hazard.description == "3号楼502门口堆杂物"
    assert not HazardEvent.objects.filter(actor=resident).exists()
    assert LedgerEntry.objects.filter(account__user=resident).count() == 1
    assert Account.objects.get(user=resident).balance == 30
    assert ledger_audit() == []
    assert not AuthToken.objects.filter(user=resident).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_a_closed_account_cannot_sign_in_again(resident: User, api_client: APIClient) -> None:
    resident_client = APIClient()
    _instance, token = AuthToken.objects.create(resident)
    resident_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    resident_client.post("/api/v1/me/close/", {"password": TEST_PASSWORD}, format="json")

    answers = [
        api_client.post("/api/v1/auth/token/", {"username": login, "password": TEST_PASSWORD})
        for login in ("wang.fang", "13812345678", f"closed-{resident.pk}")
    ]

    assert [answer.status_code for answer in answers] == [401, 401, 401]


def test_a_wrong_password_closes_nothing(
    resident: User, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(resident).post("/api/v1/me/close/", {"password": "nope"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"password": ["The password is not right."]}
    resident.refresh_from_db()
    assert resident.is_active and resident.phone == "13812345678"
    assert Hazard.objects.get().reporter == resident
