"""Stable relabelling: a new partition keeps the old grids' ids, and who moved is counted."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linear_sum_assignment

from grids.partition.arrays import IntArray
from grids.partition.validation import label_vector, residents_vector


def match_labels(old_labels: ArrayLike, new_labels: ArrayLike, residents: ArrayLike) -> IntArray:
    """Renumber a new partition of one community so grids keep their old ids where they can.

    Each new grid takes the id of the old grid it shares most residents with, as an optimal
    one-to-one matching (ties by shared units, so empty buildings still count). Old labels
    of -1 mark units that had no grid. New grids with no overlap get fresh ids above the
    old maximum, in the order of their new labels.
    """
    weight = residents_vector(residents)
    old = label_vector(old_labels, "old_labels", len(weight), lowest=-1)
    new = label_vector(new_labels, "new_labels", len(weight), lowest=0)
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
    weight = residents_vector(residents)
    old = label_vector(old_labels, "old_labels", len(weight), lowest=-1)
    new = label_vector(new_labels, "new_labels", len(weight), lowest=-1)
    return int(round(float(weight[(old >= 0) & (old != new)].sum())))
