"""Dashboard figures against a small city computed by hand, and the dashboard's scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.test import Client, RequestFactory
from django.utils import timezone

from config.dashboard import Figure, Table, dashboard_filters, week_of, week_start
from config.db import HoursBetween, Median, grouped_with_total
from grids.dashboard import coverage_blocks
from grids.models import Role
from grids.services import role_grant
from inspections.dashboard import closed_loop_blocks, worker_blocks
from inspections.models import Hazard
from points.dashboard import points_blocks
from points.services import reward_redeem
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    DistrictFactory,
    GridFactory,
    UserFactory,
    make_worker,
)
from tests.points.factories import RewardFactory, give_points, make_resident
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db

# The whole page, every panel: one statement fewer on PostgreSQL (the points' ROLLUP).
DASHBOARD_QUERIES = {"postgresql": 31, "sqlite": 32}


def change(hazard: Hazard, **fields: Any) -> Hazard:
    """Set fields and save, as a service would: the daily figures follow the save."""
    for name, value in fields.items():
        setattr(hazard, name, value)
    hazard.save()
    return hazard


def filters_for(user: Any, **query: Any) -> Any:
    request = RequestFactory().get("/admin/dashboard/", query)
    request.user = user
    return dashboard_filters(request)[1]


def figures(blocks: list[Any]) -> dict[str, Any]:
    return {str(b.label): b for b in blocks if isinstance(b, Figure)}


@pytest.fixture
def hazards(city, report) -> dict[str, Hazard]:
    """Five hazards of the last days in community A (worked out below), one older, one in B.

    h1 closed on time (assigned after 2 h, closed after 10 h, due after 24 h), by patrol
    h2 closed late (assigned after 4 h, closed after 30 h), by patrol
    h3 rejected, by patrol
    h4 assigned after 6 h, overdue and escalated, reported by a resident
    h5 just reported, due in five days, reported by a resident
    """
    t0 = timezone.now() - timedelta(days=3)
    hour = timedelta(hours=1)
    rows = {
        "h1": dict(status="closed", source="patrol", assigned_at=t0 + 2 * hour,
                   closed_at=t0 + 10 * hour, due_at=t0 + 24 * hour, assignee=city.worker),
        "h2": dict(status="closed", source="patrol", assigned_at=t0 + 4 * hour,
                   closed_at=t0 + 30 * hour, due_at=t0 + 24 * hour, assignee=city.worker),
        "h3": dict(status="rejected", source="patrol", reject_reason="不是隐患",
                   due_at=t0 + 24 * hour),
        "h4": dict(status="assigned", source="resident", assigned_at=t0 + 6 * hour,
                   due_at=t0 + 24 * hour, escalation_level=1, escalated_at=t0 + 25 * hour,
                   assignee=city.worker),
        "h5": dict(status="reported", source="resident", due_at=timezone.now() + 5 * 24 * hour),
    }  # fmt: skip
    made = {}
    for name, fields in rows.items():
        hazard = report(user=UserFactory())
        change(hazard, created_at=t0, **fields)
        made[name] = hazard
    old = report(user=UserFactory())
    change(old, created_at=t0 - timedelta(days=120))
    return made


def test_closed_loop_figures_match_the_hand_computation(city, hazards) -> None:
    shown = figures(closed_loop_blocks(filters_for(city.staff)))

    assert shown["Closure rate"].value == "50.0%"  # 2 closed of 4 that needed work
    assert shown["Closure rate"].meets is False
    assert shown["Closed on time"].value == "50.0%"  # h1 of h1, h2
    assert shown["Median time to assignment"].value == "4.0 h"  # 2, 4, 6
    assert shown["Median time to closure"].value == "20.0 h"  # 10, 30
    assert shown["Overdue now"].value == "1"  # h4
    assert shown["Escalated and open"].value == "1"  # h4


def test_worker_figures_match_the_hand_computation(city, hazards) -> None:
    blocks = worker_blocks(filters_for(city.staff))
    shown = figures(blocks)
    table = next(b for b in blocks if isinstance(b, Table))

    assert shown["Workers' valid-report rate"].value == "66.7%"  # h1, h2 of h1-h3
    assert shown["Workers' on-time rectification"].value == "50.0%"
    assert shown["Missed-hazard rate"].value == "40.0%"  # h4, h5 of five in the grid
    assert table.rows == [[city.worker.display_name, city.grid.name, 5, "66.7%", "50.0%", "40.0%"]]


def test_weekly_trends_put_each_week_in_its_place(city, hazards) -> None:
    filters = filters_for(city.staff)
    closure = figures(closed_loop_blocks(filters))["Closure rate"].trend
    created = timezone.localtime(Hazard.objects.get(pk=hazards["h1"].pk).created_at)
    week_of_t0 = filters.weeks.index(week_start(created.date()))

    assert len(closure.values) == len(filters.weeks) == 12
    assert closure.values[week_of_t0] == 0.5
    assert [v for i, v in enumerate(closure.values) if i != week_of_t0] == [None] * 11
    assert "<polyline" in str(closure.svg("x")) or "<circle" in str(closure.svg("x"))


def test_every_figure_has_a_target_and_a_link(city, hazards) -> None:
    blocks = closed_loop_blocks(filters_for(city.staff)) + worker_blocks(filters_for(city.staff))

    for figure in (b for b in blocks if isinstance(b, Figure)):
        assert figure.target and figure.link and figure.trend, figure.label


def test_the_closure_link_opens_the_same_rows(city, hazards) -> None:
    link = figures(closed_loop_blocks(filters_for(city.staff)))["Closure rate"].link
    client = Client()
    client.force_login(city.staff)

    html = client.get(link).content.decode()

    assert all(h.number in html for h in hazards.values())
    old = Hazard.objects.get(created_at__lt=timezone.now() - timedelta(days=100))
    assert old.number not in html


def test_date_range_narrows_the_figures(city, hazards) -> None:
    today = timezone.localdate()
    early = filters_for(
        city.staff,
        date_from=(today - timedelta(days=30)).isoformat(),
        date_to=(today - timedelta(days=10)).isoformat(),
    )

    assert figures(closed_loop_blocks(early))["Closure rate"].value == "—"


def test_staff_of_another_community_see_none_of_its_figures(city, hazards) -> None:
    as_other = filters_for(city.other_staff)
    asking_for_a = filters_for(city.other_staff, community=city.community.pk)

    assert figures(closed_loop_blocks(as_other))["Closure rate"].value == "—"
    assert figures(closed_loop_blocks(asking_for_a))["Closure rate"].value == "—"
    assert figures(worker_blocks(asking_for_a))["Missed-hazard rate"].value == "—"


def test_district_filter_and_the_page(city, hazards, chinese_default) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/dashboard/", {"district": city.community.district_id})

    html = page.content.decode()
    assert page.status_code == 200
    assert "50.0%" in html and "<svg" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_coverage_figures(city) -> None:
    BuildingFactory(community=city.community, grid=city.grid, residents=650)
    GridFactory(community=city.community)  # no worker

    shown = figures(coverage_blocks(filters_for(city.staff)))

    # The city fixture's building has 50 residents: 700 residents, one worker on duty.
    assert shown["Residents per grid worker"].value == "700"
    assert shown["Residents per grid worker"].meets is False
    assert shown["Grids without a worker"].value == "1"


def test_points_figures_are_only_the_readers_residents(city) -> None:
    resident = make_resident(city.community, points=150)
    reward_redeem(user=resident, reward=RewardFactory(cost=100), idempotency_key="k1")
    give_points(make_resident(city.other_grid.community), 999)
    mine = figures(points_blocks(filters_for(city.staff)))

    assert mine["Points issued"].value == "150"
    assert mine["Points redeemed"].value == "100"


def test_a_district_manager_reads_their_districts_figures_and_rows(city, hazards) -> None:
    manager = UserFactory(is_staff=True)
    role_grant(user=manager, role=Role.DISTRICT_MANAGER, district=city.community.district)
    outsider = UserFactory(is_staff=True)
    role_grant(user=outsider, role=Role.DISTRICT_MANAGER, district=DistrictFactory())
    client = Client()
    client.force_login(manager)

    mine = figures(closed_loop_blocks(filters_for(manager)))
    theirs = figures(closed_loop_blocks(filters_for(outsider)))
    listing = client.get(mine["Closure rate"].link)

    assert mine["Closure rate"].value == "50.0%" and theirs["Closure rate"].value == "—"
    assert listing.status_code == 200
    assert hazards["h1"].number in listing.content.decode()


def test_one_pass_gives_each_week_and_their_total_as_two_queries_do(city, hazards, report):
    """``grouped_with_total`` (ROLLUP on PostgreSQL) against a grouped query and an aggregate."""
    week_ago = report(user=UserFactory())
    Hazard.objects.filter(pk=week_ago.pk).update(
        created_at=timezone.now() - timedelta(days=8), assigned_at=timezone.now()
    )
    rows = Hazard.objects.filter(created_at__gte=timezone.now() - timedelta(days=30))
    aggregates = {
        "reported": Count("pk"),
        "closed": Count("pk", filter=Q(status="closed")),
        "to_assignment": Median(HoursBetween("created_at", "assigned_at")),
    }

    weeks, total = grouped_with_total(
        rows, group="week", by=TruncWeek("created_at"), aggregates=aggregates
    )

    separately = rows.annotate(week=TruncWeek("created_at")).values("week").annotate(**aggregates)
    assert sorted((week_of(r["week"]), r["reported"], r["closed"], r["to_assignment"])
                  for r in weeks) == sorted(
        (week_of(r["week"]), r["reported"], r["closed"], r["to_assignment"]) for r in separately
    )  # fmt: skip
    assert total == rows.aggregate(**aggregates)
    assert total["reported"] == 6 and len(weeks) == 2


def test_one_pass_over_no_places_is_empty(city, hazards) -> None:
    rows = Hazard.objects.filter(community_id__in=[])

    weeks, total = grouped_with_total(
        rows, group="week", by=TruncWeek("created_at"), aggregates={"reported": Count("pk")}
    )

    assert (weeks, total) == ([], {"reported": 0})


def test_the_dashboard_costs_the_same_queries_for_a_bigger_city(city, hazards, report) -> None:
    """The page's query count does not grow with hazards, places, workers or weeks of data."""
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    def grow() -> None:
        for community in (CommunityFactory(), CommunityFactory()):
            grid = GridFactory(community=community)
            BuildingFactory(community=community, grid=grid, residents=300)
            make_worker(grid)
        for days in (1, 9, 20, 40):
            hazard = report(user=UserFactory())
            change(hazard, created_at=timezone.now() - timedelta(days=days))
        give_points(make_resident(city.community), 40)

    def read() -> None:
        assert client.get("/admin/dashboard/").status_code == 200

    assert_query_budget(read, grow=grow, queries=DASHBOARD_QUERIES[connection.vendor])


