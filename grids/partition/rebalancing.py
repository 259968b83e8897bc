"""Rebalancing: the wider local repair, the fewest residents moved to bring grids into range.

The refinement (``refinement``) improves one move or swap at a time and only where a grid
is out of range, so it stops where the only way forward is a chain: a grid 10% short can
only take a building from a neighbour that is itself at its lower bound, which must then
take one from its own neighbour. This module solves the whole community at once as a small
integer programme (scipy's HiGHS): every unit stays in its grid or moves to the grid of
one of its nearest units (and not much farther from that grid's centre than from its own),
and the residents who change grid, plus a penalty for each grid left out of range
(``OUT_OF_RANGE_PENALTY`` of a grid's ideal size, and ``EXCESS_PENALTY`` for each resident
it is beyond the tolerance), are as few as can be. Interior units cannot move, and only
grids near one out of range take part, so a community of 100 buildings is a programme of
a few hundred binaries, solved in tens of milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array
from scipy.spatial import cKDTree

from grids.partition.arrays import BoolArray, FloatArray, IntArray, count_by, sum_by
from grids.partition.quality import TOLERANCE

# A grid out of range weighs as much as moving this share of its ideal size, plus three
# residents moved for each resident beyond the tolerance: a grid 10 residents short takes
# a building of 100 from its neighbour, and a grid that only a chain of tower moves could
# fix stays out rather than moving a whole grid's residents to another worker. Tuned on
# seeds 1-30 of bench/repartition.py: a share of 0.5 moved up to 18 times the residents
# changed in 7 seeds, mending grids the first partition had left out; 0.1-0.3 with 2-3
# per resident left the same 3 seeds above 5 times.
OUT_OF_RANGE_PENALTY = 0.2
EXCESS_PENALTY = 3.0
# Candidate grids of a unit: those of its nearest units, not more than this much farther
# from the candidate's centre than from its own grid's (the refinement's rule).
NEIGHBOURS = 10
MAX_DISTANCE_RATIO = 2.0
# Only grids within so many borders of a grid out of range take part.
REACH = 2
# A moved building also costs this much, so of two equal plans the one moving fewer
# buildings wins (empty buildings do not wander).
PER_UNIT_COST = 0.01
# Bounds are kept this many residents inside the tolerance so that the solver's rounding
# never leaves a grid a fraction of a resident out of range.
MARGIN = 0.01
# The solver stops at this gap to the best bound (in the objective's residents) or time:
# a plan a resident or two from the best is as good, and many communities may need one.
MIP_GAP = 0.01
TIME_LIMIT_S = 1.0


@dataclass(frozen=True)
class Rebalanced:
    """The labels found, and what they cost: residents moved and residents out of range."""

    labels: IntArray
    moved: float
    excess: float
    out_of_range: int
    penalty: float

    @property
    def cost(self) -> float:
        return self.moved + self.penalty


def plan_cost(
    labels: IntArray,
    weight: FloatArray,
    move_cost: FloatArray,
    start: IntArray,
    ideal: FloatArray,
    oversized: BoolArray,
) -> Rebalanced:
    """What a community's labels cost against ``start``: the measure ``rebalance`` minimises
    (grids holding an oversized unit are not judged)."""
    population = sum_by(labels, weight, len(ideal))
    beyond = np.maximum(0.0, np.abs(population - ideal) - TOLERANCE * ideal)
    beyond[labels[oversized]] = 0.0
    out = beyond > MARGIN
    penalty = float((OUT_OF_RANGE_PENALTY * ideal[out]).sum() + EXCESS_PENALTY * beyond.sum())
    moved = float(move_cost[labels != start].sum())
    return Rebalanced(labels, moved, float(beyond.sum()), int(out.sum()), penalty)


def rebalance(
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    labels: IntArray,
    move_cost: FloatArray,
    ideal: FloatArray,
    oversized: BoolArray,
    home: IntArray | None = None,
) -> Rebalanced | None:
    """One community's labels (0..k-1, every unit labelled) after the cheapest local moves.

    ``move_cost`` is what moving each unit out of its ``home`` grid costs (its residents; 0
    for a new building); ``home`` is ``labels`` unless a grid was just split or dissolved
    (``split_grid``, ``dissolve_grid``). ``ideal`` is each grid's ideal size, ``oversized``
    the units too large to share a grid: they stay, their grids are not judged and take no
    one in. ``None`` when the solver finds no plan in time.
    """
    home = labels if home is None else home
    grids = len(ideal)
    fixed = np.zeros(grids, bool)
    fixed[labels[oversized]] = True
    unit, grid = _candidates(x, y, labels, fixed, oversized)
    near = _near_out_of_range(labels, unit, grid, weight, ideal, fixed)
    unit, grid = unit[near[labels[unit]]], grid[near[labels[unit]]]
    if not len(unit):
        return None
    cost = np.where(grid == home[unit], 0.0, move_cost[unit] + PER_UNIT_COST)
    movable = np.unique(unit)
    pinned = np.ones(len(labels), bool)
    pinned[movable] = False
    pinned_population = sum_by(labels[pinned], weight[pinned], grids)
    pinned_units = count_by(labels[pinned], grids)
    judged = np.flatnonzero(~fixed)
    # Choices, then per judged grid its shortfall, its surplus and whether it is out.
    variables = len(unit) + 3 * len(judged)
    excess = np.full(2 * len(judged), EXCESS_PENALTY)
    objective = np.r_[cost, excess, OUT_OF_RANGE_PENALTY * ideal[judged]]
    constraints = _constraints(
        unit, grid, weight, movable, judged, ideal, pinned_population, pinned_units,
        count_by(labels, grids) > 0, variables,
    )  # fmt: skip
    slack = np.zeros(2 * len(judged))
    integrality = np.r_[np.ones(len(unit)), slack, np.ones(len(judged))]
    upper = np.r_[np.ones(len(unit)), slack + np.inf, np.ones(len(judged))]
    result = milp(
        objective,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(np.zeros(variables), upper),
        options={"time_limit": TIME_LIMIT_S, "mip_rel_gap": MIP_GAP},
    )
    if result.x is None:
        return None
    chosen = result.x[: len(unit)] > 0.5
    found = labels.copy()
    found[unit[chosen]] = grid[chosen]
    return plan_cost(found, weight, move_cost, home, ideal, oversized)


def split_grid(
    x: FloatArray, y: FloatArray, weight: FloatArray, labels: IntArray, grid: int
) -> IntArray:
    """A new grid (numbered after the others) from the lighter half of ``grid``, cut across
    its longer side at the middle of its residents."""
    members = np.flatnonzero(labels == grid)
    along = x if np.ptp(x[members]) >= np.ptp(y[members]) else y
    members = members[np.argsort(along[members], kind="stable")]
    running = np.cumsum(weight[members])
    cut = int(np.searchsorted(running, running[-1] / 2)) + 1
    cut = min(max(cut, 1), len(members) - 1)
    first, second = members[:cut], members[cut:]
    lighter = first if weight[first].sum() <= weight[second].sum() else second
    split = labels.copy()
    split[lighter] = int(labels.max()) + 1
    return split


def dissolve_grid(x: FloatArray, y: FloatArray, labels: IntArray, grid: int) -> IntArray:
    """Each unit of ``grid`` goes to the grid of its nearest unit outside it; the grids above
    ``grid`` are numbered one lower."""
    inside = labels == grid
    _, nearest = cKDTree(np.c_[x[~inside], y[~inside]]).query(np.c_[x[inside], y[inside]])
    dissolved = labels.copy()
    dissolved[inside] = labels[~inside][np.asarray(nearest, np.int64)]
    return dissolved - (dissolved > grid)


def _near_out_of_range(
    labels: IntArray,
    unit: IntArray,
    grid: IntArray,
    weight: FloatArray,
    ideal: FloatArray,
    fixed: BoolArray,
) -> BoolArray:
    """The grids within ``REACH`` borders of a grid out of range: only their units may move,
    which keeps a large community's programme small."""
    population = sum_by(labels, weight, len(ideal))
    near = (np.abs(population - ideal) > TOLERANCE * ideal) & ~fixed
    border = labels[unit] != grid
    source, target = labels[unit][border], grid[border]
    for _ in range(REACH):
        near = near | np.isin(
            np.arange(len(ideal)), np.r_[source[near[target]], target[near[source]]]
        )
    return near


