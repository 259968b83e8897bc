"""Who covers which grid: one active worker per grid, one active grid per worker.

The database constraints on ``GridAssignment`` are the final word; these services check
first so that the usual mistakes get a clear message, and turn a lost race (the
constraint firing) into a 409.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.errors import Conflict
from grids.models import Community, Grid, GridAssignment, Role, RoleGrant, User
from grids.partition import local_metres, optimal_assignment
from grids.selectors.users import user_roles, user_staff_communities


@dataclass(frozen=True)
class PlannedAssignment:
    worker: User
    grid: Grid
    distance_m: float


@dataclass(frozen=True)
class AssignmentReport:
    """The optimal matching of available workers to uncovered grids of one community."""

    community: Community
    assignments: list[PlannedAssignment]
    uncovered_grids: int
    available_workers: int
    applied: bool

    @property
    def total_distance_m(self) -> float:
        return round(sum(a.distance_m for a in self.assignments), 1)

    @property
    def grids_left_uncovered(self) -> int:
        return self.uncovered_grids - len(self.assignments)

    @property
    def workers_left_idle(self) -> int:
        return self.available_workers - len(self.assignments)


# --- one grid, one worker -----------------------------------------------------------------


def grid_assign_worker(*, grid: Grid, worker: User, by: User | None = None) -> GridAssignment:
    """Make ``worker`` the worker of ``grid`` from now on; ``by`` must run its community."""
    _check_may_assign(grid=grid, by=by)
    if Role.GRID_WORKER.value not in user_roles(worker):
        raise ValidationError({"worker": _("This user is not a grid worker.")}, code="not_worker")
    if not grid.is_active:
        raise ValidationError({"grid": _("This grid is retired.")}, code="grid_retired")
    active = GridAssignment.objects.filter(ended_at__isnull=True)
    if active.filter(grid=grid).exists():
        raise Conflict(_("This grid already has an active worker."), code="grid_covered")
    if active.filter(worker=worker).exists():
        raise Conflict(_("This worker already covers another grid."), code="worker_busy")
    try:
        with transaction.atomic():
            return GridAssignment.objects.create(
                grid=grid, worker=worker, started_at=timezone.now(), assigned_by=by
            )
    except IntegrityError as error:
        raise Conflict(
            _("Someone assigned this grid or worker at the same moment. Reload and try again."),
            code="assignment_conflict",
        ) from error


def grid_unassign_worker(*, grid: Grid, by: User | None = None) -> GridAssignment:
    """End the current cover of ``grid``; the assignment row stays as history."""
    _check_may_assign(grid=grid, by=by)
    assignment = GridAssignment.objects.filter(grid=grid, ended_at__isnull=True).first()
    if assignment is None:
        raise ValidationError({"grid": _("This grid has no active worker.")}, code="not_covered")
    assignment.ended_at = timezone.now()
    assignment.ended_by = by
    assignment.save(update_fields=["ended_at", "ended_by"])
    return assignment


def _check_may_assign(*, grid: Grid, by: User | None) -> None:
    # ``by=None`` is the system itself (commands, the demo); people must run the community.
    if by is not None and not user_staff_communities(by).filter(pk=grid.community_id).exists():
        raise PermissionDenied(_("You do not run this grid's community."))


# --- a whole community ---------------------------------------------------------------------


def community_available_workers(*, community: Community) -> QuerySet[User]:
    """Grid workers of ``community`` (or city-wide ones) with a base and no grid now."""
    grants = RoleGrant.objects.filter(
        Q(community=community) | Q(community__isnull=True),
        user=OuterRef("pk"),
        role=Role.GRID_WORKER,
    )
    busy = GridAssignment.objects.filter(worker=OuterRef("pk"), ended_at__isnull=True)
    return (
        User.objects.filter(Exists(grants), is_active=True)
        .exclude(Exists(busy))
        .filter(base_lat__isnull=False, base_lng__isnull=False)
        .order_by("pk")
    )


def community_uncovered_grids(*, community: Community) -> QuerySet[Grid]:
    covered = GridAssignment.objects.filter(grid=OuterRef("pk"), ended_at__isnull=True)
    return (
        Grid.objects.filter(community=community, is_active=True)
        .exclude(Exists(covered))
        .order_by("pk")
    )


def community_assignment_preview(*, community: Community) -> AssignmentReport:
    """The least-total-distance matching of available workers to uncovered grids."""
    workers = list(community_available_workers(community=community))
    grids = list(community_uncovered_grids(community=community))
    missing = [g.code for g in grids if g.centroid_lat is None or g.centroid_lng is None]
    if missing:
        raise ValidationError(
            _("Partition the community first: grids %(codes)s have no centre.")
            % {"codes": ", ".join(missing[:5])},
            code="grid_without_centre",
        )
    return AssignmentReport(
        community=community,
        assignments=_match(workers, grids),
        uncovered_grids=len(grids),
        available_workers=len(workers),
        applied=False,
    )


@transaction.atomic
def community_assignment_apply(*, community: Community, by: User | None = None) -> AssignmentReport:
    """Assign as the preview says, in one transaction; a concurrent change gives a 409."""
    Community.objects.select_for_update().filter(pk=community.pk).first()
    report = community_assignment_preview(community=community)
    now = timezone.now()
    rows = [
        GridAssignment(grid=a.grid, worker=a.worker, started_at=now, assigned_by=by)
        for a in report.assignments
    ]
    try:
        with transaction.atomic():
            GridAssignment.objects.bulk_create(rows)
    except IntegrityError as error:
        raise Conflict(
            _("Someone changed the assignments meanwhile. Preview again."),
            code="assignment_conflict",
        ) from error
    return AssignmentReport(
        community=community,
        assignments=report.assignments,
        uncovered_grids=report.uncovered_grids,
        available_workers=report.available_workers,
        applied=True,
    )


def _match(workers: list[User], grids: list[Grid]) -> list[PlannedAssignment]:
    if not workers or not grids:
        return []
    lat = np.array([w.base_lat for w in workers] + [g.centroid_lat for g in grids], float)
    lng = np.array([w.base_lng for w in workers] + [g.centroid_lng for g in grids], float)
    x, y = local_metres(lat, lng)
    xy = np.column_stack([x, y])
    pairs = optimal_assignment(xy[: len(workers)], xy[len(workers) :])
    return [
        PlannedAssignment(
            worker=workers[w],
            grid=grids[g],
            distance_m=round(math.dist(xy[w], xy[len(workers) + g]), 1),
        )
        for w, g in sorted(pairs, key=lambda pair: grids[pair[1]].pk)
    ]
