"""Partition services: preview, apply, stable re-partition, retired grids, bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grids.models import Building, Grid, GridAssignment
from grids.partition import FullReason, Method
from grids.services import (
    communities_partition_apply,
    community_partition_apply,
    community_partition_preview,
)
from tests.factories import CommunityFactory, make_worker
from tests.grids.factories import make_community_with_buildings

pytestmark = pytest.mark.django_db


def test_preview_plans_round_population_over_target_grids_and_writes_nothing() -> None:
    community, _buildings = make_community_with_buildings(rows=4, columns=5, residents=100)

    report = community_partition_preview(community=community)

    assert report.grid_count == 4
    assert report.residents == 2000
    assert report.grids_created == 4
    assert report.within_tolerance == 4
    assert report.applied is False
    assert Grid.objects.count() == 0
    assert not Building.objects.filter(grid__isnull=False).exists()


def test_apply_creates_grids_with_population_boundary_and_centre() -> None:
    community, _buildings = make_community_with_buildings(rows=4, columns=5, residents=100)

    report = community_partition_apply(community=community)

    grids = list(Grid.objects.filter(community=community))
    assert report.applied is True
    assert len(grids) == 4
    assert sorted(g.population for g in grids) == [500, 500, 500, 500]
    assert all(g.boundary and g.boundary["type"] == "Polygon" for g in grids)
    boundary = grids[0].boundary
    assert boundary is not None
    ring = boundary["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) >= 4
    assert all(g.centroid_lat and g.centroid_lng for g in grids)
    assert not Building.objects.filter(grid__isnull=True).exists()


def test_reapplying_unchanged_community_moves_nobody() -> None:
    community, _buildings = make_community_with_buildings()
    community_partition_apply(community=community)
    before = dict(Building.objects.values_list("pk", "grid_id"))

    report = community_partition_apply(community=community)

    assert report.residents_moved == 0
    assert (report.grids_kept, report.grids_created, report.grids_retired) == (4, 0, 0)
    assert dict(Building.objects.values_list("pk", "grid_id")) == before


def test_changing_one_building_keeps_grid_ids_and_workers() -> None:
    community, buildings = make_community_with_buildings()
    community_partition_apply(community=community)
    grid_ids = set(Grid.objects.values_list("pk", flat=True))
    workers = {grid.pk: make_worker(grid) for grid in Grid.objects.all()}
    Building.objects.filter(pk=buildings[0].pk).update(residents=160)

    preview = community_partition_preview(community=community)
    report = community_partition_apply(community=community)

    assert report.residents_moved == preview.residents_moved
    assert report.residents_moved < 2060 / 4
    assert set(Grid.objects.filter(is_active=True).values_list("pk", flat=True)) == grid_ids
    active = dict(
        GridAssignment.objects.filter(ended_at__isnull=True).values_list("grid_id", "worker_id")
    )
    assert active == {grid_id: worker.pk for grid_id, worker in workers.items()}


def test_moved_residents_are_the_residents_whose_grid_changed() -> None:
    community, buildings = make_community_with_buildings()
    community_partition_apply(community=community)
    before = dict(Building.objects.values_list("pk", "grid_id"))
    Building.objects.filter(pk__in=[b.pk for b in buildings[:3]]).update(residents=300)

    report = community_partition_apply(community=community)

    after = Building.objects.values_list("pk", "grid_id", "residents")
    moved = sum(residents for pk, grid_id, residents in after if before[pk] != grid_id)
    assert report.residents_moved == moved


def test_shrinking_community_retires_a_grid_and_ends_its_cover_keeping_history() -> None:
    community, buildings = make_community_with_buildings()
    community_partition_apply(community=community)
    for grid in Grid.objects.all():
        make_worker(grid)
    Building.objects.filter(pk__in=[b.pk for b in buildings[:5]]).delete()

    report = community_partition_apply(community=community)

    assert report.grid_count == 3
    assert report.grids_retired == 1
    assert (report.method, report.full_reason) == (Method.REPAIR, None)  # shared out locally
    with translation.override("zh-hans"):
        assert report.method_note == (
            "局部修复：社区需要少一个网格，因此把一个网格的楼栋分给相邻网格；其余网格保持不变。"
        )
    retired = Grid.objects.get(is_active=False)
    assert retired.population == 0
    assert retired.buildings.count() == 0
    assignment = GridAssignment.objects.get(grid=retired)
    assert assignment.ended_at is not None
    assert GridAssignment.objects.filter(ended_at__isnull=True).count() == 3


def test_growing_community_creates_new_grids_with_fresh_codes() -> None:
    community, _buildings = make_community_with_buildings(code="C-GROW")
    community_partition_apply(community=community)

    report = community_partition_apply(community=community, target_grid_size=250)

    assert report.grid_count == 8
    assert report.grids_created == 4
    codes = sorted(Grid.objects.values_list("code", flat=True))
    assert codes == [f"C-GROW-{n:03d}" for n in range(1, 9)]
    community.refresh_from_db()
    assert community.target_grid_size == 250


def test_oversized_single_building_gets_its_own_grid_and_is_reported() -> None:
    community, buildings = make_community_with_buildings(rows=2, columns=5, residents=100)
    Building.objects.filter(pk=buildings[0].pk).update(residents=1500)

    report = community_partition_preview(community=community)

    assert report.oversized_single_unit == 1
    giant = [g for g in report.grids if g.oversized_single_unit]
    assert giant[0].population == 1500 and giant[0].buildings == 1


def test_empty_community_is_refused_and_nothing_written() -> None:
    community = CommunityFactory()

    with pytest.raises(ValidationError, match="no buildings"):
        community_partition_apply(community=community)
    assert Grid.objects.count() == 0


def test_community_without_residents_is_refused() -> None:
    community, _buildings = make_community_with_buildings(rows=1, columns=3, residents=0)

    with pytest.raises(ValidationError, match="no residents"):
        community_partition_preview(community=community)


@pytest.mark.parametrize("target", [0, -5, 10, 100_000])
def test_target_size_outside_the_allowed_range_is_refused(target: int) -> None:
    community, _buildings = make_community_with_buildings()

    with pytest.raises(ValidationError) as raised:
        community_partition_apply(community=community, target_grid_size=target)

    assert "target_grid_size" in raised.value.message_dict
    assert Grid.objects.count() == 0
    community.refresh_from_db()
    assert community.target_grid_size == 500


def test_city_wide_apply_matches_the_per_community_preview() -> None:
    first, _ = make_community_with_buildings(rows=4, columns=5)
    second, _ = make_community_with_buildings(rows=3, columns=7, residents=80)
    previews = [community_partition_preview(community=c) for c in (first, second)]

    reports = communities_partition_apply(communities=[first, second])

    assert [sorted(g.population for g in r.grids) for r in reports] == [
        sorted(g.population for g in p.grids) for p in previews
    ]
    assert Grid.objects.filter(community=second).count() == reports[1].grid_count


def test_first_partition_says_it_partitioned_from_scratch() -> None:
    community, _buildings = make_community_with_buildings()

    report = community_partition_preview(community=community)

    assert (report.method, report.full_reason) == (Method.FULL, FullReason.FIRST_PARTITION)
    with translation.override("zh-hans"):
        assert report.method_note == "整体重新划分：社区此前没有网格。"


def test_a_small_change_is_repaired_locally_and_the_preview_says_so() -> None:
    community, buildings = make_community_with_buildings(rows=6, columns=10, residents=50)
    community_partition_apply(community=community)
    before = dict(Building.objects.values_list("pk", "grid_id"))
    Building.objects.filter(pk=buildings[17].pk).update(residents=80)

    preview = community_partition_preview(community=community)
    report = community_partition_apply(community=community)

    assert (preview.method, preview.full_reason) == (Method.REPAIR, None)
    with translation.override("zh-hans"):
        assert preview.method_note == "局部修复：保留原有网格，只调整变动附近的楼栋。"
    assert report.residents_moved == preview.residents_moved <= 80
    after = dict(Building.objects.values_list("pk", "grid_id"))
    assert sum(1 for pk in after if after[pk] != before[pk]) <= 1


def test_a_new_target_size_partitions_from_scratch_and_says_why() -> None:
    community, _buildings = make_community_with_buildings()
    community_partition_apply(community=community)

    report = community_partition_preview(community=community, target_grid_size=250)

    assert (report.method, report.full_reason) == (Method.FULL, FullReason.GRID_COUNT)
    assert report.grid_count == 8


def test_a_community_needing_one_more_grid_splits_one_and_every_worker_keeps_a_grid() -> None:
    community, _buildings = make_community_with_buildings(rows=6, columns=10, residents=50)
    community_partition_apply(community=community)  # 3,000 residents: 6 grids
    workers = {grid.pk: make_worker(grid).pk for grid in Grid.objects.all()}
    Building.objects.filter(community=community).update(residents=57)  # 3,420: 6.84 grids

    preview = community_partition_preview(community=community)
    report = community_partition_apply(community=community)

    assert (preview.method, preview.full_reason) == (Method.REPAIR, None)
    with translation.override("zh-hans"):
        assert (
            preview.method_note
            == "局部修复：社区需要多一个网格，因此把一个网格一分为二；其余网格保持不变。"
        )
    assert (report.grid_count, report.grids_created, report.grids_retired) == (7, 1, 0)
    assert report.within_tolerance == 7
    assert report.residents_moved == preview.residents_moved <= 1.2 * report.ideal_grid_size
    cover = dict(
        GridAssignment.objects.filter(ended_at__isnull=True).values_list("grid_id", "worker_id")
    )
    assert cover == workers  # one worker per grid, each on the grid they had
    new_grid = Grid.objects.exclude(pk__in=workers).get()
    assert new_grid.is_active and new_grid.buildings.count() >= 8
    assert sum(Grid.objects.filter(is_active=True).values_list("population", flat=True)) == 3420


def test_a_new_target_one_grid_off_is_drawn_anew_not_split() -> None:
    community, _buildings = make_community_with_buildings(rows=6, columns=10, residents=50)
    community_partition_apply(community=community)  # 3,000 residents: 6 grids of 500

    report = community_partition_preview(community=community, target_grid_size=430)

    assert (report.method, report.full_reason) == (Method.FULL, FullReason.GRID_COUNT)
    assert report.grid_count == 7
