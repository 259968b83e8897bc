"""Coverage figures on a hand-built city, and who may see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from grids.models import Grid
from grids.selectors.coverage import coverage_report
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    DistrictFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db


def _grid(community: Any, *populations: int) -> Grid:
    """A grid of one building per population figure."""
    grid = GridFactory(community=community, population=sum(populations))
    for residents in populations:
        BuildingFactory(community=community, grid=grid, residents=residents)
    return grid


@pytest.fixture
def city() -> dict[str, Any]:
    """Two districts. East: community A (grids 500, 520 covered; 300+150 = 450 uncovered;
    ideal 490). West: community B (one grid of 1200 in one building, covered; one of 400)."""
    east, west = DistrictFactory(code="E", name="东区"), DistrictFactory(code="W", name="西区")
    a = CommunityFactory(district=east, code="A", name="甲社区")
    b = CommunityFactory(district=west, code="B", name="乙社区")
    make_worker(_grid(a, 500))
    make_worker(_grid(a, 260, 260))
    _grid(a, 300, 150)
    make_worker(_grid(b, 1200))
    _grid(b, 200, 200)
    BuildingFactory(community=b, grid=None, residents=40)  # not yet in a grid
    return {"east": east, "west": west, "a": a, "b": b}


def test_city_totals_on_a_hand_built_example(city: dict[str, Any]) -> None:
    admin = UserFactory(is_superuser=True)

    totals = coverage_report(user=admin).totals

    assert totals.residents == 500 + 520 + 450 + 1200 + 400 + 40
    assert (totals.grids, totals.workers_on_duty, totals.uncovered_grids) == (5, 3, 2)
    assert totals.residents_per_worker == pytest.approx(3110 / 3, abs=0.1)
    # B's ideal is 800: the 1200 grid is one oversized building, the 400 grid is out of range.
    assert totals.grids_out_of_balance == 1
    assert totals.oversized_single_unit_grids == 1
    load = totals.worker_load
    assert (load.minimum, load.median, load.maximum) == (500, 520, 1200)


def test_city_breaks_down_by_district(city: dict[str, Any]) -> None:
    admin = UserFactory(is_superuser=True)

    rows = coverage_report(user=admin).breakdown

    assert [(r.code, r.residents, r.grids, r.workers_on_duty) for r in rows] == [
        ("E", 1470, 3, 2),
        ("W", 1640, 2, 1),
    ]


def test_district_breaks_down_by_community(city: dict[str, Any]) -> None:
    admin = UserFactory(is_superuser=True)

    report = coverage_report(user=admin, district_id=city["east"].pk)

    assert report.totals.kind == "district" and report.totals.name == "东区"
    assert [(r.code, r.uncovered_grids) for r in report.breakdown] == [("A", 1)]


def test_staff_see_only_the_communities_they_run(city: dict[str, Any]) -> None:
    staff = make_staff(city["a"])

    totals = coverage_report(user=staff).totals

    assert (totals.residents, totals.grids) == (1470, 3)


def test_residents_may_not_see_coverage(city: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        coverage_report(user=UserFactory())


def test_coverage_costs_the_same_queries_for_one_or_many_communities() -> None:
    _grid(CommunityFactory(), 500)

    def five_more() -> None:
        for _n in range(5):
            make_worker(_grid(CommunityFactory(), 480, 20))

    coverage_report(user=UserFactory(is_superuser=True))
    # A fresh administrator each time: an empty role cache, as on a new request.
    admins = iter(UserFactory.create_batch(2, is_superuser=True))
    assert_query_budget(lambda: coverage_report(user=next(admins)), grow=five_more, queries=5)


def test_dashboard_panel_shows_coverage(city: dict[str, Any], client: Client) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get("/admin/dashboard/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "1037" in response.content.decode()  # 3110 residents / 3 workers
