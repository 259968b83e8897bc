"""Assignment services: one worker per grid, optimal matching, history."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from config.api.errors import Conflict
from grids.models import GridAssignment
from grids.services import (
    community_assignment_apply,
    community_assignment_preview,
    grid_assign_worker,
    grid_unassign_worker,
)
from tests.factories import CommunityFactory, GridFactory, UserFactory, make_staff, make_worker
from tests.grids.factories import make_available_worker

pytestmark = pytest.mark.django_db

LAT = 32.06
DEG_PER_KM_LNG = 1 / (111.32 * math.cos(math.radians(LAT)))


def _grid_at_km(community: object, km: float) -> object:
    return GridFactory(
        community=community, centroid_lat=LAT, centroid_lng=118.79 + km * DEG_PER_KM_LNG
    )


def _worker_at_km(km: float) -> object:
    return make_available_worker(lat=LAT, lng=118.79 + km * DEG_PER_KM_LNG)


def test_assignment_is_optimal_where_greedy_is_not() -> None:
    community = CommunityFactory()
    first, second = _grid_at_km(community, 0), _grid_at_km(community, 10)
    near_both, far_west = _worker_at_km(6), _worker_at_km(-10)
    # Greedy, grid by grid: the first grid takes the nearest worker (6 km), leaving the second
    # grid 20 km away: 26 km in all. The optimum is 10 + 4 = 14 km.

    report = community_assignment_preview(community=community)

    pairs = {a.grid.pk: a.worker.pk for a in report.assignments}
    assert pairs == {first.pk: far_west.pk, second.pk: near_both.pk}
    assert report.total_distance_m == pytest.approx(14_000, rel=0.01)
    assert not GridAssignment.objects.exists()


def test_apply_assigns_as_previewed_and_records_who() -> None:
    community = CommunityFactory()
    staff = make_staff(community)
    grids = [_grid_at_km(community, km) for km in (0, 3)]
    workers = [_worker_at_km(km) for km in (0.1, 2.9, 50)]

    report = community_assignment_apply(community=community, by=staff)

    assert report.applied is True
    active = dict(GridAssignment.objects.values_list("grid_id", "worker_id"))
    assert active == {grids[0].pk: workers[0].pk, grids[1].pk: workers[1].pk}
    assert report.workers_left_idle == 1
    assert set(GridAssignment.objects.values_list("assigned_by", flat=True)) == {staff.pk}


def test_covered_grids_busy_workers_and_workers_without_base_are_left_out() -> None:
    community = CommunityFactory()
    covered = _grid_at_km(community, 0)
    make_worker(covered)
    open_grid = _grid_at_km(community, 1)
    UserFactory(roles=[("grid_worker", None)])  # no base location
    other_community_worker = make_available_worker(
        lat=LAT, lng=118.79, community=CommunityFactory()
    )
    available = _worker_at_km(5)

    report = community_assignment_preview(community=community)

    assert [(a.grid.pk, a.worker.pk) for a in report.assignments] == [(open_grid.pk, available.pk)]
    assert other_community_worker.pk not in {a.worker.pk for a in report.assignments}


def test_grids_without_centre_need_a_partition_first() -> None:
    community = CommunityFactory()
    GridFactory(community=community)
    _worker_at_km(0)

    with pytest.raises(ValidationError, match="Partition the community first"):
        community_assignment_preview(community=community)


def test_assigning_a_covered_grid_is_a_conflict() -> None:
    grid = GridFactory()
    make_worker(grid)
    newcomer = _worker_at_km(0)

    with pytest.raises(Conflict) as raised:
        grid_assign_worker(grid=grid, worker=newcomer)

    assert raised.value.status_code == 409
    assert GridAssignment.objects.count() == 1


def test_assigning_a_busy_worker_is_a_conflict() -> None:
    worker = make_worker(GridFactory())

    with pytest.raises(Conflict):
        grid_assign_worker(grid=GridFactory(), worker=worker)


def test_only_grid_workers_can_be_assigned() -> None:
    with pytest.raises(ValidationError, match="not a grid worker"):
        grid_assign_worker(grid=GridFactory(), worker=UserFactory())


def test_staff_of_another_community_may_not_assign() -> None:
    grid = GridFactory()
    outsider = make_staff(CommunityFactory())

    with pytest.raises(PermissionDenied):
        grid_assign_worker(grid=grid, worker=_worker_at_km(0), by=outsider)


def test_unassign_ends_the_cover_and_keeps_the_row() -> None:
    grid = GridFactory()
    staff = make_staff(grid.community)
    make_worker(grid)

    ended = grid_unassign_worker(grid=grid, by=staff)

    assert ended.ended_at is not None and ended.ended_by == staff
    assert GridAssignment.objects.count() == 1
    assert grid_assign_worker(grid=grid, worker=_worker_at_km(0), by=staff).ended_at is None


def test_unassigning_an_uncovered_grid_is_refused() -> None:
    with pytest.raises(ValidationError, match="no active worker"):
        grid_unassign_worker(grid=GridFactory())
