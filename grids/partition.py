"""Split communities into grids of about ``target`` residents, one worker per grid.

Pure numpy/scipy, no Django: the services call it with plain arrays and store the labels.

A *unit* is a building, or one entrance of a high-rise; units are never split. A community
of ``P`` residents in ``n`` units gets ``k = max(1, min(n, round(P / target)))`` grids (the
cap only bites when units are so large that there are fewer units than grids).

The algorithm (``partition_city``, measured in ``bench/partition.py``):

1. A unit larger than the tolerance above the community's ideal size cannot share a grid
   and still be in range, so it gets a grid of its own ("oversized single-unit grid"); the
   other grids share the remaining residents.
2. Weighted recursive bisection, all segments of all communities at once: each segment of
   ``k`` grids is cut into ``k // 2`` and ``k - k // 2`` grids by a line across x or y
   (projected metres), at the cumulative weight closest to the proportional share. Near
   the line, one unit may cross it or two may swap sides when that balances the halves
   better. Of the two axes, the longer one is taken when its cut is within
   ``_UPPER_CUT_SLACK`` (``_LAST_CUT_SLACK`` for the last cut), which keeps grids compact.
3. Refinement: while a grid is out of range, move or swap boundary units (nearest
   neighbours) with a neighbouring grid when that reduces the total excess beyond the
   tolerance and the unit stays close to its new grid.

Everything is deterministic: stable sorts, no randomness, ties broken by position. On the
benchmark city (25M residents, 5,000 communities, ~49,000 grids) it takes about 1 s on two
cores, with 99% of grids in range (the latitude baseline: 62%).

Limits: when oversized units exist, k stays round(P / target), so the other grids share
fewer residents and may fall below the range of P / k; a re-partition after a small change
can move more residents than strictly needed (``match_labels`` keeps the grids' ids, not
their exact units); communities must not straddle the 180th meridian.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

TOLERANCE = 0.10
"""A grid is balanced when its residents are within 10% of its community's ideal size."""

EARTH_RADIUS_M = 6_371_008.8

# Cut search, chosen by measurement (bench/partition.py, 25M residents). A cut is taken
# across the longer axis when it is within the slack, which keeps grids compact. Errors of
# upper cuts add up level by level, so their slack is small; the last cut only has to be in
# range. Crossings fix what a straight line cannot; wider bands balance slightly better but
# interleave neighbouring grids more (8/4 ranks: 99.5% in range, 2.9% of units inside another
# grid's hull; 2/2: 99.2%, 1.3%; none: 98.1%, 1.2% but less compact).
_UPPER_CUT_SLACK = 0.04
_LAST_CUT_SLACK = TOLERANCE
_FLIP_BAND = 2  # a unit up to this many ranks from the cut line may cross it alone...
_SWAP_BAND = 2  # ...or swap sides with one on the other side within this many ranks

# Refinement: neighbours looked at per unit, rounds at most, and how much farther from its
# new grid's centroid than from its old one a moved unit may be.
_NEIGHBOURS = 8
_REFINE_ROUNDS = 30
_MAX_DISTANCE_RATIO = 2.0


@dataclass(frozen=True)
class GridBalance:
    """How well one community's grids match its ideal size (population / k)."""

    ideal: float
    populations: IntArray
    within_tolerance: int
    oversized_single_unit: int

    @property
    def grids(self) -> int:
        return len(self.populations)

    @property
    def within_share(self) -> float:
        """Share of grids in range, not counting single units too large for any grid."""
        judged = self.grids - self.oversized_single_unit
        return self.within_tolerance / judged if judged else 1.0


@dataclass(frozen=True)
class CityBalance:
    """The same figures summed over every community of a city."""

    grids: int
    within_tolerance: int
    oversized_single_unit: int

    @property
    def within_share(self) -> float:
        judged = self.grids - self.oversized_single_unit
        return self.within_tolerance / judged if judged else 1.0


# --- partition -------------------------------------------------------------------------


def partition_community(
    lat: ArrayLike, lng: ArrayLike, residents: ArrayLike, *, target: int = 500
) -> IntArray:
    """Grid label (0..k-1) of each unit of one community. Raises ValueError on bad input."""
    single = np.zeros(np.size(lat), np.int64)
    return partition_city(single, lat, lng, residents, target=target)


def partition_city(
    community: ArrayLike,
    lat: ArrayLike,
    lng: ArrayLike,
    residents: ArrayLike,
    *,
    target: int = 500,
) -> IntArray:
    """Partition every community at once; labels are 0..k-1 within each community."""
    codes, lat_a, lng_a, weight = _validated_city(community, lat, lng, residents, target)
    x, y = _community_metres(codes, lat_a, lng_a)
    grids = _grid_counts(codes, weight, target=target)
    labels, oversized, rest_grids, ideal = _set_apart_oversized_units(codes, weight, grids)
    rest = np.flatnonzero(~oversized)
    rest = rest[np.argsort(codes[rest], kind="stable")]
    _bisect(labels, rest, codes, x, y, weight, rest_grids, ideal)
    return _refine(codes, x, y, weight, labels, grids, np.repeat(ideal, grids), oversized)


