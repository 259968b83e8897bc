"""GET /api/v1/me/: roles, scopes and language."""

from __future__ import annotations

from typing import Any

import pytest

from grids.models import Role
from tests.factories import CommunityFactory, GridFactory, UserFactory, make_staff, make_worker

pytestmark = pytest.mark.django_db


def test_resident_sees_only_the_resident_role(client_for: Any) -> None:
    user = UserFactory(username="zhang", display_name="张三")

    body = client_for(user).get("/api/v1/me/").json()

    assert body["roles"] == ["resident"]
    assert body["staff_communities"] == []
    assert body["worker_grid"] is None


def test_staff_see_the_communities_they_run(client_for: Any) -> None:
    first, second, _other = CommunityFactory.create_batch(3)
    staff = make_staff(first, second)

    body = client_for(staff).get("/api/v1/me/").json()

    assert body["roles"] == ["community_staff", "resident"]
    assert [c["id"] for c in body["staff_communities"]] == sorted([first.pk, second.pk])
    assert body["staff_communities"][0]["district"]["id"] == first.district_id


def test_worker_sees_their_grid(client_for: Any) -> None:
    grid = GridFactory()
    worker = make_worker(grid)

    body = client_for(worker).get("/api/v1/me/").json()

    assert "grid_worker" in body["roles"]
    assert body["worker_grid"]["id"] == grid.pk
    assert body["worker_grid"]["community"]["id"] == grid.community_id


def test_user_preference_wins_over_accept_language(client_for: Any) -> None:
    user = UserFactory(preferred_language="en")

    response = client_for(user).get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.json()["language"] == "en"
    assert response["Content-Language"] == "en"


def test_accept_language_applies_when_the_user_has_no_preference(
    client_for: Any, chinese_default: None
) -> None:
    user = UserFactory(preferred_language="")

    assert client_for(user).get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").json()["language"] == "en"
    assert client_for(user).get("/api/v1/me/").json()["language"] == "zh-hans"


def test_user_can_change_their_language_and_bad_values_change_nothing(client_for: Any) -> None:
    user = UserFactory(preferred_language="")
    client = client_for(user)

    bad = client.patch("/api/v1/me/", {"preferred_language": "klingon"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"preferred_language"}

    good = client.patch("/api/v1/me/", {"preferred_language": "en"}, format="json")
    assert good.status_code == 200
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_superuser_is_an_administrator(client_for: Any) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)

    assert Role.ADMINISTRATOR.value in client_for(admin).get("/api/v1/me/").json()["roles"]