def _candidates(
    x: FloatArray, y: FloatArray, labels: IntArray, fixed: BoolArray, oversized: BoolArray
) -> tuple[IntArray, IntArray]:
    """(unit, grid) pairs a unit may end in: its own grid, and the grids of its nearest
    units that are not fixed and whose centre is not much farther than its own grid's.
    Only units with somewhere to go are listed."""
    wanted = min(NEIGHBOURS + 1, len(x))
    _, nearest = cKDTree(np.c_[x, y]).query(np.c_[x, y], k=wanted)
    nearest = np.asarray(nearest, np.int64).reshape(len(x), wanted)
    unit = np.repeat(np.arange(len(x)), wanted)
    grid = labels[nearest.ravel()]
    grids = len(fixed)
    centre = np.stack([sum_by(labels, axis, grids) for axis in (x, y)], axis=1)
    centre /= np.maximum(count_by(labels, grids), 1)[:, None]
    to_target = np.hypot(x[unit] - centre[grid, 0], y[unit] - centre[grid, 1])
    to_source = np.hypot(x[unit] - centre[labels[unit], 0], y[unit] - centre[labels[unit], 1])
    away = (grid != labels[unit]) & ~fixed[grid] & ~oversized[unit]
    away &= to_target <= MAX_DISTANCE_RATIO * np.maximum(to_source, 1.0)
    pairs = np.unique(np.c_[unit[away], grid[away]], axis=0)
    if not len(pairs):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    movable = np.unique(pairs[:, 0])
    unit_all = np.r_[movable, pairs[:, 0]]
    grid_all = np.r_[labels[movable], pairs[:, 1]]
    order = np.lexsort((grid_all, unit_all))
    return unit_all[order], grid_all[order]


