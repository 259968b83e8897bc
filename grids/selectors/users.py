"""Reads about users, roles and their scopes; every other app's scoping starts here."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grids.models import Building, Community, District, Grid, GridAssignment, Role, RoleGrant

# A point farther than this from every building is outside the covered area.
LOCATE_RADIUS_M = 500.0


def user_roles(user: Any) -> set[str]:
    """Every role ``user`` holds; residents always, administrators also via superuser."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        grants = RoleGrant.objects.filter(user=user).values_list("role", flat=True)
        cached = {Role.RESIDENT.value, *grants}
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR.value)
        user._role_cache = cached
    return set(cached)


def user_is_administrator(user: Any) -> bool:
    return Role.ADMINISTRATOR.value in user_roles(user)


def user_staff_communities(user: Any) -> QuerySet[Community]:
    """Communities ``user`` runs as community staff (all of them for administrators)."""
    if user_is_administrator(user):
        return Community.objects.all()
    return Community.objects.filter(
        role_grants__user=user, role_grants__role=Role.COMMUNITY_STAFF
    ).distinct()


def user_active_grid(user: Any) -> Grid | None:
    """The grid a worker covers now, or None."""
    assignment = (
        GridAssignment.objects.select_related("grid__community__district")
        .filter(worker=user, ended_at__isnull=True)
        .first()
    )
    return assignment.grid if assignment else None


def user_home_grid(user: Any) -> Grid | None:
    """The grid of the building a resident registered as home."""
    if not user.home_building_id:
        return None
    return (
        Grid.objects.select_related("community__district")
        .filter(buildings__id=user.home_building_id)
        .first()
    )


def user_managed_district_ids(user: Any) -> list[int]:
    """Districts whose hazards a district manager reads (empty for everyone else)."""
    if Role.DISTRICT_MANAGER.value not in user_roles(user):
        return []
    grants = RoleGrant.objects.filter(user=user, role=Role.DISTRICT_MANAGER)
    return list(grants.values_list("district_id", flat=True))


def user_profile(user: Any) -> dict[str, Any]:
    """The signed-in user, their roles and the places those roles reach."""
    grid = user_active_grid(user)
    home = user_home_grid(user)
    tip_scopes = RoleGrant.objects.filter(user=user, role=Role.TIP_HANDLER)
    return {
        "user": user,
        "roles": sorted(user_roles(user)),
        "staff_communities": list(user_staff_communities(user).select_related("district")),
        "worker_grid": grid,
        "home_grid": home,
        "tip_handler_communities": [
            grant.community for grant in tip_scopes.select_related("community") if grant.community
        ],
        "managed_districts": list(District.objects.filter(pk__in=user_managed_district_ids(user))),
    }


@dataclass(frozen=True)
class Location:
    """Where a point falls: its grid, community and nearest building."""

    grid: Grid | None
    community: Community
    building: Building
    distance_m: float


def locate(*, lat: float, lng: float) -> Location:
    """Map a point to the grid of its nearest building; outside every community -> error.

    Uses the (lat, lng) index with a bounding box of ``LOCATE_RADIUS_M`` around the point,
    so it costs one indexed query whatever the size of the city.
    """
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError(
            {"lat": _("Latitude must be within ±90 and longitude within ±180.")},
            code="out_of_range",
        )
    dlat = LOCATE_RADIUS_M / 111_320
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    candidates = Building.objects.select_related("grid", "community__district").filter(
        lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng)
    )
    best = min(candidates, key=lambda b: _distance_m(lat, lng, b.lat, b.lng), default=None)
    if best is None or _distance_m(lat, lng, best.lat, best.lng) > LOCATE_RADIUS_M:
        raise ValidationError(
            _("This place is outside every community SafeGrid covers."), code="outside_area"
        )
    return Location(
        grid=best.grid,
        community=best.community,
        building=best,
        distance_m=_distance_m(lat, lng, best.lat, best.lng),
    )


def _distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Equirectangular distance: exact enough within a city, and cheap."""
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)


def distance_m(*, lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Metres between two points, the city-scale approximation every app uses."""
    return _distance_m(lat1, lng1, lat2, lng2)
