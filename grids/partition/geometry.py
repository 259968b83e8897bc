"""Geometry: projection to metres, convex hulls, compactness, the grids' boundary polygons,
and the worker-to-grid assignment by distance."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from grids.partition.arrays import BoolArray, FloatArray, IntArray, count_by, sum_by
from grids.partition.validation import point_array, validated_units

EARTH_RADIUS_M = 6_371_008.8

# A grid of one building (or of buildings on one line) has no area: draw a small square.
DEGENERATE_HALF_SIDE_DEG = 0.0001
# Seven decimals of a degree are about 1 cm: finer than any building's position.
BOUNDARY_DECIMALS = 7


def local_metres(lat: ArrayLike, lng: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Equirectangular x, y in metres around the points' mean: fine across a city."""
    lat_a, lng_a, _ = validated_units(lat, lng, np.zeros(np.size(lat)))
    return community_metres(np.zeros(len(lat_a), np.int64), lat_a, lng_a)


def convex_hull(points: ArrayLike) -> FloatArray:
    """Convex hull (monotone chain) of (n, 2) points, counter-clockwise, not closed.

    Collinear and repeated points are dropped, so fewer than 3 distinct points, or points on
    one line, give 0 to 2 rows; a GeoJSON ring repeats the first vertex itself.
    """
    xy = point_array(points, "points")
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    hull = _hull_of_sorted(xy[order].tolist())
    return np.array(hull, dtype=np.float64).reshape(-1, 2)


def _hull_of_sorted(ordered: list[list[float]]) -> list[list[float]]:
    """Monotone chain over points sorted by x, then y; repeated points are dropped."""
    distinct = [p for i, p in enumerate(ordered) if i == 0 or p != ordered[i - 1]]
    if len(distinct) < 3:
        return distinct
    lower = _half_hull(distinct)
    upper = _half_hull(distinct[::-1])
    return lower[:-1] + upper[:-1]


def _half_hull(points: list[list[float]]) -> list[list[float]]:
    chain: list[list[float]] = []
    for p in points:
        while len(chain) >= 2 and _turn(chain[-2], chain[-1], p) <= 0:
            chain.pop()
        chain.append(p)
    return chain


def _turn(o: list[float], a: list[float], b: list[float]) -> float:
    """Positive for a counter-clockwise turn o -> a -> b."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def polsby_popper(hull_xy: ArrayLike) -> float:
    """Compactness 4*pi*area / perimeter**2 of a polygon in metres: 1 for a circle.

    Returns NaN for a degenerate hull (fewer than 3 vertices: one unit or units on a line),
    which has no area to judge; averages exclude it (``np.nanmean``).
    """
    xy = point_array(hull_xy, "hull_xy")
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
    hull = point_array(hull_xy, "hull_xy")
    xy = point_array(points, "points")
    if len(hull) < 3:
        return np.zeros(len(xy), bool)
    edges = np.concatenate([hull[1:], hull[:1]]) - hull
    offsets = xy[:, None, :] - hull[None, :, :]
    turns = edges[None, :, 0] * offsets[:, :, 1] - edges[None, :, 1] * offsets[:, :, 0]
    extent = float(np.ptp(hull, axis=0).max())  # on-edge points, up to rounding, are not inside
    return np.asarray(np.all(turns > 1e-12 * extent * extent, axis=1))


def optimal_assignment(worker_xy: ArrayLike, grid_xy: ArrayLike) -> list[tuple[int, int]]:
    """(worker, grid) pairs minimising the total distance; min(workers, grids) pairs."""
    workers = point_array(worker_xy, "worker_xy")
    grids = point_array(grid_xy, "grid_xy")
    if not len(workers) or not len(grids):
        return []
    rows, columns = linear_sum_assignment(cdist(workers, grids))
    return [(int(w), int(g)) for w, g in zip(rows, columns, strict=True)]


def community_metres(
    community: IntArray, lat: FloatArray, lng: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Equirectangular metres around each community's mean point."""
    units = count_by(community)
    lat0 = (sum_by(community, lat) / units)[community]
    lng0 = (sum_by(community, lng) / units)[community]
    y = np.radians(lat - lat0) * EARTH_RADIUS_M
    x = np.radians(lng - lng0) * EARTH_RADIUS_M * np.cos(np.radians(lat0))
    return x, y


def boundary_polygon(lng: ArrayLike, lat: ArrayLike) -> dict[str, Any]:
    """GeoJSON polygon around a grid's buildings: their convex hull, or a small box when the
    hull has no area (one building, or buildings on one line). The one way grids get drawn."""
    single = np.zeros(np.size(lng), np.int64)
    return boundary_polygons(lng, lat, single)[0]


def boundary_polygons(lng: ArrayLike, lat: ArrayLike, group: ArrayLike) -> list[dict[str, Any]]:
    """``boundary_polygon`` of each group of points (groups 0..g-1, every one non-empty),
    sorting once for all: a city has 50,000 grids to draw."""
    points = point_array(np.column_stack([lng, lat]), "points")
    groups = np.asarray(group, dtype=np.int64)
    order = np.lexsort((points[:, 1], points[:, 0], groups))
    ordered = points[order].tolist()
    bounds = np.flatnonzero(np.r_[True, np.diff(groups[order]) != 0, True]).tolist()
    return [
        _polygon(ordered[start:end]) for start, end in zip(bounds[:-1], bounds[1:], strict=False)
    ]


def _polygon(ordered: list[list[float]]) -> dict[str, Any]:
    hull = _hull_of_sorted(ordered)
    if len(hull) < 3:
        xs, ys = [p[0] for p in ordered], [p[1] for p in ordered]
        low = (min(xs) - DEGENERATE_HALF_SIDE_DEG, min(ys) - DEGENERATE_HALF_SIDE_DEG)
        high = (max(xs) + DEGENERATE_HALF_SIDE_DEG, max(ys) + DEGENERATE_HALF_SIDE_DEG)
        hull = [list(low), [high[0], low[1]], list(high), [low[0], high[1]]]
    ring = [[round(x, BOUNDARY_DECIMALS), round(y, BOUNDARY_DECIMALS)] for x, y in hull]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
