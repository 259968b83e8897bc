"""Array types and per-group sums that every part of the partition shares."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def sum_by(group: IntArray, values: FloatArray, groups: int = 0) -> FloatArray:
    return np.bincount(group, weights=values, minlength=groups).astype(np.float64)


def count_by(group: IntArray, groups: int = 0) -> IntArray:
    return np.bincount(group, minlength=groups).astype(np.int64)


def rank_within_groups(sorted_groups: IntArray) -> IntArray:
    """0, 1, 2, ... restarting at each new value of an already sorted array."""
    positions = np.arange(len(sorted_groups))
    starts = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    group_start: IntArray = np.maximum.accumulate(np.where(starts, positions, 0))
    return positions - group_start
