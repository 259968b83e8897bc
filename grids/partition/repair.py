"""Local repair: re-partition after a small change by starting from the old grids.

A partition from scratch (``algorithm``) answers a change of 1% of a community's residents
by moving a median of 5-10% of them to another grid, because the bisection draws new lines
and ``match_labels`` can only keep the grids' ids, not their buildings. A repair keeps
every building where it was, puts a new building in the neighbouring grid with most room,
and runs the refinement, which moves boundary units of the grids that the change pushed
out of range. Where the refinement leaves a grid out of range (it takes one gaining move
at a time, so it stops where only a chain of moves helps), ``rebalancing`` solves the
community's moves as a whole for the fewest residents moved. The grid count is kept while
it still fits the target (``GRID_COUNT_HYSTERESIS``); a community that needs one grid more
or one fewer has one grid split in two or shared out among its neighbours, then rebalanced.

Plans are compared by one measure (``rebalancing.plan_cost``): residents who change grid
plus a penalty for each grid left out of range. A community is partitioned from scratch
only when a repair cannot stand in for it:

- ``first_partition``: no building has a grid yet;
- ``grid_count``: the grid count is off by more than one (the target changed, or the
  community grew or shrank a lot), or a partition from scratch costs less than the best
  split or dissolve;
- ``oversized_unit``: a building now too large to share a grid shares one;
- ``out_of_tolerance``: the repair leaves a grid out of range and a partition from scratch,
  its grids matched to the old ones, costs less.

A grid that no local plan brings back cheaply (two towers of 342 and 268 when the ideal is
500) is left out of range rather than moving most of a community to other workers: the
figures are in ``bench/repartition.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree

from grids.partition.algorithm import partition_city, set_apart_oversized_units
from grids.partition.arrays import BoolArray, FloatArray, IntArray, count_by, sum_by
from grids.partition.geometry import community_metres
from grids.partition.quality import TOLERANCE, classify, grid_counts
from grids.partition.rebalancing import (
    Rebalanced,
    dissolve_grid,
    plan_cost,
    rebalance,
    split_grid,
)
from grids.partition.refinement import refine
from grids.partition.relabelling import match_labels
from grids.partition.validation import label_vector, validated_city

# The refinement in a repair moves no more than this share of a grid's ideal size in one
# move or swap (so no two towers swap); ``rebalancing`` weighs larger moves by their cost.
MOVE_CAP = 0.5
# The grid count is kept while each grid's ideal size stays within the tolerance of the
# target, or while rounding population / target would give it give or take a tenth of a
# grid: a community on the edge between 3 and 4 grids does not flip on every new building.
GRID_COUNT_HYSTERESIS = 0.1
NEW_UNIT_NEIGHBOURS = 8
# When the count changes by one, so many of the largest grids are tried for a split (or of
# the smallest for dissolving), each refined; the cheapest few are also rebalanced, and the
# cheapest plan is kept.
SPLIT_OR_DISSOLVE_TRIED = 6
REBALANCED_RECOUNTS = 2


class Method(StrEnum):
    """How a community's new grids were found."""

    REPAIR = "repair"
    FULL = "full"


class FullReason(StrEnum):
    """Why a community was partitioned from scratch rather than repaired."""

    FIRST_PARTITION = "first_partition"
    GRID_COUNT = "grid_count"
    OVERSIZED_UNIT = "oversized_unit"
    OUT_OF_TOLERANCE = "out_of_tolerance"


@dataclass(frozen=True)
class CityRepair:
    """Labels of every unit and, per community (in sorted id order), what was done.

    A repaired community's labels are its old labels (the same numbers, so the same grids;
    a grid split off is numbered one above the community's highest old label, a grid shared
    out no longer appears); a community partitioned from scratch has labels 0..k-1 still to
    be matched to its old grids with ``match_labels``.
    """

    labels: IntArray
    methods: list[Method]
    reasons: list[FullReason | None]


