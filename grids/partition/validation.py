"""Input checks: every public function turns plain lists into checked arrays here, and bad
input becomes a ``ValueError`` with a message a person can act on."""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

from grids.partition.arrays import FloatArray, IntArray


def validated_city(
    community: ArrayLike, lat: ArrayLike, lng: ArrayLike, residents: ArrayLike, target: object
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    lat_a, lng_a, weight = validated_units(lat, lng, residents)
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise ValueError(f"target must be a positive number of residents, got {target!r}")
    if not math.isfinite(float(target)) or float(target) <= 0:
        raise ValueError(f"target must be a positive number of residents, got {target!r}")
    return community_codes(community, len(weight)), lat_a, lng_a, weight


def validated_units(
    lat: ArrayLike, lng: ArrayLike, residents: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    lat_a, lng_a = _number_vector(lat, "lat"), _number_vector(lng, "lng")
    weight = residents_vector(residents)
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


def residents_vector(residents: ArrayLike) -> FloatArray:
    weight = _number_vector(residents, "residents")
    if not np.all(np.isfinite(weight)) or np.any(weight < 0) or np.any(weight % 1 != 0):
        raise ValueError("residents must be whole numbers, zero or more")
    return weight


def label_vector(labels: ArrayLike, name: str, units: int, *, lowest: int) -> IntArray:
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) != units:
        raise ValueError(f"{name} must have one label per unit ({units})")
    if len(array) and (not np.issubdtype(array.dtype, np.integer) or array.min() < lowest):
        raise ValueError(f"{name} must be whole numbers, {lowest} or more")
    return array.astype(np.int64)


def community_codes(community: ArrayLike, units: int) -> IntArray:
    """Community ids as 0..C-1 (sorted order of the ids)."""
    array = np.asarray(community)
    if array.ndim != 1 or len(array) != units:
        raise ValueError(f"community must have one id per unit ({units})")
    if len(array) and not np.issubdtype(array.dtype, np.integer):
        raise ValueError("community ids must be whole numbers")
    return np.unique(array, return_inverse=True)[1].astype(np.int64)


def point_array(points: ArrayLike, name: str) -> FloatArray:
    try:
        xy = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be (n, 2) numbers") from error
    xy = xy.reshape(0, 2) if xy.size == 0 else xy
    if xy.ndim != 2 or xy.shape[1] != 2 or not np.all(np.isfinite(xy)):
        raise ValueError(f"{name} must be (n, 2) finite numbers, got shape {xy.shape}")
    return xy
