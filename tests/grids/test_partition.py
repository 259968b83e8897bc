"""The partition algorithm and its helpers: pure numpy, no database."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.partition_baseline import baseline_partition
from grids.partition import (
    boundary_polygon,
    city_balance,
    convex_hull,
    grid_balance,
    local_metres,
    match_labels,
    optimal_assignment,
    partition_city,
    partition_community,
    polsby_popper,
    residents_moved,
    strictly_inside,
)

NANJING = (32.06, 118.79)


def community_units(seed: int, units: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A compact community of about 800 x 800 m: low-rises of 6-60, some high-rises of 100-400."""
    rng = np.random.default_rng(seed)
    lat = NANJING[0] + rng.uniform(0, 0.0072, units)
    lng = NANJING[1] + rng.uniform(0, 0.0085, units)
    high_rise = rng.random(units) < 0.1
    residents = np.where(high_rise, rng.integers(100, 401, units), rng.integers(6, 61, units))
    return lat, lng, residents


def city_units(communities: int) -> tuple[np.ndarray, ...]:
    parts = [community_units(seed) for seed in range(communities)]
    community = np.repeat(np.arange(communities), [len(p[0]) for p in parts])
    lat, lng, residents = (np.concatenate([p[i] for p in parts]) for i in range(3))
    return community, lat + community * 0.01, lng, residents