def repair_community(
    lat: ArrayLike,
    lng: ArrayLike,
    residents: ArrayLike,
    old_labels: ArrayLike,
    *,
    target: int = 500,
    split_or_dissolve: bool = True,
) -> CityRepair:
    """``repair_city`` for one community."""
    single = np.zeros(np.size(lat), np.int64)
    return repair_city(
        single, lat, lng, residents, old_labels, target=target, split_or_dissolve=split_or_dissolve
    )


def repair_city(
    community: ArrayLike,
    lat: ArrayLike,
    lng: ArrayLike,
    residents: ArrayLike,
    old_labels: ArrayLike,
    *,
    target: int = 500,
    split_or_dissolve: bool = True,
) -> CityRepair:
    """Repair every community whose old grids allow it, partition the others from scratch.

    With ``split_or_dissolve`` false (after a new target, when every community is planned
    anew) a grid count that no longer fits is always a partition from scratch.

    ``old_labels`` holds each unit's grid before the change (any whole numbers within a
    community), -1 for a unit that had none (a new building).
    """
    codes, lat_a, lng_a, weight = validated_city(community, lat, lng, residents, target)
    old = label_vector(old_labels, "old_labels", len(weight), lowest=-1)
    full = partition_city(codes, lat_a, lng_a, weight, target=target)
    x, y = community_metres(codes, lat_a, lng_a)
    dense, old_label_of_grid, old_grids = _dense_old_labels(codes, old)
    fresh_grids = grid_counts(codes, weight, target=target)
    reasons = _reasons_before_repair(codes, weight, dense, old_grids, fresh_grids, target)
    tried = reasons == ""
    recount = tried & (fresh_grids != old_grids) & ~_count_fits(codes, weight, old_grids, target)
    if not split_or_dissolve:
        reasons[recount] = FullReason.GRID_COUNT.value
        tried, recount = reasons == "", recount & False
    settled = dense >= 0
    _join_nearest_grid(codes, x, y, weight, dense, old_grids, tried)
    same_count = tried & ~recount
    repaired = _refined(codes, x, y, weight, dense, old_grids, same_count, settled)
    _repair_out_of_range(
        codes, x, y, weight, dense, repaired, full, old_grids, same_count, settled, reasons,
        fresh_grids,
    )  # fmt: skip
    recounted = _change_grid_counts(
        codes, x, y, weight, dense, full, old_grids, fresh_grids, recount, settled, reasons,
        old_label_of_grid,
    )  # fmt: skip
    kept = (reasons == "") & ~recount
    labels = full.copy()
    units = np.flatnonzero(kept[codes])
    labels[units] = old_label_of_grid[_offsets(old_grids)[codes[units]] + repaired[units]]
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(old_grids) + 1))
    for community, community_labels in recounted.items():
        if not reasons[community]:
            labels[order[starts[community] : starts[community + 1]]] = community_labels
    return CityRepair(
        labels,
        [Method.REPAIR if not reason else Method.FULL for reason in reasons],
        [FullReason(reason) if reason else None for reason in reasons],
    )


def _offsets(grids: IntArray) -> IntArray:
    return np.r_[0, np.cumsum(grids)[:-1]].astype(np.int64)


