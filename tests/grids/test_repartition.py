"""Stable re-partition: a local repair after a small change, and when it gives way."""

from __future__ import annotations

import numpy as np
import pytest

from bench.repartition import communities_of, run_series
from grids.partition import (
    FullReason,
    Method,
    partition_community,
    repair_community,
    residents_moved,
)
from tests.grids.test_partition import community_units


def test_unchanged_community_is_repaired_with_the_same_grids() -> None:
    lat, lng, residents = community_units(seed=3)
    old = partition_community(lat, lng, residents)

    result = repair_community(lat, lng, residents, old)

    assert result.methods == [Method.REPAIR] and result.reasons == [None]
    assert result.labels.tolist() == old.tolist()


def test_a_new_building_joins_a_grid_beside_it_and_nobody_else_moves() -> None:
    lat, lng, residents = community_units(seed=4)
    old = partition_community(lat, lng, residents)

    result = repair_community(
        np.r_[lat, lat[0] + 0.0001], np.r_[lng, lng[0]], np.r_[residents, 40], np.r_[old, -1]
    )

    assert result.methods == [Method.REPAIR]
    assert residents_moved(np.r_[old, -1], result.labels, np.r_[residents, 40]) == 0
    assert result.labels[-1] in set(result.labels[:-1][np.abs(lat - lat[0]) < 0.002].tolist())


def test_the_old_grid_count_is_kept_while_it_fits_the_target() -> None:
    lat, lng, residents = community_units(seed=5)
    old = partition_community(lat, lng, residents)
    grids = len(set(old.tolist()))
    grown = np.rint(residents * 1.05).astype(np.int64)  # 5% more: the same count fits
    assert round(grown.sum() / 500) > grids

    result = repair_community(lat, lng, grown, old)

    assert result.methods == [Method.REPAIR]
    assert len(set(result.labels.tolist())) == grids


def test_a_community_that_outgrew_its_grid_count_is_partitioned_from_scratch() -> None:
    lat, lng, residents = community_units(seed=5)
    old = partition_community(lat, lng, residents)

    result = repair_community(lat, lng, residents, old, target=250)

    assert result.methods == [Method.FULL] and result.reasons == [FullReason.GRID_COUNT]
    assert len(set(result.labels.tolist())) == round(residents.sum() / 250)


def test_first_partition_and_a_building_too_large_to_share_are_partitioned_from_scratch() -> None:
    lat, lng, residents = community_units(seed=6)
    old = partition_community(lat, lng, residents)
    tower = residents.copy()
    tower[0] = 700

    first = repair_community(lat, lng, residents, np.full(len(lat), -1))
    oversized = repair_community(lat, lng, tower, old)

    assert first.reasons == [FullReason.FIRST_PARTITION]
    assert oversized.reasons == [FullReason.OVERSIZED_UNIT]
    assert (oversized.labels == oversized.labels[0]).sum() == 1


def test_grids_a_repair_cannot_balance_are_partitioned_from_scratch() -> None:
    lat, lng, residents = community_units(seed=7)
    lopsided = np.zeros(len(lat), np.int64)
    lopsided[:3] = [1, 2, 3]  # three one-building grids and one holding all the rest
    grids = round(residents.sum() / 500)
    lopsided[3 : 3 + grids - 4] = np.arange(4, grids)

    result = repair_community(lat, lng, residents, lopsided)

    assert result.methods == [Method.FULL] and result.reasons == [FullReason.OUT_OF_TOLERANCE]


def test_old_labels_of_another_length_are_refused() -> None:
    lat, lng, residents = community_units(seed=8)

    with pytest.raises(ValueError, match="old_labels must have one label per unit"):
        repair_community(lat, lng, residents, [0, 1])


def test_small_changes_move_at_most_twice_the_changed_residents_in_the_median() -> None:
    # 20 communities of about 5,000 residents, 3 changes each touching about 1% of them
    # (bench/repartition.py's generator, seed 1): 60 trials for each method.
    trials = run_series(communities_of(20, 1, 20), changes=3, seed=1, target=500)
    repair, current = trials["repair"], trials["current"]

    assert len(repair.moved) == 60
    assert np.median(repair.ratios()) <= 2
    assert repair.ratios().max() <= 5
    assert repair.within / repair.judged >= 0.98
    assert np.median(current.ratios()) > 2 and current.ratios().max() > 5


def test_a_new_building_does_not_make_a_tower_alone_in_its_grid_look_shared() -> None:
    lat, lng, residents = community_units(seed=6)
    residents = residents.copy()
    residents[0] = 700
    old = partition_community(lat, lng, residents)
    grids = int(old.max()) + 1
    old = (old + 1) % grids  # the tower's own grid becomes grid 0

    result = repair_community(
        np.r_[lat, lat[50]], np.r_[lng, lng[50]], np.r_[residents, 30], np.r_[old, -1]
    )

    assert result.methods == [Method.REPAIR]
    assert (result.labels == result.labels[0]).sum() == 1
