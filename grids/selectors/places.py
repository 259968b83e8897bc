"""Reads about places, scoped to the user: who sees which grids, buildings and sites.

- Districts and communities: every signed-in user (names and codes are public).
- Grids: administrators all; staff the grids of their communities; a worker the grid they
  cover; a resident the grid of their home building.
- Buildings and enterprises: administrators all; staff their communities; a worker their
  grid. Residents none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from grids.models import Building, Community, District, Enterprise, Grid, GridAssignment, User
from grids.selectors.users import (
    user_active_grid,
    user_is_administrator,
    user_staff_communities,
)


def district_list(*, user: Any) -> QuerySet[District]:
    return District.objects.all()


def community_list(*, user: Any) -> QuerySet[Community]:
    return Community.objects.select_related("district")


def grid_list(*, user: Any) -> QuerySet[Grid]:
    """Grids ``user`` may see, with their community and current worker fetched up front."""
    grids = Grid.objects.select_related("community__district").prefetch_related(
        Prefetch(
            "assignments",
            queryset=GridAssignment.objects.filter(ended_at__isnull=True).select_related("worker"),
            to_attr="active_assignments",
        )
    )
    if user_is_administrator(user):
        return grids
    return grids.filter(_grid_scope(user))


def _grid_scope(user: Any) -> Q:
    # Subqueries rather than joins: a join on assignments or buildings would repeat rows.
    covered = GridAssignment.objects.filter(worker=user, ended_at__isnull=True)
    scope = Q(community__in=user_staff_communities(user)) | Q(pk__in=covered.values("grid_id"))
    if user.home_building_id:
        home = Building.objects.filter(pk=user.home_building_id)
        scope |= Q(pk__in=home.values("grid_id"))
    return scope


def grid_worker(grid: Grid) -> User | None:
    """The grid's current worker (uses ``grid_list``'s prefetch when it was made)."""
    active = getattr(grid, "active_assignments", None)
    if active is None:
        active = list(grid.assignments.filter(ended_at__isnull=True).select_related("worker"))
    return active[0].worker if active else None


def grid_worker_name(grid: Grid) -> str | None:
    """The public name of the grid's current worker (needs ``grid_list``'s prefetch)."""
    worker = grid_worker(grid)
    return worker.public_name if worker else None


ALL_COMMUNITIES: frozenset[int] = frozenset({-1})  # a marker: administrators run them all


def staffed_community_ids(user: Any) -> frozenset[int]:
    """Ids of the communities ``user`` runs as staff; ``ALL_COMMUNITIES`` for administrators."""
    if not user.is_authenticated:
        return frozenset()
    if user_is_administrator(user):
        return ALL_COMMUNITIES
    return frozenset(user_staff_communities(user).values_list("pk", flat=True))


def building_list(*, user: Any) -> QuerySet[Building]:
    return Building.objects.filter(_site_scope(user)).select_related("community", "grid")


def enterprise_list(*, user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(_site_scope(user)).select_related("community", "grid")


def _site_scope(user: Any) -> Q:
    if user_is_administrator(user):
        return Q()
    scope = Q(community__in=user_staff_communities(user))
    grid = user_active_grid(user)
    if grid is not None:
        scope |= Q(grid=grid)
    return scope


def staff_community_get(*, user: Any, community_id: int) -> Community:
    """A community ``user`` runs: 403 for non-staff, 404 for someone else's community."""
    communities = user_staff_communities(user)
    if not communities.exists():
        raise PermissionDenied(_("Only community staff and administrators may do this."))
    community = communities.select_related("district").filter(pk=community_id).first()
    if community is None:
        raise Http404
    return community


def staff_grid_get(*, user: Any, grid_id: int) -> Grid:
    """A grid of a community ``user`` runs: 403 for non-staff, 404 otherwise."""
    communities = user_staff_communities(user)
    if not communities.exists():
        raise PermissionDenied(_("Only community staff and administrators may do this."))
    grid = Grid.objects.filter(pk=grid_id, community__in=communities).first()
    if grid is None:
        raise Http404
    return grid


def my_grid(*, user: Any) -> tuple[str, Grid]:
    """The grid a worker covers, else the grid of a resident's home building."""
    covered = user_active_grid(user)
    if covered is not None:
        return "worker", _with_worker(covered.pk)
    if user.home_building_id:
        home = Grid.objects.filter(buildings__id=user.home_building_id).first()
        if home is not None:
            return "resident", _with_worker(home.pk)
    raise Http404(_("You have no grid yet: register your home building first."))


def _with_worker(grid_id: int) -> Grid:
    return (
        Grid.objects.select_related("community__district")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=GridAssignment.objects.filter(ended_at__isnull=True).select_related(
                    "worker"
                ),
                to_attr="active_assignments",
            )
        )
        .get(pk=grid_id)
    )
