"""Reads about users, roles and their scopes; every other app's scoping starts here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from grids.models import Community, Grid, GridAssignment, Role, RoleGrant


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


def user_event_groups(user: Any) -> list[str]:
    """Realtime groups for ``user`` (``settings.REALTIME_AUDIENCES``)."""
    groups = [f"user.{user.pk}"]
    grid = user_active_grid(user)
    if grid is not None:
        groups.append(f"grid.{grid.pk}.worker")
    if user_is_administrator(user):
        # One group instead of thousands of community groups for city-wide roles.
        groups.append("administrators")
    else:
        staff_ids = user_staff_communities(user).values_list("pk", flat=True)
        groups += [f"community.{pk}.staff" for pk in staff_ids]
    if Role.TIP_HANDLER.value in user_roles(user):
        groups.append("tips.handlers")
    return groups


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
    }