def _constraints(
    unit: IntArray,
    grid: IntArray,
    weight: FloatArray,
    movable: IntArray,
    judged: IntArray,
    ideal: FloatArray,
    pinned_population: FloatArray,
    pinned_units: IntArray,
    occupied: BoolArray,
    variables: int,
) -> list[LinearConstraint]:
    """Each movable unit in exactly one grid; each judged grid within the tolerance unless
    its shortfall or surplus pays for it, which only a grid marked out may have; no grid
    left without a unit."""
    choices = np.arange(len(unit))
    one_grid = csr_array(
        (np.ones(len(unit)), (np.searchsorted(movable, unit), choices)),
        shape=(len(movable), variables),
    )
    grids = len(ideal)
    members = csr_array((weight[unit], (grid, choices)), shape=(grids, variables))
    slack = np.arange(len(judged))
    shortfall = csr_array(
        (np.ones(len(judged)), (judged, len(unit) + slack)), shape=(grids, variables)
    )
    surplus = csr_array(
        (np.ones(len(judged)), (judged, len(unit) + len(judged) + slack)),
        shape=(grids, variables),
    )
    lower = (1 - TOLERANCE) * ideal - pinned_population + MARGIN
    upper = (1 + TOLERANCE) * ideal - pinned_population - MARGIN
    # The most a grid can fall short or run over: the tightest big-M keeps the solver fast.
    most_short = np.maximum(lower, 0.0)[judged]
    most_over = np.maximum(sum_by(grid, weight[unit], grids) - upper, 0.0)[judged]
    out = len(unit) + 2 * len(judged) + slack
    short_marked = csr_array(
        (
            np.r_[np.ones(len(judged)), -most_short],
            (np.tile(slack, 2), np.r_[len(unit) + slack, out]),
        ),
        shape=(len(judged), variables),
    )
    over_marked = csr_array(
        (
            np.r_[np.ones(len(judged)), -most_over],
            (np.tile(slack, 2), np.r_[len(unit) + len(judged) + slack, out]),
        ),
        shape=(len(judged), variables),
    )
    counted = csr_array((np.ones(len(unit)), (grid, choices)), shape=(grids, variables))
    return [
        LinearConstraint(one_grid, 1, 1),
        LinearConstraint((members + shortfall)[judged], lower[judged], np.inf),
        LinearConstraint((members - surplus)[judged], -np.inf, upper[judged]),
        LinearConstraint(short_marked, -np.inf, 0),
        LinearConstraint(over_marked, -np.inf, 0),
        LinearConstraint(counted, occupied - pinned_units, np.inf),
    ]
