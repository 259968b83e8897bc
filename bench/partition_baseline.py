"""The baseline that bench/partition.py and the tests measure the algorithm against.

Sort each community's units by latitude and cut whenever the running sum reaches the ideal
size: the simplest partition that balances population, with no regard for shape.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from grids.partition.arrays import IntArray, sum_by
from grids.partition.quality import grid_counts
from grids.partition.validation import validated_city


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
    codes, lat_a, _, weight = validated_city(community, lat, lng, residents, target)
    grids = grid_counts(codes, weight, target=target)
    ideal = sum_by(codes, weight) / grids
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