def _dense_old_labels(codes: IntArray, old: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Old labels as 0..k-1 per community (-1 kept), the old label of each dense grid in
    city order, and the old grid count per community."""
    communities = int(codes.max()) + 1
    labelled = old >= 0
    span = int(old.max()) + 2 if len(old) else 1
    keys, inverse = np.unique(codes[labelled] * span + old[labelled], return_inverse=True)
    key_community = keys // span
    old_grids = count_by(key_community, communities)
    dense = np.full(len(old), -1, np.int64)
    dense[labelled] = inverse - _offsets(old_grids)[codes[labelled]]
    return dense, (keys % span).astype(np.int64), old_grids


def _count_fits(codes: IntArray, weight: FloatArray, old_grids: IntArray, target: int) -> BoolArray:
    """Per community, does the old grid count still fit the target (with the hysteresis)?"""
    population = sum_by(codes, weight, len(old_grids))
    off_by = np.abs(population / target - old_grids)  # in grids of the target size
    return np.asarray(off_by <= np.maximum(TOLERANCE * old_grids, 0.5 + GRID_COUNT_HYSTERESIS))


def _reasons_before_repair(
    codes: IntArray,
    weight: FloatArray,
    dense: IntArray,
    old_grids: IntArray,
    fresh_grids: IntArray,
    target: int,
) -> np.ndarray:
    """Per community, why it cannot be repaired ("" when it can be tried). A count that no
    longer fits can be repaired when it is off by one grid (one grid split or dissolved)."""
    reasons = np.full(len(old_grids), "", dtype=object)
    safe_grids = np.maximum(old_grids, 1)
    fits = _count_fits(codes, weight, old_grids, target)
    reasons[~fits & (np.abs(fresh_grids - old_grids) > 1)] = FullReason.GRID_COUNT.value
    oversized = set_apart_oversized_units(codes, weight, safe_grids)[1]
    spare = int(old_grids.sum())  # new units count in a slot of their own
    grid = np.where(dense >= 0, _offsets(old_grids)[codes] + dense, spare)
    shared = oversized & (dense >= 0) & (count_by(grid, spare + 1)[grid] > 1)
    reasons[np.unique(codes[shared])] = FullReason.OVERSIZED_UNIT.value
    reasons[old_grids == 0] = FullReason.FIRST_PARTITION.value
    return reasons


def _join_nearest_grid(
    codes: IntArray,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    dense: IntArray,
    old_grids: IntArray,
    tried: BoolArray,
) -> None:
    """Give each new unit of a community to repair the grid with the most room among the
    grids of its nearest old units (the nearest one's on a tie)."""
    new = np.flatnonzero((dense < 0) & tried[codes])
    if not len(new):
        return
    span = max(float(np.ptp(x)), float(np.ptp(y)), 1.0)
    points = np.c_[x, y, codes * 4 * span]  # communities far apart on a third axis
    old = np.flatnonzero(dense >= 0)
    wanted = min(NEW_UNIT_NEIGHBOURS, len(old))
    _, nearest = cKDTree(points[old]).query(points[new], k=wanted)
    nearest = old[np.asarray(nearest, np.int64).reshape(len(new), wanted)]
    offsets = _offsets(old_grids)
    grid = offsets[codes[nearest]] + dense[nearest]
    population = sum_by(offsets[codes[old]] + dense[old], weight[old], int(old_grids.sum()))
    # Stable argmin: the first (nearest) grid among those with the fewest residents.
    choice = np.argmin(population[grid], axis=1)
    for unit, pick in zip(new.tolist(), nearest[np.arange(len(new)), choice].tolist(), strict=True):
        dense[unit] = dense[pick]
        population[offsets[codes[unit]] + dense[unit]] += weight[unit]


def _refined(
    codes: IntArray,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    dense: IntArray,
    old_grids: IntArray,
    tried: BoolArray,
    settled: BoolArray,
) -> IntArray:
    """The refinement pass over the repaired communities' old grids (others untouched)."""
    units = np.flatnonzero(tried[codes])
    labels = dense.copy()
    if not len(units):
        return labels
    kept_communities, local_codes = np.unique(codes[units], return_inverse=True)
    grids = old_grids[kept_communities]
    local_weight = weight[units]
    labels_in = dense[units]
    _, oversized, _, ideal = set_apart_oversized_units(local_codes, local_weight, grids)
    cost = np.where(settled[units], local_weight, 0.0)  # a new building changes no one's worker
    labels[units] = refine(
        local_codes, x[units], y[units], local_weight, labels_in, grids,
        np.repeat(ideal, grids), oversized, move_cost=cost, move_cap=MOVE_CAP,
    )  # fmt: skip
    return labels


def _repair_out_of_range(
    codes: IntArray,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    joined: IntArray,
    repaired: IntArray,
    full: IntArray,
    old_grids: IntArray,
    tried: BoolArray,
    settled: BoolArray,
    reasons: np.ndarray,
    fresh_grids: IntArray,
) -> None:
    """Where the refinement left a grid out of range, solve the community's moves as a whole
    (``rebalancing``) and keep that plan when it costs less; where grids are still out, give
    the community to the partition from scratch if that costs less again, by the same
    measure (residents moved plus the penalty for grids out of range)."""
    kept_grids = np.maximum(old_grids, 1)
    still_out = tried & (_out_of_range(codes, repaired, weight, kept_grids, TOLERANCE) > 0)
    if not still_out.any():
        return
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(old_grids) + 1))
    for community in np.flatnonzero(still_out).tolist():
        units = order[starts[community] : starts[community + 1]]
        local = _LocalCommunity.of(weight[units], settled[units], int(old_grids[community]))
        start = joined[units]
        best = local.cost(repaired[units], start)
        found = rebalance(x[units], y[units], local.weight, start, local.move_cost,
                          local.ideal, local.oversized)  # fmt: skip
        if found is not None and found.cost < best.cost - 1e-6:
            repaired[units], best = found.labels, found
        if (
            best.out_of_range
            and _fresh_cost(
                full[units], local, np.where(settled[units], start, -1), int(fresh_grids[community])
            )
            < best.cost - 1e-6
        ):
            reasons[community] = FullReason.OUT_OF_TOLERANCE.value


