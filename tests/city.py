"""The one small city every app's tests start from.

One community (in its own district) with one grid, a building at ``HERE``, its worker,
staff and a resident; a second community, in another district, with its own grid and
building and staff, for every "must not see the other one's rows" test; one hazard
category. An app's fixture adds what only its tests need (Open311's categories, the field
app's patrol site and reward, the tips programme's enterprises and handlers) on top.

    def test_staff_see_their_hazards(city: City) -> None:   # the root ``city`` fixture
        ...

    city = build_city(community_name="梅园新村社区", address="梅园新村3栋")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grids.models import Building, Community, District, Grid, User
from inspections.models import Category
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from tests.inspections.factories import HERE, CategoryFactory

# The other community's building: about 11 km north, never the nearest to HERE.
ELSEWHERE = (HERE[0] + 0.1, HERE[1])


@dataclass
class City:
    district: District
    community: Community
    grid: Grid
    building: Building
    worker: User
    staff: User
    resident: User
    other_community: Community
    other_grid: Grid
    other_staff: User
    category: Category


def build_city(
    *,
    community_name: str | None = None,
    grid_name: str | None = None,
    address: str = "",
    category: Category | None = None,
    worker: dict[str, Any] | None = None,
    staff: dict[str, Any] | None = None,
    resident: dict[str, Any] | None = None,
) -> City:
    """The small city; names and the people's fields may be given, the rest is made up.

    ``resident`` fields may name ``home_building=True`` to live in the city's building.
    """
    community = CommunityFactory(**({"name": community_name} if community_name else {}))
    grid = GridFactory(community=community, **({"name": grid_name} if grid_name else {}))
    building = BuildingFactory(
        community=community, grid=grid, lat=HERE[0], lng=HERE[1], address=address
    )
    other = CommunityFactory()
    other_grid = GridFactory(community=other)
    BuildingFactory(community=other, grid=other_grid, lat=ELSEWHERE[0], lng=ELSEWHERE[1])
    resident_fields = dict(resident or {})
    if resident_fields.pop("home_building", False):
        resident_fields["home_building"] = building
    return City(
        district=community.district,
        community=community,
        grid=grid,
        building=building,
        worker=make_worker(grid, **(worker or {})),
        staff=make_staff(community, **(staff or {})),
        resident=UserFactory(**resident_fields),
        other_community=other,
        other_grid=other_grid,
        other_staff=make_staff(other),
        category=category
        or CategoryFactory(code="fire-exit", name_zh="消防通道堵塞", name_en="Blocked exit"),
    )