def _grid_counts(community: IntArray, residents: FloatArray, *, target: float) -> IntArray:
    """Grids per community: round(population / target), at least 1, at most one per unit."""
    population = _sum_by(community, residents)
    units = _count_by(community, len(population))
    return np.clip(np.rint(population / target), 1, units).astype(np.int64)


# --- the baseline the issue measures against ---------------------------------------------


def baseline_partition(
    lat: ArrayLike, lng: ArrayLike, residents: ArrayLike, *, target: int = 500
) -> IntArray:
    """Sort the units by latitude and cut whenever the running sum reaches the ideal size."""
    single = np.zeros(np.size(lat), np.int64)
    return baseline_partition_city(single, lat, lng, residents, target=target)


def baseline_partition_city(
    community: ArrayLike,
    lat: ArrayLike,
    lng: ArrayLike,
    residents: ArrayLike,
    *,
    target: int = 500,
) -> IntArray:
    """The baseline for every community at once.

    A unit goes to grid ``floor(residents before it / ideal)``, so a grid closes once the
    running sum reaches the next multiple of the ideal; labels are then renumbered 0..m-1
    (a unit larger than the ideal can skip a number).
    """
    codes, lat_a, _, weight = _validated_city(community, lat, lng, residents, target)
    grids = _grid_counts(codes, weight, target=target)
    ideal = _sum_by(codes, weight) / grids
    order = np.lexsort((lat_a, codes))
    owner = codes[order]
    starts = np.r_[True, owner[1:] != owner[:-1]]
    running = np.cumsum(weight[order]) - weight[order]
    before = running - running[starts][np.cumsum(starts) - 1]
    safe_ideal = np.where(ideal > 0, ideal, 1.0)[owner]
    slot = np.minimum(np.floor(before / safe_ideal), grids[owner] - 1).astype(np.int64)
    new_grid = starts | np.r_[True, slot[1:] != slot[:-1]]
    grid = np.cumsum(new_grid) - 1
    labels = np.empty(len(codes), np.int64)
    labels[order] = grid - grid[starts][np.cumsum(starts) - 1]
    return labels


# --- balance ------------------------------------------------------------------------------


def grid_balance(labels: ArrayLike, residents: ArrayLike, k: int) -> GridBalance:
    """Residents per grid of one community against its ideal size, population / k."""
    weight = _residents_vector(residents)
    labels_a = _label_vector(labels, "labels", len(weight), lowest=0)
    if k < 1 or (len(labels_a) and int(labels_a.max()) >= k):
        raise ValueError(f"k must be at least 1 and above every label, got {k}")
    populations = _sum_by(labels_a, weight, k)
    units = _count_by(labels_a, k)
    ideal = float(populations.sum()) / k
    within, oversized = _classify(populations, units, np.full(k, ideal))
    return GridBalance(
        ideal, np.rint(populations).astype(np.int64), int(within.sum()), int(oversized.sum())
    )


def city_balance(
    community: ArrayLike, labels: ArrayLike, residents: ArrayLike, *, target: int = 500
) -> CityBalance:
    """Balance of every non-empty grid of a city, each against population / k of its community
    with k = round(population / target), so that different partitions are judged alike."""
    weight = _residents_vector(residents)
    codes = _community_codes(community, len(weight))
    labels_a = _label_vector(labels, "labels", len(weight), lowest=0)
    grids = _grid_counts(codes, weight, target=target)
    ideal = _sum_by(codes, weight) / grids
    slots = np.zeros(len(grids), np.int64)
    np.maximum.at(slots, codes, labels_a + 1)
    grid = np.r_[0, np.cumsum(slots)[:-1]][codes] + labels_a
    populations = _sum_by(grid, weight)
    units = _count_by(grid)
    used = units > 0
    grid_ideal = np.repeat(ideal, slots)
    within, oversized = _classify(populations[used], units[used], grid_ideal[used])
    return CityBalance(int(used.sum()), int(within.sum()), int(oversized.sum()))


def _classify(
    populations: FloatArray, units: IntArray, ideal: FloatArray
) -> tuple[BoolArray, BoolArray]:
    """(within tolerance, oversized single unit) for each grid."""
    oversized = (units == 1) & (populations > (1 + TOLERANCE) * ideal)
    within = np.abs(populations - ideal) <= TOLERANCE * ideal
    return within, oversized


# --- stable re-partition ------------------------------------------------------------------


