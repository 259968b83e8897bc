"""Builders for grid tests: communities with buildings laid out on a street grid."""

from __future__ import annotations

from grids.models import Building, Community, Role, User
from tests.factories import BuildingFactory, CommunityFactory, UserFactory

ORIGIN = (32.06, 118.79)
STEP_DEG = 0.0005  # about 50 m between neighbouring buildings


def make_community_with_buildings(
    *, rows: int = 4, columns: int = 5, residents: int = 100, **kwargs: object
) -> tuple[Community, list[Building]]:
    """A community of ``rows * columns`` buildings of ``residents`` each, ~50 m apart."""
    community = CommunityFactory(**kwargs)
    buildings = [
        BuildingFactory(
            community=community,
            name=f"{r}-{c}号楼",
            lat=ORIGIN[0] + r * STEP_DEG,
            lng=ORIGIN[1] + c * STEP_DEG,
            residents=residents,
        )
        for r in range(rows)
        for c in range(columns)
    ]
    return community, buildings


def make_available_worker(
    *, lat: float, lng: float, community: Community | None = None, **kwargs: object
) -> User:
    """A grid worker with a base location and no grid."""
    return UserFactory(roles=[(Role.GRID_WORKER, community)], base_lat=lat, base_lng=lng, **kwargs)
