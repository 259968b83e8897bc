"""Benchmark the grid partition against the issue's baseline on a synthetic city.

    python bench/partition.py [--size RESIDENTS] [--seed SEED] [--target 500] [--db]

The city is generated deterministically (numpy, seeded): about ``size`` residents in about
``size / 50`` units, in about ``size / 5000`` communities spread over a 60 x 60 km city
around Nanjing. Most units are low-rises of 6-60 residents; some communities (new estates)
hold many mid/high-rises of 100-400 and a few towers split into entrance units of 60-150,
so some communities are made of large units, which is what makes balancing hard.

Measured for the algorithm (``partition_city``) and the baseline (sort by latitude, cut at
the running sum) in the same run:
- time over all communities (generation excluded);
- the share of grids within +-10% of their community's ideal size (population / k);
- the mean Polsby-Popper compactness of the grids' convex hulls (hulls of fewer than 3
  distinct points, or of points on a line, have no area and are left out);
- the share of units lying strictly inside another grid's hull (0 for disjoint areas).
``--db`` adds the end-to-end time of the production path, ``communities_partition_apply``:
load the buildings from the database, partition, write grids and the buildings' grid, in a
throw-away SQLite database, and, when DATABASE_URL names a PostgreSQL database (its name
containing "bench" or "test"; created and dropped here), on PostgreSQL too, with the COPY
path production takes there; ``--pg-orm`` adds the ORM path on PostgreSQL for comparison.
Each database runs in a child process of its own, on the same generated city.

The last line printed is one JSON object with every figure (CONTRACT.md, "Benchmarks").
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from bench.partition_baseline import baseline_partition_city
from grids.partition import (
    city_balance,
    convex_hull,
    local_metres,
    partition_city,
    polsby_popper,
    strictly_inside,
)

CITY_CENTRE = (32.06, 118.79)  # Nanjing
CITY_SIDE_M = 60_000.0
METRES_PER_DEGREE = 111_320.0
RESIDENTS_PER_UNIT = 50
RESIDENTS_PER_COMMUNITY = 5000


@dataclass(frozen=True)
class City:
    community: NDArray[np.int64]
    lat: NDArray[np.float64]
    lng: NDArray[np.float64]
    residents: NDArray[np.int64]


@dataclass(frozen=True)
class Result:
    seconds: float
    grids: int
    within: float
    compactness: float
    overlap: float


def synthetic_city(size: int, seed: int) -> City:
    """A deterministic city of about ``size`` residents."""
    rng = np.random.default_rng(seed)
    communities = max(1, round(size / RESIDENTS_PER_COMMUNITY))
    weights = rng.gamma(4.0, 1.0, communities)  # community sizes vary about 2:1 either way
    units_wanted = max(communities, round(size / RESIDENTS_PER_UNIT))
    per_community = np.maximum(3, np.rint(weights / weights.sum() * units_wanted)).astype(int)
    community = np.repeat(np.arange(communities), per_community)
    x, y = _unit_positions(rng, community, per_community)
    residents = _unit_sizes(rng, community, communities)
    _split_towers_into_entrances(rng, community, x, y, residents)
    lat = CITY_CENTRE[0] + y / METRES_PER_DEGREE
    lng = CITY_CENTRE[1] + x / (METRES_PER_DEGREE * np.cos(np.radians(CITY_CENTRE[0])))
    return City(community.astype(np.int64), lat, lng, residents)


def _unit_positions(
    rng: np.random.Generator, community: NDArray[np.int64], per_community: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each community a rotated rectangle around a jittered lattice point of the city."""
    communities = len(per_community)
    side = int(np.ceil(np.sqrt(communities)))
    spacing = CITY_SIDE_M / side
    cell = rng.permutation(side * side)[:communities]
    centre_x = (cell % side + 0.5 + rng.uniform(-0.2, 0.2, communities)) * spacing
    centre_y = (cell // side + 0.5 + rng.uniform(-0.2, 0.2, communities)) * spacing
    half_w, half_h = spacing * rng.uniform(0.25, 0.45, (2, communities))
    angle = rng.uniform(0, np.pi, communities)
    u = rng.uniform(-1, 1, len(community)) * half_w[community]
    v = rng.uniform(-1, 1, len(community)) * half_h[community]
    cos, sin = np.cos(angle[community]), np.sin(angle[community])
    x = centre_x[community] + u * cos - v * sin - CITY_SIDE_M / 2
    y = centre_y[community] + u * sin + v * cos - CITY_SIDE_M / 2
    return x, y


def _unit_sizes(
    rng: np.random.Generator, community: NDArray[np.int64], communities: int
) -> NDArray[np.int64]:
    """Low-rises of 6-60; mid/high-rises of 100-400, concentrated in some communities."""
    high_rise_share = 0.4 * rng.beta(0.6, 3.0, communities)
    high_rise = rng.random(len(community)) < high_rise_share[community]
    low = rng.integers(6, 61, len(community))
    high = rng.integers(100, 401, len(community))
    return np.where(high_rise, high, low).astype(np.int64)


def _split_towers_into_entrances(
    rng: np.random.Generator,
    community: NDArray[np.int64],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    residents: NDArray[np.int64],
) -> None:
    """Turn about 1% of units into towers of 2-4 entrance units of 60-150, 15 m apart.

    A tower takes over the units that follow it in the same community (in place).
    """
    towers = np.flatnonzero(rng.random(len(community)) < 0.01)
    entrances = rng.integers(2, 5, len(towers))
    residents[towers] = rng.integers(60, 151, len(towers))
    for step in range(1, 4):
        unit = towers + step
        ok = (step < entrances) & (unit < len(community))
        ok[ok] &= community[unit[ok]] == community[towers[ok]]
        unit, tower = unit[ok], towers[ok]
        x[unit] = x[tower] + 15.0 * step
        y[unit] = y[tower]
        residents[unit] = rng.integers(60, 151, len(unit))


Partition = Callable[..., NDArray[np.int64]]


def measure(partition: Partition, city: City, target: int) -> Result:
    started = time.perf_counter()
    labels = partition(city.community, city.lat, city.lng, city.residents, target=target)
    seconds = time.perf_counter() - started
    balance = city_balance(city.community, labels, city.residents, target=target)
    compactness, overlap = grid_shapes(city, labels)
    return Result(seconds, balance.grids, balance.within_share, compactness, overlap)


def grid_shapes(city: City, labels: NDArray[np.int64]) -> tuple[float, float]:
    """Mean Polsby-Popper of the grids' convex hulls (degenerate hulls left out), and the
    share of units lying strictly inside the hull of another grid of their community."""
    x, y = local_metres(city.lat, city.lng)  # one projection: distortion ~0.3% over 60 km
    order = np.lexsort((labels, city.community))
    points = np.stack([x[order], y[order]], axis=1)
    scores: list[float] = []
    inside = 0
    for start, end in _runs(city.community[order]):
        community_points, community_labels = points[start:end], labels[order][start:end]
        for grid_start, grid_end in _runs(community_labels):
            hull = convex_hull(community_points[grid_start:grid_end])
            scores.append(polsby_popper(hull))
            others = np.r_[community_points[:grid_start], community_points[grid_end:]]
            inside += int(strictly_inside(hull, others).sum())
    scored = [score for score in scores if not math.isnan(score)]
    return (float(np.mean(scored)) if scored else math.nan), inside / len(labels)


def _runs(sorted_values: NDArray[np.int64]) -> list[tuple[int, int]]:
    """(start, end) of each run of equal values."""
    bounds = np.flatnonzero(np.r_[True, np.diff(sorted_values) != 0, True]).tolist()
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def load_buildings(city: City) -> list[Any]:
    """Store the city's communities and (not yet partitioned) buildings. Not timed."""
    from django.db import transaction

    from grids.models import Building, Community, District

    with transaction.atomic():
        district = District.objects.create(code="BENCH", name="基准区")
        codes = np.unique(city.community).tolist()
        communities = Community.objects.bulk_create(
            (Community(district=district, code=f"B{c:05d}", name=f"基准{c}社区") for c in codes),
            batch_size=5000,
        )
        community_ids = dict(zip(codes, (c.pk for c in communities), strict=True))
        Building.objects.bulk_create(
            (
                Building(
                    community_id=community_ids[int(city.community[i])],
                    name=f"{i}",
                    lat=float(city.lat[i]),
                    lng=float(city.lng[i]),
                    residents=int(city.residents[i]),
                )
                for i in range(len(city.community))
            ),
            batch_size=5000,
        )
    return communities


def write_only(city: City, target: int, path: str) -> float:
    """In this (child) process: a throw-away database from DATABASE_URL (SQLite when unset),
    the city loaded, and the timed ``communities_partition_apply``: load the buildings,
    partition every community, write grids (population, centre, boundary) and buildings'
    grid in one transaction. ``path`` "orm" forces the ORM writes."""
    from bench.common import throwaway_database

    with throwaway_database("partition.py"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("SAFEGRID_TESTING", "1")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        communities = load_buildings(city)
        from django.db import connections, transaction

        from grids.services import communities_partition_apply

        started = time.perf_counter()
        with transaction.atomic():
            communities_partition_apply(
                communities=communities,
                target_grid_size=target,
                bulk_write=False if path == "orm" else None,
            )
        seconds = time.perf_counter() - started
        connections.close_all()
    return seconds


def end_to_end(args: argparse.Namespace, database_url: str, path: str = "auto") -> float:
    """``write_only`` in a child process with ``database_url`` ("" for SQLite)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, __file__, "--size", str(args.size), "--seed", str(args.seed),
               "--target", str(args.target), "--write-only", path]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"bench/partition.py: the {path} write failed:\n{result.stderr[-2000:]}")
    return float(json.loads(result.stdout.strip().splitlines()[-1])["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=25_000_000, help="residents in the city")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", type=int, default=500, help="residents per grid")
    parser.add_argument("--db", action="store_true", help="also time the database write")
    parser.add_argument("--pg-orm", action="store_true", help="and the ORM path on PostgreSQL")
    parser.add_argument("--write-only", choices=["auto", "orm"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size < 1 or args.target < 1:
        parser.error("--size and --target must be positive")
    city = synthetic_city(args.size, args.seed)
    if args.write_only:
        print(json.dumps({"seconds": write_only(city, args.target, args.write_only)}))
        return 0
    algorithm = measure(partition_city, city, args.target)
    baseline = measure(baseline_partition_city, city, args.target)
    writes = _database_writes(args)
    figures = _figures(city, args, algorithm, baseline, writes)
    _print_table(figures, algorithm, baseline)
    print(json.dumps(figures))
    return 0


def _database_writes(args: argparse.Namespace) -> dict[str, float | None]:
    """End-to-end seconds on SQLite and, when DATABASE_URL is PostgreSQL, on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    on_postgres = args.db and url.startswith(("postgres://", "postgresql://"))
    return {
        "end_to_end_s": end_to_end(args, "") if args.db else None,
        "end_to_end_pg_s": end_to_end(args, url) if on_postgres else None,
        "end_to_end_pg_orm_s": end_to_end(args, url, "orm") if on_postgres and args.pg_orm
        else None,
    }  # fmt: skip


def _figures(
    city: City,
    args: argparse.Namespace,
    algorithm: Result,
    baseline: Result,
    writes: dict[str, float | None],
) -> dict[str, object]:
    return {
        "residents": int(city.residents.sum()),
        "buildings": len(city.residents),
        "communities": int(city.community.max()) + 1,
        "target": args.target,
        "seed": args.seed,
        "grids": algorithm.grids,
        "algorithm_s": _rounded(algorithm.seconds, 3),
        **{name: _rounded(seconds, 3) for name, seconds in writes.items()},
        "within_10pct": _rounded(algorithm.within, 4),
        "compactness": _rounded(algorithm.compactness, 4),
        "units_inside_other_grid": _rounded(algorithm.overlap, 4),
        "baseline_grids": baseline.grids,
        "baseline_s": _rounded(baseline.seconds, 3),
        "baseline_within_10pct": _rounded(baseline.within, 4),
        "baseline_compactness": _rounded(baseline.compactness, 4),
        "baseline_units_inside_other_grid": _rounded(baseline.overlap, 4),
        "within_10pct_ratio": _ratio(algorithm.within, baseline.within),
        "compactness_ratio": _ratio(algorithm.compactness, baseline.compactness),
    }


def _rounded(value: float | None, digits: int) -> float | None:
    """JSON has no NaN: a figure that cannot be measured is null."""
    return None if value is None or math.isnan(value) else round(value, digits)


def _ratio(ours: float, theirs: float) -> float | None:
    return _rounded(ours / theirs, 3) if theirs else None


def _print_table(figures: dict[str, object], algorithm: Result, baseline: Result) -> None:
    print(
        f"grid partition: {figures['residents']:,} residents, {figures['buildings']:,} units, "
        f"{figures['communities']:,} communities, target {figures['target']} (seed "
        f"{figures['seed']})"
    )
    rows = [
        ("", "algorithm", "baseline"),
        ("time, all communities (s)", f"{algorithm.seconds:.3f}", f"{baseline.seconds:.3f}"),
        ("grids", f"{algorithm.grids:,}", f"{baseline.grids:,}"),
        ("within +-10% of ideal", f"{algorithm.within:.2%}", f"{baseline.within:.2%}"),
        ("compactness (Polsby-Popper)", f"{algorithm.compactness:.3f}",
         f"{baseline.compactness:.3f}"),
        ("units inside another grid", f"{algorithm.overlap:.2%}", f"{baseline.overlap:.2%}"),
    ]  # fmt: skip
    for name, ours, theirs in rows:
        print(f"{name:28}{ours:>12}{theirs:>12}")
    for name, label in [("end_to_end_s", "SQLite"), ("end_to_end_pg_s", "PostgreSQL, COPY"),
                        ("end_to_end_pg_orm_s", "PostgreSQL, ORM")]:  # fmt: skip
        seconds = figures[name]
        shown = "not measured" if seconds is None else f"{seconds} s"
        print(f"{name} (end to end, {label}): {shown}")


if __name__ == "__main__":
    sys.exit(main())