def _change_grid_counts(
    codes: IntArray,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    joined: IntArray,
    full: IntArray,
    old_grids: IntArray,
    fresh_grids: IntArray,
    recount: BoolArray,
    settled: BoolArray,
    reasons: np.ndarray,
    old_label_of_grid: IntArray,
) -> dict[int, IntArray]:
    """Communities that need one grid more or one fewer: split one grid or dissolve one into
    its neighbours (``SPLIT_OR_DISSOLVE_TRIED`` candidates, the largest or the smallest),
    rebalance, and keep the cheapest plan unless the partition from scratch costs less.
    Returns each such community's labels in the old labels' numbers (a new grid numbered
    one above the community's highest)."""
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(old_grids) + 1))
    offsets = _offsets(old_grids)
    found: dict[int, IntArray] = {}
    for community in np.flatnonzero(recount).tolist():
        units = order[starts[community] : starts[community + 1]]
        grids, wanted = int(old_grids[community]), int(fresh_grids[community])
        old_numbers = old_label_of_grid[offsets[community] : offsets[community] + grids]
        local = _LocalCommunity.of(weight[units], settled[units], wanted)
        best = _cheapest_recount(x[units], y[units], local, joined[units], old_numbers, wanted)
        fresh = _fresh_cost(full[units], local, np.where(settled[units], joined[units], -1), wanted)
        if best is None or fresh < best[0].cost - 1e-6:
            reasons[community] = FullReason.GRID_COUNT.value
        elif _shares_an_oversized_unit(best[0].labels, local.oversized):
            reasons[community] = FullReason.OVERSIZED_UNIT.value
        else:
            found[community] = best[1]
    return found


def _split_or_dissolve_candidates(
    labels: IntArray, weight: FloatArray, grids: int, wanted: int
) -> list[int]:
    population = sum_by(labels, weight, grids)
    if wanted > grids:  # split one of the largest grids of more than one unit
        candidates = np.argsort(-population, kind="stable")
        candidates = candidates[count_by(labels, grids)[candidates] > 1]
    else:
        candidates = np.argsort(population, kind="stable")
    return candidates[:SPLIT_OR_DISSOLVE_TRIED].tolist()


