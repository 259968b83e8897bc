"""Benchmark stable re-partition: who changes grid after a small change to a community.

    python bench/repartition.py [--communities 20] [--changes 3] [--seed SEED] [--seeds N]
                                [--target 500]

The communities are those of the partition benchmark's synthetic city (about 5,000
residents each, ``bench/partition.py``), partitioned from scratch. Each community then goes
through a series of ``--changes`` small changes, each touching about 1% of its residents:
re-counting 2-3 buildings (by 40-140% of their count), adding a building of 1% of the
residents next to an existing one, or removing one. After every change, both methods
re-partition the community from the state that method left:

- ``current``: the bisection from scratch, then ``match_labels`` keeps grid ids by overlap
  (the method before the local repair);
- ``repair``: ``repair_community``, the local repair (one grid split or dissolved when the
  community needs one grid more or fewer), with a partition from scratch only when that
  costs less than the best repair (how often is reported).

Figures per trial: residents moved (their grid changed, ``residents_moved``), the
residents directly changed (those of the touched buildings: the larger of the old and new
count of a re-counted building, all of an added or removed one), their ratio, and the share
of the community's grids within +-10% of its ideal size (population / grid count). A trial
in which the grid count changes moves at least a grid's residents to a new worker, so the
worst ratio is also given over the trials in which the count held. With ``--seeds N`` the
seeds from ``--seed`` on each print their own JSON line first; the last line then pools
all their trials and counts the seeds that meet each target on their own. The last line
printed is one JSON object (CONTRACT.md, "Benchmarks").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from bench.partition import RESIDENTS_PER_COMMUNITY, synthetic_city
from grids.partition import grid_balance, match_labels, partition_community, residents_moved
from grids.partition.repair import Method, repair_community

METRES_PER_DEGREE = 111_320.0
CHANGE_SHARE = 0.01


@dataclass
class Community:
    lat: NDArray[np.float64]
    lng: NDArray[np.float64]
    residents: NDArray[np.int64]


@dataclass(frozen=True)
class Change:
    """The community after the change, and each new unit's index before it (-1: new)."""

    after: Community
    previous_index: NDArray[np.int64]
    touched: int
    kind: str


@dataclass
class Trials:
    moved: list[int] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    population: list[int] = field(default_factory=list)
    count_changed: list[bool] = field(default_factory=list)
    within: int = 0
    judged: int = 0
    full: int = 0
    seconds: float = 0.0

    def ratios(self) -> NDArray[np.float64]:
        return np.array(self.moved) / np.maximum(np.array(self.touched), 1)

    def shares(self) -> NDArray[np.float64]:
        return np.array(self.moved) / np.array(self.population)


Method_ = Callable[[Community, NDArray[np.int64], int], tuple[NDArray[np.int64], bool]]


def current_method(
    community: Community, old: NDArray[np.int64], target: int
) -> tuple[NDArray[np.int64], bool]:
    raw = partition_community(community.lat, community.lng, community.residents, target=target)
    return match_labels(old, raw, community.residents), True


def repair_method(
    community: Community, old: NDArray[np.int64], target: int
) -> tuple[NDArray[np.int64], bool]:
    result = repair_community(community.lat, community.lng, community.residents, old, target=target)
    if result.methods[0] is Method.REPAIR:
        return result.labels, False
    return match_labels(old, result.labels, community.residents), True


def small_change(rng: np.random.Generator, community: Community) -> Change:
    """One change touching about 1% of the residents: re-count, add or remove buildings."""
    kind = ("recount", "add", "remove")[int(rng.integers(3))]
    population = int(community.residents.sum())
    budget = max(1, round(CHANGE_SHARE * population))
    index = np.arange(len(community.residents))
    if kind == "add":
        near = int(rng.integers(len(index)))
        offset = rng.uniform(-40, 40, 2) / METRES_PER_DEGREE
        after = Community(
            np.r_[community.lat, community.lat[near] + offset[0]],
            np.r_[community.lng, community.lng[near] + offset[1]],
            np.r_[community.residents, budget],
        )
        return Change(after, np.r_[index, -1], budget, kind)
    if kind == "remove":
        small = np.flatnonzero(community.residents <= 2 * budget)
        gone = int(rng.choice(small))
        keep = index != gone
        after = Community(community.lat[keep], community.lng[keep], community.residents[keep])
        return Change(after, index[keep], int(community.residents[gone]), kind)
    return _recount(rng, community, budget)


