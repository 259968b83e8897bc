"""Reads about places and people; every other app's scoping starts here."""

from grids.selectors.users import (
    LOCATE_RADIUS_M,
    Location,
    distance_m,
    locate,
    user_active_grid,
    user_home_grid,
    user_is_administrator,
    user_managed_district_ids,
    user_profile,
    user_roles,
    user_staff_communities,
)

__all__ = [
    "LOCATE_RADIUS_M",
    "Location",
    "distance_m",
    "locate",
    "user_active_grid",
    "user_home_grid",
    "user_is_administrator",
    "user_managed_district_ids",
    "user_profile",
    "user_roles",
    "user_staff_communities",
]