def match_labels(old_labels: ArrayLike, new_labels: ArrayLike, residents: ArrayLike) -> IntArray:
    """Renumber a new partition of one community so grids keep their old ids where they can.

    Each new grid takes the id of the old grid it shares most residents with, as an optimal
    one-to-one matching (ties by shared units, so empty buildings still count). Old labels
    of -1 mark units that had no grid. New grids with no overlap get fresh ids above the
    old maximum, in the order of their new labels.
    """
    weight = _residents_vector(residents)
    old = _label_vector(old_labels, "old_labels", len(weight), lowest=-1)
    new = _label_vector(new_labels, "new_labels", len(weight), lowest=0)
    old_ids, old_index = np.unique(old, return_inverse=True)
    new_ids, new_index = np.unique(new, return_inverse=True)
    overlap = np.zeros((len(new_ids), len(old_ids)))
    # Residents first; a shared unit adds less than one resident's worth.
    np.add.at(overlap, (new_index, old_index), weight * (len(weight) + 1) + 1)
    overlap[:, old_ids < 0] = 0
    rows, columns = linear_sum_assignment(overlap, maximize=True)
    matched = overlap[rows, columns] > 0
    renamed = np.full(len(new_ids), -1, np.int64)
    renamed[rows[matched]] = old_ids[columns[matched]]
    unmatched = renamed < 0
    first_free = (int(old.max()) if len(old) else -1) + 1
    renamed[unmatched] = first_free + np.arange(int(unmatched.sum()))
    return renamed[new_index]


def residents_moved(old_labels: ArrayLike, new_labels: ArrayLike, residents: ArrayLike) -> int:
    """Residents whose grid changed. Units without an old grid (-1) did not move: they are new."""
    weight = _residents_vector(residents)
    old = _label_vector(old_labels, "old_labels", len(weight), lowest=-1)
    new = _label_vector(new_labels, "new_labels", len(weight), lowest=-1)
    return int(round(float(weight[(old >= 0) & (old != new)].sum())))


# --- geometry and assignment ------------------------------------------------------------


