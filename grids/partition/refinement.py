"""Refinement: move or swap boundary units between neighbouring grids until grids are in
range (step 3 of ``algorithm``, and the whole of a local repair)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree

from grids.partition.arrays import BoolArray, FloatArray, IntArray, count_by, sum_by
from grids.partition.quality import TOLERANCE

# Neighbours looked at per unit, rounds at most, and how much farther from its new grid's
# centroid than from its old one a moved unit may be.
_NEIGHBOURS = 8
_REFINE_ROUNDS = 30
_MAX_DISTANCE_RATIO = 2.0


@dataclass
class _GridState:
    """Per grid, numbered across the city; fixed grids (oversized units) never change."""

    population: FloatArray
    units: IntArray
    ideal: FloatArray
    fixed: BoolArray

    def far_out(self, grid: IntArray) -> BoolArray:
        """Beyond half as much again as the tolerance."""
        ideal = self.ideal[grid]
        return np.asarray(np.abs(self.population[grid] - ideal) > 1.5 * TOLERANCE * ideal)

    def excess(self, grid: IntArray, change: FloatArray) -> FloatArray:
        """Residents beyond the tolerance if ``change`` residents were added to ``grid``."""
        ideal = self.ideal[grid]
        return np.maximum(0.0, np.abs(self.population[grid] + change - ideal) - TOLERANCE * ideal)


def refine(
    community: IntArray,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    labels: IntArray,
    grids: IntArray,
    grid_ideal: FloatArray,
    oversized: BoolArray,
    *,
    move_cost: FloatArray | None = None,
    move_cap: float = 0.5,
) -> IntArray:
    """Move or swap boundary units between neighbouring grids to bring grids into range.

    Moves are ranked by the excess they remove. With a ``move_cost`` per unit (a local
    repair: the residents who change worker if the unit moves, 0 for a new building) they
    are ranked by the excess removed per resident moved, so one small building crosses
    rather than two towers swapping, and a move costing more than ``move_cap`` times the
    ideal size is not made.
    """
    offset: IntArray = np.r_[0, np.cumsum(grids)[:-1]]
    grid = offset[community] + labels
    count = int(grids.sum())
    fixed = np.zeros(count, bool)
    fixed[grid[oversized]] = True
    state = _GridState(sum_by(grid, weight, count), count_by(grid, count), grid_ideal, fixed)
    neighbours = _NeighbourFinder(community, x, y)
    for _ in range(_REFINE_ROUNDS):
        out_of_range = (state.excess(np.arange(count), np.zeros(count)) > 0) & ~state.fixed
        if not out_of_range.any():
            break
        moves = _best_moves(
            grid, weight, x, y, state, neighbours, out_of_range, move_cost, move_cap
        )
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

    def moved(self, cost: FloatArray) -> FloatArray:
        """The cost of the unit's move plus, in a swap, the partner's."""
        returned: FloatArray = np.where(self.partner >= 0, cost[self.partner], 0.0)
        return cost[self.unit] + returned

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
    move_cost: FloatArray | None,
    move_cap: float,
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
    moves, gain = moves.take(keep), gain[keep]
    if move_cost is not None:
        moved = moves.moved(move_cost)
        # The cap yields where a grid is far out of range (a tower was added to it).
        far = state.far_out(moves.source) | state.far_out(moves.target)
        small = (moved <= move_cap * state.ideal[moves.source]) | far
        moves, gain = moves.take(small), gain[small] / np.maximum(moved[small], 1.0)
    return moves.non_conflicting(gain, len(state.population))


def _centroids(grid: IntArray, x: FloatArray, y: FloatArray, grids: int) -> FloatArray:
    units: IntArray = np.maximum(count_by(grid, grids), 1)
    sums: FloatArray = np.stack([sum_by(grid, axis, grids) for axis in (x, y)], axis=1)
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