def hulls_of(labels: np.ndarray, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    return [convex_hull(np.c_[x[labels == g], y[labels == g]]) for g in range(labels.max() + 1)]


# --- partition -----------------------------------------------------------------------------


def test_grid_count_is_population_over_target_rounded() -> None:
    lat, lng, residents = community_units(seed=1)

    labels = partition_community(lat, lng, residents, target=500)

    assert labels.max() + 1 == round(residents.sum() / 500)


def test_every_unit_gets_a_label_and_every_grid_has_units() -> None:
    lat, lng, residents = community_units(seed=2)

    labels = partition_community(lat, lng, residents, target=500)

    k = round(residents.sum() / 500)
    assert labels.shape == residents.shape
    assert sorted(set(labels.tolist())) == list(range(k))


def test_same_input_gives_the_same_labels() -> None:
    lat, lng, residents = community_units(seed=3)

    first = partition_community(lat, lng, residents)
    second = partition_community(lat.copy(), lng.copy(), residents.copy())

    assert np.array_equal(first, second)


def test_small_community_is_one_grid() -> None:
    labels = partition_community([32.06, 32.061], [118.79, 118.791], [120, 80], target=500)

    assert labels.tolist() == [0, 0]


def test_at_least_98_percent_of_grids_are_within_ten_percent() -> None:
    community, lat, lng, residents = city_units(communities=30)

    labels = partition_city(community, lat, lng, residents, target=500)

    balance = city_balance(community, labels, residents, target=500)
    assert balance.grids > 300
    assert balance.within_share >= 0.98


def test_partition_beats_the_latitude_baseline_on_balance_and_compactness() -> None:
    lat, lng, residents = community_units(seed=4, units=400)
    x, y = local_metres(lat, lng)

    ours = partition_community(lat, lng, residents)
    baseline = baseline_partition(lat, lng, residents)

    k = round(residents.sum() / 500)
    assert (
        grid_balance(ours, residents, k).within_tolerance
        > grid_balance(baseline, residents, k).within_tolerance
    )
    ours_pp = np.nanmean([polsby_popper(h) for h in hulls_of(ours, x, y)])
    baseline_pp = np.nanmean([polsby_popper(h) for h in hulls_of(baseline, x, y)])
    assert ours_pp > 0.5 > baseline_pp


def test_grids_are_contiguous_areas_that_barely_overlap() -> None:
    lat, lng, residents = community_units(seed=5, units=400)
    x, y = local_metres(lat, lng)

    labels = partition_community(lat, lng, residents)

    points = np.c_[x, y]
    intruders = 0
    for grid, hull in enumerate(hulls_of(labels, x, y)):
        intruders += int(strictly_inside(hull, points[labels != grid]).sum())
    assert intruders <= 0.05 * len(labels)


def test_oversized_building_forms_its_own_grid_and_is_reported() -> None:
    lat, lng, residents = community_units(seed=6)
    residents[17] = 1500

    labels = partition_community(lat, lng, residents)

    assert np.flatnonzero(labels == labels[17]).tolist() == [17]
    balance = grid_balance(labels, residents, labels.max() + 1)
    assert balance.oversized_single_unit == 1
    assert balance.populations[labels[17]] == 1500


def test_communities_are_partitioned_separately_with_their_own_labels() -> None:
    community, lat, lng, residents = city_units(communities=3)
    ids = np.array([70, 30, 50])[community]

    labels = partition_city(ids, lat, lng, residents)

    for index, community_id in enumerate([70, 30, 50]):
        alone = community == index
        expected = partition_community(lat[alone], lng[alone], residents[alone])
        assert np.array_equal(labels[ids == community_id], expected)


# --- baseline and balance ------------------------------------------------------------------


def test_baseline_cuts_the_latitude_order_at_the_running_sum() -> None:
    lat = np.array([32.004, 32.001, 32.003, 32.002])
    residents = np.array([250, 250, 250, 250])

    labels = baseline_partition(lat, np.full(4, 118.79), residents, target=500)

    assert labels.tolist() == [1, 0, 1, 0]


def test_grid_balance_reports_ideal_populations_and_counts() -> None:
    labels = np.array([0, 0, 1, 1, 2])
    residents = np.array([250, 240, 300, 300, 900])

    balance = grid_balance(labels, residents, 3)

    assert balance.ideal == pytest.approx(1990 / 3)
    assert balance.populations.tolist() == [490, 600, 900]
    assert balance.within_tolerance == 1
    assert balance.oversized_single_unit == 1
    assert balance.within_share == 0.5


# --- stable re-partition -------------------------------------------------------------------


def test_match_labels_keeps_identities_when_one_building_changes() -> None:
    lat, lng, residents = community_units(seed=7)
    old = partition_community(lat, lng, residents)
    renumbered = (old + 3) % (old.max() + 1)  # the same grids under other numbers
    residents[0] += 30

    matched = match_labels(old, renumbered, residents)

    assert np.array_equal(matched, old)
    assert residents_moved(old, matched, residents) == 0


def test_match_labels_matches_by_residents_and_gives_new_grids_fresh_ids() -> None:
    old = np.array([4, 4, 7, 7, -1, -1])
    new = np.array([0, 0, 1, 0, 2, 2])
    residents = np.array([100, 100, 10, 300, 50, 50])

    matched = match_labels(old, new, residents)

    # New 0 shares 200 residents with old 4 and 300 with old 7, new 1 shares 10 with old 7:
    # keeping most residents in place means 0 -> 7; new 1 shares nobody with old 4, and new
    # 2 only holds units that had no grid, so both get fresh ids above the old maximum.
    assert matched.tolist() == [7, 7, 8, 7, 9, 9]


def test_residents_moved_counts_residents_whose_grid_changed_not_newcomers() -> None:
    old = np.array([0, 0, 1, 1, -1])
    new = np.array([0, 1, 1, 0, 0])
    residents = np.array([10, 20, 30, 40, 50])

    assert residents_moved(old, new, residents) == 60


# --- geometry and assignment ---------------------------------------------------------------


def test_convex_hull_is_counter_clockwise_without_inner_or_repeated_points() -> None:
    points = np.array([[0, 0], [2, 0], [2, 2], [0, 2], [1, 1], [1, 0], [2, 2]])

    hull = convex_hull(points)

    assert hull.tolist() == [[0, 0], [2, 0], [2, 2], [0, 2]]


def test_boundary_polygon_is_the_closed_hull_rounded_to_seven_decimals() -> None:
    lng = [118.790000004, 118.8, 118.8, 118.79, 118.795]
    lat = [32.06, 32.06, 32.07, 32.07, 32.065]

    polygon = boundary_polygon(lng, lat)

    assert polygon == {
        "type": "Polygon",
        "coordinates": [[[118.79, 32.07], [118.79, 32.06], [118.8, 32.06], [118.8, 32.07],
                         [118.79, 32.07]]],
    }  # fmt: skip


def test_one_building_grid_is_drawn_as_a_small_box_not_left_without_a_boundary() -> None:
    polygon = boundary_polygon([118.79], [32.06])

    assert polygon["coordinates"] == [
        [[118.7899, 32.0599], [118.7901, 32.0599], [118.7901, 32.0601], [118.7899, 32.0601],
         [118.7899, 32.0599]]
    ]  # fmt: skip


def test_polsby_popper_of_a_square_and_of_degenerate_hulls() -> None:
    square = convex_hull(np.array([[0, 0], [3, 0], [3, 3], [0, 3]]))

    assert polsby_popper(square) == pytest.approx(math.pi / 4)
    assert math.isnan(polsby_popper(convex_hull(np.array([[0, 0], [1, 1], [2, 2]]))))
    assert math.isnan(polsby_popper(convex_hull(np.array([[5, 5]]))))


def test_strictly_inside_excludes_edges_corners_and_degenerate_hulls() -> None:
    square = convex_hull(np.array([[0, 0], [2, 0], [2, 2], [0, 2]]))
    points = np.array([[1, 1], [2, 1], [0, 0], [3, 1]])

    assert strictly_inside(square, points).tolist() == [True, False, False, False]
    assert strictly_inside(square[:2], points).tolist() == [False] * 4


def test_optimal_assignment_beats_nearest_first_greedy() -> None:
    workers = np.array([[0.0, 0.0], [2.0, 0.0]])
    grids = np.array([[1.0, 0.0], [-1.5, 0.0]])

    pairs = optimal_assignment(workers, grids)

    greedy_total = 1.0 + 3.5  # worker 0 takes the nearest grid 0, worker 1 gets grid 1
    total = sum(float(np.linalg.norm(workers[w] - grids[g])) for w, g in pairs)
    assert pairs == [(0, 1), (1, 0)]
    assert total == pytest.approx(2.5) and total < greedy_total


def test_optimal_assignment_with_more_workers_than_grids() -> None:
    workers = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 0.0]])
    grids = np.array([[9.0, 0.0], [1.0, 0.0]])

    assert sorted(optimal_assignment(workers, grids)) == [(0, 1), (1, 0)]