def _cheapest_recount(
    x: FloatArray,
    y: FloatArray,
    local: _LocalCommunity,
    start: IntArray,
    old_numbers: IntArray,
    wanted: int,
) -> tuple[Rebalanced, IntArray] | None:
    """Each candidate split or dissolved and refined (fast); the ``REBALANCED_RECOUNTS``
    cheapest of them also rebalanced (an integer programme each). The cheapest plan, and its
    labels in old numbers."""
    grids = len(old_numbers)
    tried = []
    for grid in _split_or_dissolve_candidates(start, local.weight, grids, wanted):
        if wanted > grids:
            labels, home = split_grid(x, y, local.weight, start, grid), start
            numbers = np.r_[old_numbers, old_numbers.max() + 1]
        else:
            labels = dissolve_grid(x, y, start, grid)
            home = np.where(start == grid, -1, start - (start > grid))
            numbers = np.delete(old_numbers, grid)
        if len(np.unique(labels)) == wanted:
            tried.append((local.refined(x, y, labels, home), labels, home, numbers))
    tried.sort(key=lambda one: one[0].cost)
    for index, (quick, labels, home, numbers) in enumerate(tried[:REBALANCED_RECOUNTS]):
        plan = rebalance(
            x, y, local.weight, labels, local.move_cost, local.ideal, local.oversized, home
        )
        if plan is not None and plan.cost < quick.cost:
            tried[index] = (plan, labels, home, numbers)
    if not tried:
        return None
    plan, _labels, _home, numbers = min(tried, key=lambda one: one[0].cost)
    return plan, numbers[plan.labels]


def _shares_an_oversized_unit(labels: IntArray, oversized: BoolArray) -> bool:
    units = count_by(labels)
    return bool((units[labels[oversized]] > 1).any())


@dataclass(frozen=True)
class _LocalCommunity:
    """One community's units as the cost measure of ``rebalancing`` sees them."""

    weight: FloatArray
    move_cost: FloatArray
    ideal: FloatArray
    oversized: BoolArray

    @classmethod
    def of(cls, weight: FloatArray, settled: BoolArray, grids: int) -> _LocalCommunity:
        single = np.zeros(len(weight), np.int64)
        _, oversized, _, ideal = set_apart_oversized_units(single, weight, np.array([grids]))
        move_cost = np.where(settled, weight, 0.0)  # a new building changes no one's worker
        return cls(weight, move_cost, np.full(grids, float(ideal[0])), oversized)

    def cost(self, labels: IntArray, start: IntArray) -> Rebalanced:
        return plan_cost(labels, self.weight, self.move_cost, start, self.ideal, self.oversized)

    def refined(self, x: FloatArray, y: FloatArray, labels: IntArray, home: IntArray) -> Rebalanced:
        """``labels`` after the refinement, costed against ``home``."""
        single = np.zeros(len(labels), np.int64)
        grids = np.array([len(self.ideal)])
        refined = refine(
            single, x, y, self.weight, labels, grids, self.ideal, self.oversized,
            move_cost=self.move_cost, move_cap=MOVE_CAP,
        )  # fmt: skip
        return self.cost(refined, home)


def _fresh_cost(fresh: IntArray, local: _LocalCommunity, old: IntArray, grids: int) -> float:
    """The cost of the partition from scratch, its grids matched to the old ones."""
    matched = match_labels(old, fresh, local.weight)
    moved = float(local.move_cost[(old >= 0) & (matched != old)].sum())
    judged = _LocalCommunity.of(local.weight, old >= 0, grids)
    return moved + judged.cost(fresh, fresh).penalty


def _out_of_range(
    codes: IntArray, labels: IntArray, weight: FloatArray, grids: IntArray, tolerance: float
) -> IntArray:
    """Per community, grids outside ``tolerance`` of population / k (k = ``grids``), not
    counting single units too large for any grid: the measure of ``grid_balance``."""
    valid = labels >= 0
    slots = np.zeros(len(grids), np.int64)
    np.maximum.at(slots, codes[valid], labels[valid] + 1)
    slots = np.maximum(slots, 1)
    grid = _offsets(slots)[codes] + np.maximum(labels, 0)
    total = int(slots.sum())
    population = sum_by(grid, weight, total)
    units = count_by(grid, total)
    owner = np.repeat(np.arange(len(grids)), slots)
    ideal = (sum_by(codes, weight, len(grids)) / np.maximum(grids, 1))[owner]
    oversized = classify(population, units, ideal)[1]
    within = np.abs(population - ideal) <= tolerance * ideal
    bad = ~within & ~oversized & (units > 0)
    return count_by(owner[bad], len(grids))
