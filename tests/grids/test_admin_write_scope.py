"""Community staff write only into their own communities through the admin forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grids.models import Building, Enterprise
from tests.factories import BuildingFactory, GridFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def places() -> dict[str, Any]:
    mine, other = GridFactory(), GridFactory()
    return {"mine": mine, "other": other, "staff": make_staff(mine.community)}


def _building_form(community: Any, grid: Any, **extra: Any) -> dict[str, Any]:
    return {
        "community": community.pk, "grid": grid.pk, "name": "新楼", "address": "",
        "lat": "32.06", "lng": "118.79", "residents": "40", **extra,
    }  # fmt: skip


def _enterprise_form(community: Any, grid: Any, **extra: Any) -> dict[str, Any]:
    return {
        "community": community.pk, "grid": grid.pk, "name": "仓库", "credit_code": "",
        "kind": "warehouse", "address": "", "lat": "32.06", "lng": "118.79",
        "risk_colour": "blue", "inspection_interval_days": "30", **extra,
    }  # fmt: skip


def test_staff_cannot_add_a_building_to_another_community(
    client: Client, places: dict[str, Any]
) -> None:
    client.force_login(places["staff"])
    other = places["other"]

    response = client.post("/admin/grids/building/add/", _building_form(other.community, other))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"community", "grid"}
    assert not Building.objects.exists()


def test_staff_cannot_move_their_building_out_or_into_another_grid(
    client: Client, places: dict[str, Any]
) -> None:
    mine, other = places["mine"], places["other"]
    building = BuildingFactory(community=mine.community, grid=mine)
    client.force_login(places["staff"])

    moved_out = client.post(
        f"/admin/grids/building/{building.pk}/change/", _building_form(other.community, mine)
    )
    foreign_grid = client.post(
        f"/admin/grids/building/{building.pk}/change/", _building_form(mine.community, other)
    )

    assert set(moved_out.context["adminform"].form.errors) == {"community"}
    assert set(foreign_grid.context["adminform"].form.errors) == {"grid"}
    building.refresh_from_db()
    assert (building.community_id, building.grid_id) == (mine.community_id, mine.pk)


def test_staff_cannot_blacklist_an_enterprise_in_another_community(
    client: Client, places: dict[str, Any]
) -> None:
    other = places["other"]
    client.force_login(places["staff"])

    response = client.post(
        "/admin/grids/enterprise/add/",
        _enterprise_form(other.community, other, is_blacklisted="on", blacklist_reason="x"),
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"community", "grid"}
    assert not Enterprise.objects.exists()


def test_staff_still_add_a_building_to_their_own_community(
    client: Client, places: dict[str, Any]
) -> None:
    mine = places["mine"]
    client.force_login(places["staff"])

    response = client.post("/admin/grids/building/add/", _building_form(mine.community, mine))

    assert response.status_code == 302
    assert Building.objects.get().community_id == mine.community_id