# --- bad input -----------------------------------------------------------------------------

GOOD = {"lat": [32.06, 32.07], "lng": [118.79, 118.8], "residents": [100, 200]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": [], "lng": [], "residents": []}, "no units"),
        ({"lat": [32.06]}, "one value per unit"),
        ({"lat": [32.06, math.nan]}, "lat must be finite"),
        ({"lat": [32.06, 91.0]}, "lat must be finite"),
        ({"lng": [118.79, 181.0]}, "lng must be finite"),
        ({"lng": [118.79, math.inf]}, "lng must be finite"),
        ({"residents": [100, -1]}, "residents must be whole numbers"),
        ({"residents": [100, math.nan]}, "residents must be whole numbers"),
        ({"residents": [100, 2.5]}, "residents must be whole numbers"),
        ({"lat": ["north", "south"]}, "lat must be a list of numbers"),
        ({"target": 0}, "target must be a positive number"),
        ({"target": -500}, "target must be a positive number"),
        ({"target": math.nan}, "target must be a positive number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(change: dict, message: str) -> None:
    arguments = {**GOOD, "target": 500, **change}

    with pytest.raises(ValueError, match=message):
        partition_community(
            arguments["lat"], arguments["lng"], arguments["residents"], target=arguments["target"]
        )


def test_partition_city_refuses_community_ids_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="one id per unit"):
        partition_city([1], GOOD["lat"], GOOD["lng"], GOOD["residents"])
    with pytest.raises(ValueError, match="whole numbers"):
        partition_city([1.5, 2.5], GOOD["lat"], GOOD["lng"], GOOD["residents"])


def test_match_labels_refuses_labels_of_another_length() -> None:
    with pytest.raises(ValueError, match="one label per unit"):
        match_labels([0, 0], [0], [10, 20])


def test_optimal_assignment_refuses_points_that_are_not_pairs() -> None:
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        optimal_assignment([[0.0, 1.0, 2.0]], [[0.0, 0.0]])