def _recount(rng: np.random.Generator, community: Community, budget: int) -> Change:
    """Re-count 2-3 buildings whose residents add up to about ``budget`` (1.5x at most)."""
    wanted = int(rng.integers(2, 4))
    chosen: list[int] = []
    total = 0
    for unit in rng.permutation(len(community.residents)).tolist():
        size = int(community.residents[unit])
        if total + size <= 1.5 * budget:
            chosen.append(unit)
            total += size
        if len(chosen) == wanted:
            break
    residents = community.residents.copy()
    factor = rng.uniform(0.4, 1.4, len(chosen))
    residents[chosen] = np.maximum(0, np.rint(residents[chosen] * factor)).astype(np.int64)
    touched = int(np.maximum(residents[chosen], community.residents[chosen]).sum())
    after = Community(community.lat, community.lng, residents)
    return Change(after, np.arange(len(residents)), touched, "recount")


def run_series(
    communities: list[Community], changes: int, seed: int, target: int
) -> dict[str, Trials]:
    methods: dict[str, Method_] = {"current": current_method, "repair": repair_method}
    trials = {name: Trials() for name in methods}
    for number, start in enumerate(communities):
        rng = np.random.default_rng([seed, number])
        initial = partition_community(start.lat, start.lng, start.residents, target=target)
        state = {name: initial for name in methods}
        community = start
        for _ in range(changes):
            change = small_change(rng, community)
            for name, method in methods.items():
                _one_trial(trials[name], method, change, state, name, target)
            community = change.after
    return trials


def _one_trial(
    trials: Trials,
    method: Method_,
    change: Change,
    state: dict[str, NDArray[np.int64]],
    name: str,
    target: int,
) -> None:
    before = state[name]
    known = change.previous_index >= 0
    old = np.where(known, before[np.maximum(change.previous_index, 0)], -1)
    started = time.perf_counter()
    labels, full = method(change.after, old, target)
    trials.seconds += time.perf_counter() - started
    residents = change.after.residents
    trials.moved.append(residents_moved(old, labels, residents))
    trials.touched.append(change.touched)
    trials.population.append(int(residents.sum()))
    trials.full += int(full)
    trials.count_changed.append(len(np.unique(labels)) != len(np.unique(old[known])))
    dense = np.unique(labels, return_inverse=True)[1]
    balance = grid_balance(dense, residents, int(dense.max()) + 1)
    trials.within += balance.within_tolerance
    trials.judged += balance.grids - balance.oversized_single_unit
    state[name] = labels


def communities_of(size: int, seed: int, count: int) -> list[Community]:
    city = synthetic_city(count * RESIDENTS_PER_COMMUNITY, seed)
    return [
        Community(city.lat[mask], city.lng[mask], city.residents[mask])
        for mask in (city.community == c for c in range(int(city.community.max()) + 1))
    ][:size]


def figures_of(
    trials: dict[str, Trials], args: argparse.Namespace, *, seed: int
) -> dict[str, object]:
    ours, theirs = trials["repair"], trials["current"]
    ratio, baseline_ratio = ours.ratios(), theirs.ratios()
    share, baseline_share = ours.shares(), theirs.shares()
    same_count = ratio[~np.array(ours.count_changed, bool)]
    return {
        "communities": args.communities,
        "trials": len(ours.moved),
        "seed": seed,
        "target": args.target,
        "touched_share_median": round(
            float(np.median(np.array(ours.touched) / np.array(ours.population))), 4
        ),
        "moved_share_median": round(float(np.median(share)), 4),
        "moved_share_p90": round(float(np.percentile(share, 90)), 4),
        "moved_share_max": round(float(share.max()), 4),
        "moved_ratio_median": round(float(np.median(ratio)), 3),
        "moved_ratio_p90": round(float(np.percentile(ratio, 90)), 3),
        "moved_ratio_max": round(float(ratio.max()), 3),
        "grid_count_changes": int(sum(ours.count_changed)),
        "moved_ratio_max_same_count": round(float(same_count.max(initial=0.0)), 3),
        "within_tolerance_share": round(ours.within / max(ours.judged, 1), 4),
        "full_repartitions": ours.full,
        "repair_s": round(ours.seconds, 3),
        "baseline_moved_share_median": round(float(np.median(baseline_share)), 4),
        "baseline_moved_share_p90": round(float(np.percentile(baseline_share, 90)), 4),
        "baseline_moved_share_max": round(float(baseline_share.max()), 4),
        "baseline_moved_ratio_median": round(float(np.median(baseline_ratio)), 3),
        "baseline_moved_ratio_max": round(float(baseline_ratio.max()), 3),
        "baseline_within_tolerance_share": round(theirs.within / max(theirs.judged, 1), 4),
        "baseline_s": round(theirs.seconds, 3),
        "moved_ratio_median_ratio": _ratio(
            float(np.median(ratio)), float(np.median(baseline_ratio))
        ),
    }