def local_metres(lat: ArrayLike, lng: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Equirectangular x, y in metres around the points' mean: fine across a city."""
    lat_a, lng_a, _ = _validated_units(lat, lng, np.zeros(np.size(lat)))
    return _community_metres(np.zeros(len(lat_a), np.int64), lat_a, lng_a)


def convex_hull(points: ArrayLike) -> FloatArray:
    """Convex hull (monotone chain) of (n, 2) points, counter-clockwise, not closed.

    Collinear and repeated points are dropped, so fewer than 3 distinct points, or points on
    one line, give 0 to 2 rows; a GeoJSON ring repeats the first vertex itself.
    """
    xy = _points(points, "points")
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    ordered: list[tuple[float, float]] = [(float(a), float(b)) for a, b in xy[order]]
    distinct = [p for i, p in enumerate(ordered) if i == 0 or p != ordered[i - 1]]
    if len(distinct) < 3:
        return np.array(distinct, dtype=np.float64).reshape(-1, 2)
    lower = _half_hull(distinct)
    upper = _half_hull(distinct[::-1])
    return np.array(lower[:-1] + upper[:-1], dtype=np.float64)


def _half_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    chain: list[tuple[float, float]] = []
    for p in points:
        while len(chain) >= 2 and _turn(chain[-2], chain[-1], p) <= 0:
            chain.pop()
        chain.append(p)
    return chain


def _turn(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Positive for a counter-clockwise turn o -> a -> b."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def polsby_popper(hull_xy: ArrayLike) -> float:
    """Compactness 4*pi*area / perimeter**2 of a polygon in metres: 1 for a circle.

    Returns NaN for a degenerate hull (fewer than 3 vertices: one unit or units on a line),
    which has no area to judge; averages exclude it (``np.nanmean``).
    """
    xy = _points(hull_xy, "hull_xy")
    if len(xy) < 3:
        return math.nan
    following = np.concatenate([xy[1:], xy[:1]])
    area = 0.5 * abs(float(np.sum(xy[:, 0] * following[:, 1] - xy[:, 1] * following[:, 0])))
    perimeter = float(np.linalg.norm(following - xy, axis=1).sum())
    return 4 * math.pi * area / perimeter**2 if area > 0 else math.nan


def strictly_inside(hull_xy: ArrayLike, points: ArrayLike) -> BoolArray:
    """Which points lie strictly inside a counter-clockwise convex polygon (``convex_hull``).

    A degenerate hull (fewer than 3 vertices) has no inside. Used to count units that sit
    within another grid's boundary, a sign of interleaved grids.
    """
    hull = _points(hull_xy, "hull_xy")
    xy = _points(points, "points")
    if len(hull) < 3:
        return np.zeros(len(xy), bool)
    edges = np.concatenate([hull[1:], hull[:1]]) - hull
    offsets = xy[:, None, :] - hull[None, :, :]
    turns = edges[None, :, 0] * offsets[:, :, 1] - edges[None, :, 1] * offsets[:, :, 0]
    extent = float(np.ptp(hull, axis=0).max())  # on-edge points, up to rounding, are not inside
    return np.asarray(np.all(turns > 1e-12 * extent * extent, axis=1))


def optimal_assignment(worker_xy: ArrayLike, grid_xy: ArrayLike) -> list[tuple[int, int]]:
    """(worker, grid) pairs minimising the total distance; min(workers, grids) pairs."""
    workers = _points(worker_xy, "worker_xy")
    grids = _points(grid_xy, "grid_xy")
    if not len(workers) or not len(grids):
        return []
    rows, columns = linear_sum_assignment(cdist(workers, grids))
    return [(int(w), int(g)) for w, g in zip(rows, columns, strict=True)]


# --- input validation and small helpers --------------------------------------------------


def _validated_city(
    community: ArrayLike, lat: ArrayLike, lng: ArrayLike, residents: ArrayLike, target: object
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    lat_a, lng_a, weight = _validated_units(lat, lng, residents)
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise ValueError(f"target must be a positive number of residents, got {target!r}")
    if not math.isfinite(float(target)) or float(target) <= 0:
        raise ValueError(f"target must be a positive number of residents, got {target!r}")
    return _community_codes(community, len(weight)), lat_a, lng_a, weight


def _validated_units(
    lat: ArrayLike, lng: ArrayLike, residents: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    lat_a, lng_a = _number_vector(lat, "lat"), _number_vector(lng, "lng")
    weight = _residents_vector(residents)
    if not (len(lat_a) == len(lng_a) == len(weight)):
        raise ValueError(
            "lat, lng and residents must have one value per unit, "
            f"got {len(lat_a)}, {len(lng_a)} and {len(weight)}"
        )
    if not len(weight):
        raise ValueError("there are no units to partition")
    if not np.all(np.abs(lat_a) <= 90):
        raise ValueError("lat must be finite and between -90 and 90")
    if not np.all(np.abs(lng_a) <= 180):
        raise ValueError("lng must be finite and between -180 and 180")
    return lat_a, lng_a, weight


def _number_vector(values: ArrayLike, name: str) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a list of numbers") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat list of numbers, got shape {array.shape}")
    return array


def _residents_vector(residents: ArrayLike) -> FloatArray:
    weight = _number_vector(residents, "residents")
    if not np.all(np.isfinite(weight)) or np.any(weight < 0) or np.any(weight % 1 != 0):
        raise ValueError("residents must be whole numbers, zero or more")
    return weight


def _label_vector(labels: ArrayLike, name: str, units: int, *, lowest: int) -> IntArray:
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) != units:
        raise ValueError(f"{name} must have one label per unit ({units})")
    if len(array) and (not np.issubdtype(array.dtype, np.integer) or array.min() < lowest):
        raise ValueError(f"{name} must be whole numbers, {lowest} or more")
    return array.astype(np.int64)


def _community_codes(community: ArrayLike, units: int) -> IntArray:
    """Community ids as 0..C-1 (sorted order of the ids)."""
    array = np.asarray(community)
    if array.ndim != 1 or len(array) != units:
        raise ValueError(f"community must have one id per unit ({units})")
    if len(array) and not np.issubdtype(array.dtype, np.integer):
        raise ValueError("community ids must be whole numbers")
    return np.unique(array, return_inverse=True)[1].astype(np.int64)


def _points(points: ArrayLike, name: str) -> FloatArray:
    try:
        xy = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be (n, 2) numbers") from error
    xy = xy.reshape(0, 2) if xy.size == 0 else xy
    if xy.ndim != 2 or xy.shape[1] != 2 or not np.all(np.isfinite(xy)):
        raise ValueError(f"{name} must be (n, 2) finite numbers, got shape {xy.shape}")
    return xy


def _sum_by(group: IntArray, values: FloatArray, groups: int = 0) -> FloatArray:
    return np.bincount(group, weights=values, minlength=groups).astype(np.float64)


def _count_by(group: IntArray, groups: int = 0) -> IntArray:
    return np.bincount(group, minlength=groups).astype(np.int64)


def _community_metres(
    community: IntArray, lat: FloatArray, lng: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Equirectangular metres around each community's mean point."""
    units = _count_by(community)
    lat0 = (_sum_by(community, lat) / units)[community]
    lng0 = (_sum_by(community, lng) / units)[community]
    y = np.radians(lat - lat0) * EARTH_RADIUS_M
    x = np.radians(lng - lng0) * EARTH_RADIUS_M * np.cos(np.radians(lat0))
    return x, y


# --- oversized units --------------------------------------------------------------------


def _set_apart_oversized_units(
    community: IntArray, weight: FloatArray, grids: IntArray
) -> tuple[IntArray, BoolArray, IntArray, FloatArray]:
    """Give each unit too large for the tolerance a grid of its own, numbered after the rest.

    Returns the labels so far, which units were set apart, and per community the grids left
    for the other units and their ideal size. Repeats because setting a unit apart lowers
    the others' ideal. At least one grid is always left: a set-apart unit holds more than
    its share, so fewer units than grids can be set apart.
    """
    oversized = np.zeros(len(weight), bool)
    while True:
        rest_grids = grids - _count_by(community[oversized], len(grids))
        ideal = _sum_by(community, weight * ~oversized, len(grids)) / rest_grids
        newly = ~oversized & (weight > (1 + TOLERANCE) * ideal[community])
        if not newly.any():
            break
        oversized |= newly
    labels = np.zeros(len(weight), np.int64)
    units = np.flatnonzero(oversized)
    units = units[np.argsort(community[units], kind="stable")]
    labels[units] = rest_grids[community[units]] + _rank_within_groups(community[units])
    return labels, oversized, rest_grids, ideal


def _rank_within_groups(sorted_groups: IntArray) -> IntArray:
    """0, 1, 2, ... restarting at each new value of an already sorted array."""
    positions = np.arange(len(sorted_groups))
    starts = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    group_start: IntArray = np.maximum.accumulate(np.where(starts, positions, 0))
    return positions - group_start


# --- recursive bisection ----------------------------------------------------------------


@dataclass(frozen=True)
class _Segments:
    """Units still to be cut, grouped by segment; a segment becomes ``grids`` grids.

    Unit arrays are in segment order (``segment`` is non-decreasing); segment arrays are
    indexed by segment.
    """

    unit: IntArray
    x: FloatArray
    y: FloatArray
    weight: FloatArray
    segment: IntArray
    grids: IntArray
    first_label: IntArray
    ideal: FloatArray

    @property
    def starts(self) -> IntArray:
        return np.flatnonzero(np.r_[True, self.segment[1:] != self.segment[:-1]])


@dataclass(frozen=True)
class _Cut:
    """The best cut of every segment along one axis."""

    order: IntArray  # sorts the units of each segment along the axis
    extent: FloatArray
    deviation: FloatArray  # the worse half's mean grid size vs ideal, relative
    acceptable: BoolArray
    line: IntArray  # units before the cut line...
    crossing: IntArray  # ...and (2, segments) ranks in the segment that cross it, -1 none


def _bisect(
    labels: IntArray,
    units: IntArray,
    community: IntArray,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    grids: IntArray,
    ideal: FloatArray,
) -> None:
    """Label ``units`` (sorted by community) by recursive bisection, writing into labels."""
    if not len(units):
        return
    segment = np.cumsum(np.r_[True, community[units][1:] != community[units][:-1]]) - 1
    owners = community[units][np.r_[True, segment[1:] != segment[:-1]]]
    level = _Segments(
        units, x[units], y[units], weight[units], segment,
        grids[owners], np.zeros(len(owners), np.int64), ideal[owners],
    )  # fmt: skip
    while len(level.unit):
        level = _retire_finished(level, labels)
        if len(level.unit):
            level = _split(level)


def _retire_finished(level: _Segments, labels: IntArray) -> _Segments:
    """Write the labels of one-grid segments and drop them from the work."""
    finished = level.grids == 1
    done = finished[level.segment]
    labels[level.unit[done]] = level.first_label[level.segment[done]]
    kept_units = np.flatnonzero(~done)
    renumbered = (np.cumsum(~finished) - 1)[level.segment[kept_units]]
    kept = ~finished
    return _Segments(
        level.unit[kept_units], level.x[kept_units], level.y[kept_units],
        level.weight[kept_units], renumbered,
        level.grids[kept], level.first_label[kept], level.ideal[kept],
    )  # fmt: skip


def _split(level: _Segments) -> _Segments:
    """Cut every segment in two along its better axis."""
    starts = level.starts
    cuts = [_best_cut(level, starts, level.x), _best_cut(level, starts, level.y)]
    along_y = _prefer_y(cuts[0], cuts[1])
    pick = along_y[level.segment]
    positions = np.arange(len(level.unit))
    order = np.where(pick, cuts[1].order, cuts[0].order)
    rank = positions - starts[level.segment]
    line = np.where(along_y, cuts[1].line, cuts[0].line)[level.segment]
    crossing = np.where(along_y, cuts[1].crossing, cuts[0].crossing)[:, level.segment]
    right = (rank >= line) ^ (rank == crossing[0]) ^ (rank == crossing[1])
    halves = 2 * level.segment + right
    regroup = np.argsort(halves, kind="stable")
    left_grids = level.grids // 2
    return _Segments(
        level.unit[order][regroup], level.x[order][regroup], level.y[order][regroup],
        level.weight[order][regroup],
        np.cumsum(np.r_[True, np.diff(halves[regroup]) != 0]) - 1,
        np.stack([left_grids, level.grids - left_grids], 1).ravel(),
        np.stack([level.first_label, level.first_label + left_grids], 1).ravel(),
        np.repeat(level.ideal, 2),
    )  # fmt: skip


def _prefer_y(along_x: _Cut, along_y: _Cut) -> BoolArray:
    """Per segment: cut across y? The longer axis when its cut is good enough, else the better."""
    y_longer = along_y.extent > along_x.extent
    both = along_x.acceptable & along_y.acceptable
    one = along_x.acceptable ^ along_y.acceptable
    better = along_y.deviation < along_x.deviation
    return np.where(both, y_longer, np.where(one, along_y.acceptable, better))


def _best_cut(level: _Segments, starts: IntArray, coordinate: FloatArray) -> _Cut:
    """The most balanced cut of each segment across ``coordinate``, with a few crossings."""
    order, extent = _sort_within_segments(level.segment, starts, coordinate)
    weight = level.weight[order]
    cumulative = np.cumsum(weight)
    before = cumulative[starts] - weight[starts]
    last = np.r_[starts[1:], len(weight)] - 1
    total = cumulative[last] - before
    left_grids = level.grids // 2
    share = total * left_grids / level.grids
    # The unit where the running sum reaches the share: the line goes before or after it.
    reaching = np.minimum(np.searchsorted(cumulative, before + share), last) - starts
    candidates = _Candidates.around([reaching, reaching + 1], weight, starts, level.grids)
    deviation = _deviation(
        candidates.left_weight, total, left_grids, level.grids - left_grids, level.ideal
    )
    deviation = np.where(candidates.valid, deviation, np.inf)
    slack = np.where(level.grids == 2, _LAST_CUT_SLACK, _UPPER_CUT_SLACK)
    acceptable = deviation <= slack
    any_acceptable = np.asarray(acceptable.any(axis=0))
    # Fewest and nearest crossings first (penalties step by 1 or more), then the smallest error.
    penalty = np.where(acceptable, _CROSSING_PENALTY[:, None] + deviation, np.inf)
    best = np.where(any_acceptable, penalty.argmin(axis=0), deviation.argmin(axis=0))
    columns = np.arange(len(starts))
    return _Cut(
        order, extent, deviation[best, columns], any_acceptable,
        candidates.line[best, columns], candidates.crossing[:, best, columns],
    )  # fmt: skip


def _sort_within_segments(
    segment: IntArray, starts: IntArray, coordinate: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Order sorting each segment along ``coordinate``, and each segment's extent."""
    low = np.minimum.reduceat(coordinate, starts)
    extent = np.maximum.reduceat(coordinate, starts) - low
    scale = np.where(extent > 0, extent, 1.0)
    # One stable sort on segment + position in [0, 0.5]: cheaper than a two-key lexsort, and
    # the units arrive grouped by segment, which the sort exploits. The half keeps rounding
    # from reaching the next segment.
    within = (coordinate - low[segment]) / scale[segment] * 0.5
    return np.argsort(segment + within, kind="stable"), extent


def _crossing_moves() -> tuple[IntArray, BoolArray]:
    """Offsets from the cut of up to two units that cross the line (none, one, or a swap)."""
    moves = [(0, 0, False, False)]
    moves += [(offset, 0, True, False) for offset in range(-_FLIP_BAND, _FLIP_BAND)]
    moves += [(a, b, True, True) for a in range(-_SWAP_BAND, 0) for b in range(_SWAP_BAND)]
    table = np.array(moves)
    return table[:, :2].astype(np.int64), table[:, 2:].astype(bool)


_CROSSING_OFFSETS, _CROSSING_USED = _crossing_moves()
# Fewer and nearer crossings first: they bend the cut line least.
_MOVE_PENALTY = (_CROSSING_USED * (1 + np.abs(_CROSSING_OFFSETS + 0.5))).sum(axis=1)
_CROSSING_PENALTY = np.r_[_MOVE_PENALTY, _MOVE_PENALTY]  # for each of the two base cuts


@dataclass(frozen=True)
class _Candidates:
    """Cuts near a base cut, with units crossing the line, for every segment at once.

    Arrays are (candidates, segments); ``crossing`` is (2, candidates, segments).
    """

    line: IntArray  # units before the cut line (crossings excluded)
    left_weight: FloatArray  # residents left of the line once the crossings are made
    crossing: IntArray  # ranks within the segment of the units that cross, -1 none
    valid: BoolArray

    @classmethod
    def around(
        cls, base_lines: list[IntArray], weight: FloatArray, starts: IntArray, grids: IntArray
    ) -> _Candidates:
        cumulative = np.cumsum(weight)
        parts = [cls._moves_from(line, weight, cumulative, starts, grids) for line in base_lines]
        return cls(
            np.concatenate([part.line for part in parts]),
            np.concatenate([part.left_weight for part in parts]),
            np.concatenate([part.crossing for part in parts], axis=1),
            np.concatenate([part.valid for part in parts]),
        )

    @classmethod
    def _moves_from(
        cls,
        line: IntArray,
        weight: FloatArray,
        cumulative: FloatArray,
        starts: IntArray,
        grids: IntArray,
    ) -> _Candidates:
        lengths = np.diff(np.r_[starts, len(weight)])
        left_grids = grids // 2
        most = lengths - (grids - left_grids)  # each half keeps a unit per grid
        line = np.clip(line, left_grids, most)
        base_weight = cumulative[starts + line - 1] - cumulative[starts] + weight[starts]
        used = _CROSSING_USED.T[:, :, None]  # (2, moves, 1)
        rank = line[None, None, :] + _CROSSING_OFFSETS.T[:, :, None]  # (2, moves, segments)
        in_range = (rank >= 0) & (rank < lengths) | ~used
        safe_rank = np.clip(rank, 0, lengths - 1)
        sign = np.where(_CROSSING_OFFSETS.T < 0, -1, 1) * _CROSSING_USED.T
        left_units = line + sign.sum(axis=0)[:, None]
        valid = in_range.all(axis=0) & (left_units >= left_grids) & (left_units <= most)
        return cls(
            np.broadcast_to(line, left_units.shape),
            base_weight + (weight[starts + safe_rank] * sign[:, :, None]).sum(axis=0),
            np.where(used, safe_rank, -1),
            valid,
        )


def _deviation(
    left_weight: FloatArray,
    total: FloatArray,
    left_grids: IntArray,
    right_grids: IntArray,
    ideal: FloatArray,
) -> FloatArray:
    """The worse half's mean grid size against the ideal, relative (0 for empty communities)."""
    left_error = np.abs(left_weight / left_grids - ideal)
    right_error = np.abs((total - left_weight) / right_grids - ideal)
    safe_ideal = np.where(ideal > 0, ideal, 1.0)
    return np.where(ideal > 0, np.maximum(left_error, right_error) / safe_ideal, 0.0)


# --- refinement -------------------------------------------------------------------------


@dataclass
class _GridState:
    """Per grid, numbered across the city; fixed grids (oversized units) never change."""

    population: FloatArray
    units: IntArray
    ideal: FloatArray
    fixed: BoolArray

    def excess(self, grid: IntArray, change: FloatArray) -> FloatArray:
        """Residents beyond the tolerance if ``change`` residents were added to ``grid``."""
        ideal = self.ideal[grid]
        return np.maximum(0.0, np.abs(self.population[grid] + change - ideal) - TOLERANCE * ideal)


def _refine(
    community: IntArray,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    labels: IntArray,
    grids: IntArray,
    grid_ideal: FloatArray,
    oversized: BoolArray,
) -> IntArray:
    """Move or swap boundary units between neighbouring grids to bring grids into range."""
    offset: IntArray = np.r_[0, np.cumsum(grids)[:-1]]
    grid = offset[community] + labels
    count = int(grids.sum())
    fixed = np.zeros(count, bool)
    fixed[grid[oversized]] = True
    state = _GridState(_sum_by(grid, weight, count), _count_by(grid, count), grid_ideal, fixed)
    neighbours = _NeighbourFinder(community, x, y)
    for _ in range(_REFINE_ROUNDS):
        out_of_range = (state.excess(np.arange(count), np.zeros(count)) > 0) & ~state.fixed
        if not out_of_range.any():
            break
        moves = _best_moves(grid, weight, x, y, state, neighbours, out_of_range)
        if not len(moves.unit):
            break
        _apply(moves, grid, weight, state)
    return grid - offset[community]


class _NeighbourFinder:
    """Nearest units of the same community (communities are set far apart on a third axis).

    Answers are kept: refinement rounds ask again about mostly the same units.
    """

    def __init__(self, community: IntArray, x: FloatArray, y: FloatArray) -> None:
        span = max(float(np.ptp(x)), float(np.ptp(y)), 1.0)
        self._points = np.c_[x, y, community * 4 * span]
        self._community = community
        self._wanted = min(_NEIGHBOURS + 1, len(x))
        self._found = np.zeros((len(x), self._wanted), np.int64)
        self._known = np.zeros(len(x), bool)

    @cached_property
    def _tree(self) -> cKDTree:
        return cKDTree(self._points)  # built only when some grid needs refining

    def pairs(self, units: IntArray) -> tuple[IntArray, IntArray]:
        missing = units[~self._known[units]]
        if len(missing):
            _, found = self._tree.query(self._points[missing], k=self._wanted)
            self._found[missing] = np.asarray(found, np.int64).reshape(len(missing), -1)
            self._known[missing] = True
        unit = np.repeat(units, self._wanted)
        other = self._found[units].ravel()
        same = self._community[unit] == self._community[other]
        return unit[same], other[same]


@dataclass(frozen=True)
class _Moves:
    """Candidate changes: ``unit`` goes from grid ``source`` to grid ``target``, and
    ``partner`` (-1 for none) comes back the other way, which makes it a swap."""

    unit: IntArray
    partner: IntArray
    source: IntArray
    target: IntArray

    def change(self, weight: FloatArray) -> FloatArray:
        """Residents leaving ``source`` for ``target``."""
        returned: FloatArray = np.where(self.partner >= 0, weight[self.partner], 0.0)
        return weight[self.unit] - returned

    def gain(self, weight: FloatArray, state: _GridState) -> FloatArray:
        """How much excess beyond the tolerance each move removes."""
        change = self.change(weight)
        unchanged = np.zeros(len(change))
        before = state.excess(self.source, unchanged) + state.excess(self.target, unchanged)
        return before - state.excess(self.source, -change) - state.excess(self.target, change)

    def take(self, keep: BoolArray | IntArray) -> _Moves:
        return _Moves(self.unit[keep], self.partner[keep], self.source[keep], self.target[keep])

    def non_conflicting(self, gain: FloatArray, grids: int) -> _Moves:
        """The moves that rank first at both of their grids (largest gain, then position).

        Every grid then takes part in at most one move per round, so gains stay exact, and
        the best move overall is always among them.
        """
        rank = np.empty(len(self.unit), np.int64)
        rank[np.lexsort((self.partner, self.unit, -gain))] = np.arange(len(self.unit))
        best = np.full(grids, len(self.unit), np.int64)
        np.minimum.at(best, self.source, rank)
        np.minimum.at(best, self.target, rank)
        return self.take((best[self.source] == rank) & (best[self.target] == rank))


def _best_moves(
    grid: IntArray,
    weight: FloatArray,
    x: FloatArray,
    y: FloatArray,
    state: _GridState,
    neighbours: _NeighbourFinder,
    out_of_range: BoolArray,
) -> _Moves:
    """Non-conflicting moves and swaps across borders of out-of-range grids that gain."""
    unit, other = neighbours.pairs(np.flatnonzero(out_of_range[grid]))
    across = (grid[unit] != grid[other]) & ~state.fixed[grid[other]]
    unit, other = unit[across], other[across]
    pushed_or_pulled = np.r_[unit, other]
    alone = np.full(len(pushed_or_pulled), -1, np.int64)
    moves = _Moves(
        np.r_[pushed_or_pulled, unit],
        np.r_[alone, other],
        grid[np.r_[pushed_or_pulled, unit]],
        grid[np.r_[other, unit, other]],
    )
    gain = moves.gain(weight, state)
    gaining = gain > 1e-9
    moves, gain = moves.take(gaining), gain[gaining]
    centroid = _centroids(grid, x, y, len(state.population))
    is_swap = moves.partner >= 0
    partner = np.where(is_swap, moves.partner, moves.unit)
    keep = _stays_close(moves.unit, moves.source, moves.target, x, y, centroid)
    keep &= ~is_swap | _stays_close(partner, moves.target, moves.source, x, y, centroid)
    keep &= is_swap | (state.units[moves.source] > 1)  # a grid never loses its last unit
    return moves.take(keep).non_conflicting(gain[keep], len(state.population))


def _centroids(grid: IntArray, x: FloatArray, y: FloatArray, grids: int) -> FloatArray:
    units: IntArray = np.maximum(_count_by(grid, grids), 1)
    sums: FloatArray = np.stack([_sum_by(grid, axis, grids) for axis in (x, y)], axis=1)
    return sums / units[:, None]


def _stays_close(
    unit: IntArray,
    source: IntArray,
    target: IntArray,
    x: FloatArray,
    y: FloatArray,
    centroid: FloatArray,
) -> BoolArray:
    """Is the unit not much farther from the new grid's centroid than from its old one?"""
    to_target = np.hypot(x[unit] - centroid[target, 0], y[unit] - centroid[target, 1])
    to_source = np.hypot(x[unit] - centroid[source, 0], y[unit] - centroid[source, 1])
    return np.asarray(to_target <= _MAX_DISTANCE_RATIO * to_source)


def _apply(moves: _Moves, grid: IntArray, weight: FloatArray, state: _GridState) -> None:
    change = moves.change(weight)
    is_swap = moves.partner >= 0
    np.add.at(state.population, moves.source, -change)
    np.add.at(state.population, moves.target, change)
    np.add.at(state.units, moves.source[~is_swap], -1)
    np.add.at(state.units, moves.target[~is_swap], 1)
    grid[moves.unit] = moves.target
    grid[moves.partner[is_swap]] = moves.source[is_swap]
