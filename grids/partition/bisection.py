"""Weighted recursive bisection of every community at once (step 2 of ``algorithm``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grids.partition.arrays import BoolArray, FloatArray, IntArray
from grids.partition.quality import TOLERANCE

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


def bisect(
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
