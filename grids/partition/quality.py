"""Quality measures: how many grids a community should have, and how well grids match it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from grids.partition.arrays import BoolArray, FloatArray, IntArray, count_by, sum_by
from grids.partition.validation import community_codes, label_vector, residents_vector

TOLERANCE = 0.10
"""A grid is balanced when its residents are within 10% of its community's ideal size."""


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


def grid_counts(community: IntArray, residents: FloatArray, *, target: float) -> IntArray:
    """Grids per community: round(population / target), at least 1, at most one per unit."""
    population = sum_by(community, residents)
    units = count_by(community, len(population))
    return np.clip(np.rint(population / target), 1, units).astype(np.int64)


def grid_balance(labels: ArrayLike, residents: ArrayLike, k: int) -> GridBalance:
    """Residents per grid of one community against its ideal size, population / k."""
    weight = residents_vector(residents)
    labels_a = label_vector(labels, "labels", len(weight), lowest=0)
    if k < 1 or (len(labels_a) and int(labels_a.max()) >= k):
        raise ValueError(f"k must be at least 1 and above every label, got {k}")
    populations = sum_by(labels_a, weight, k)
    units = count_by(labels_a, k)
    ideal = float(populations.sum()) / k
    within, oversized = classify(populations, units, np.full(k, ideal))
    return GridBalance(
        ideal, np.rint(populations).astype(np.int64), int(within.sum()), int(oversized.sum())
    )


def city_balance(
    community: ArrayLike, labels: ArrayLike, residents: ArrayLike, *, target: int = 500
) -> CityBalance:
    """Balance of every non-empty grid of a city, each against population / k of its community
    with k = round(population / target), so that different partitions are judged alike."""
    weight = residents_vector(residents)
    codes = community_codes(community, len(weight))
    labels_a = label_vector(labels, "labels", len(weight), lowest=0)
    grids = grid_counts(codes, weight, target=target)
    ideal = sum_by(codes, weight) / grids
    slots = np.zeros(len(grids), np.int64)
    np.maximum.at(slots, codes, labels_a + 1)
    grid = np.r_[0, np.cumsum(slots)[:-1]][codes] + labels_a
    populations = sum_by(grid, weight)
    units = count_by(grid)
    used = units > 0
    grid_ideal = np.repeat(ideal, slots)
    within, oversized = classify(populations[used], units[used], grid_ideal[used])
    return CityBalance(int(used.sum()), int(within.sum()), int(oversized.sum()))


def classify(
    populations: FloatArray, units: IntArray, ideal: FloatArray
) -> tuple[BoolArray, BoolArray]:
    """(within tolerance, oversized single unit) for each grid."""
    oversized = (units == 1) & (populations > (1 + TOLERANCE) * ideal)
    within = np.abs(populations - ideal) <= TOLERANCE * ideal
    return within, oversized
