"""A small city: one community with one grid and one building, its worker, staff and a
resident; a second community whose staff must not see the first one's hazards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from grids.models import Building, Community, Grid, User
from inspections.models import Category, Hazard
from inspections.services import hazard_report
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from tests.inspections.factories import HERE, CategoryFactory


@dataclass
class City:
    community: Community
    grid: Grid
    building: Building
    worker: User
    staff: User
    resident: User
    other_staff: User
    other_grid: Grid
    category: Category


@pytest.fixture
def city(db: None) -> City:
    community = CommunityFactory()
    grid = GridFactory(community=community)
    building = BuildingFactory(community=community, grid=grid, lat=HERE[0], lng=HERE[1])
    other = CommunityFactory()
    other_grid = GridFactory(community=other)
    BuildingFactory(community=other, grid=other_grid, lat=HERE[0] + 0.1, lng=HERE[1])
    return City(
        community=community,
        grid=grid,
        building=building,
        worker=make_worker(grid),
        staff=make_staff(community),
        resident=UserFactory(),
        other_staff=make_staff(other),
        other_grid=other_grid,
        category=CategoryFactory(code="fire-exit", name_zh="消防通道堵塞", name_en="Blocked exit"),
    )


@pytest.fixture
def report(city: City) -> Any:
    """Report a hazard near the test building as ``user`` (the resident by default)."""

    def make(user: User | None = None, **fields: Any) -> Hazard:
        values = {
            "category_code": city.category.code,
            "description": "楼道堆放杂物",
            "lat": HERE[0],
            "lng": HERE[1],
            **fields,
        }
        return hazard_report(user=user or city.resident, **values).hazard

    return make