def _ratio(ours: float, theirs: float) -> float | None:
    return round(float(ours / theirs), 3) if theirs else None


def print_table(figures: dict[str, object]) -> None:
    print(
        f"stable re-partition: {figures['trials']} small changes over "
        f"{figures['communities']} communities (seed {figures['seed']}, target "
        f"{figures['target']}), a median of {figures['touched_share_median']:.2%} of a "
        "community's residents touched per change"
    )
    rows = [
        ("", "repair", "current"),
        ("moved share, median", "moved_share_median", "baseline_moved_share_median"),
        ("moved share, p90", "moved_share_p90", "baseline_moved_share_p90"),
        ("moved share, worst", "moved_share_max", "baseline_moved_share_max"),
        ("moved / touched, median", "moved_ratio_median", "baseline_moved_ratio_median"),
        ("moved / touched, worst", "moved_ratio_max", "baseline_moved_ratio_max"),
        ("grids within +-10%", "within_tolerance_share", "baseline_within_tolerance_share"),
        ("time, all trials (s)", "repair_s", "baseline_s"),
    ]
    print(f"{rows[0][0]:28}{rows[0][1]:>12}{rows[0][2]:>12}")
    for name, ours, theirs in rows[1:]:
        print(f"{name:28}{figures[ours]!s:>12}{figures[theirs]!s:>12}")
    print(
        f"partitions from scratch in the repair method: {figures['full_repartitions']}; "
        f"grid count changed in {figures['grid_count_changes']} trials (worst ratio where it "
        f"held: {figures['moved_ratio_max_same_count']})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--changes", type=int, default=3, help="changes per community")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeds", type=int, default=1, help="run this many seeds from --seed on, one line each"
    )
    parser.add_argument("--target", type=int, default=500, help="residents per grid")
    args = parser.parse_args(argv)
    if min(args.communities, args.changes, args.target, args.seeds) < 1:
        parser.error("--communities, --changes, --seeds and --target must be positive")
    per_seed = []
    for seed in range(args.seed, args.seed + args.seeds):
        communities = communities_of(args.communities, seed, args.communities)
        trials = run_series(communities, args.changes, seed, args.target)
        per_seed.append(trials)
        if args.seeds > 1:
            print(json.dumps(figures_of(trials, args, seed=seed)))
    figures = figures_of(_pooled(per_seed), args, seed=args.seed)
    if args.seeds > 1:
        figures |= _seeds_summary(per_seed, args)
    print_table(figures)
    print(json.dumps(figures))
    return 0


def _pooled(per_seed: list[dict[str, Trials]]) -> dict[str, Trials]:
    """The trials of every seed as one series per method."""
    pooled = {name: Trials() for name in per_seed[0]}
    for trials in per_seed:
        for name, one in trials.items():
            into = pooled[name]
            into.moved += one.moved
            into.touched += one.touched
            into.population += one.population
            into.count_changed += one.count_changed
            into.within += one.within
            into.judged += one.judged
            into.full += one.full
            into.seconds += one.seconds
    return pooled


def _seeds_summary(
    per_seed: list[dict[str, Trials]], args: argparse.Namespace
) -> dict[str, object]:
    """How many seeds meet each target on their own (each seed is a series of trials)."""
    repair = [trials["repair"] for trials in per_seed]
    same_count = [t.ratios()[~np.array(t.count_changed, bool)] for t in repair]
    return {
        "seeds": args.seeds,
        "seeds_ratio_median_at_most_2": sum(float(np.median(t.ratios())) <= 2 for t in repair),
        "seeds_ratio_max_at_most_5": sum(float(t.ratios().max()) <= 5 for t in repair),
        "seeds_ratio_max_at_most_5_same_count": sum(
            float(r.max(initial=0.0)) <= 5 for r in same_count
        ),
        "seeds_within_at_least_98": sum(t.within / max(t.judged, 1) >= 0.98 for t in repair),
        "seeds_with_full_repartitions": sum(t.full > 0 for t in repair),
    }


if __name__ == "__main__":
    sys.exit(main())