def test_overdue_at_each_weeks_end_counts_late_closures_only_while_they_were_late(
    city, report
) -> None:
    """Closed late: overdue from its deadline to its closing; closed on time: never."""
    now = timezone.now()
    day = timedelta(days=1)
    shapes = {
        "late": dict(status="closed", created_at=now - 30 * day, due_at=now - 29 * day,
                     closed_at=now - 2 * day),
        "on_time": dict(status="closed", created_at=now - 30 * day, due_at=now - 5 * day,
                        closed_at=now - 10 * day),
        "escalated_then_closed": dict(status="closed", created_at=now - 12 * day,
                                      due_at=now - 11 * day, closed_at=now - 11 * day,
                                      escalated_at=now - 11 * day, escalation_level=1),
    }  # fmt: skip
    for fields in shapes.values():
        hazard = report(user=UserFactory())
        change(hazard, **fields)
    filters = filters_for(city.staff)
    shown = figures(closed_loop_blocks(filters))
    late, escalated = shapes["late"], shapes["escalated_then_closed"]
    starts = [filters.start, *filters.week_ends()[:-1]]

    assert shown["Overdue now"].trend.values == [
        int(late["due_at"] < end < late["closed_at"]) for end in filters.week_ends()
    ]
    assert shown["Escalated and open"].trend.values == [
        int(start <= escalated["escalated_at"] < end)
        for start, end in zip(starts, filters.week_ends(), strict=True)
    ]
    assert sum(shown["Overdue now"].trend.values) >= 3  # the late one spans several weeks
