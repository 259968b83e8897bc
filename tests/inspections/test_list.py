"""The hazard list: who sees what, filters, ordering, and a flat query budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from grids.models import Role
from inspections.models import Hazard
from tests.factories import UserFactory
from tests.inspections.factories import HERE, CategoryFactory
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db


def numbers(client: Any, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/hazards/{query}")
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


def test_resident_sees_only_their_own_reports(city, report, client_for) -> None:
    mine = report()
    report(user=UserFactory())

    assert numbers(client_for(city.resident)) == [mine.number]


def test_worker_sees_their_grid_and_staff_their_community(city, report, client_for) -> None:
    hazard = report()

    assert numbers(client_for(city.worker)) == [hazard.number]
    assert numbers(client_for(city.staff)) == [hazard.number]
    assert numbers(client_for(city.other_staff)) == []


def test_administrator_sees_everything(city, report, client_for) -> None:
    hazard = report()
    admin = UserFactory(roles=[(Role.ADMINISTRATOR, None)])

    assert numbers(client_for(admin)) == [hazard.number]


def test_detail_of_an_unseen_hazard_is_404(city, report, client_for) -> None:
    hazard = report()

    assert client_for(UserFactory()).get(f"/api/v1/hazards/{hazard.pk}/").status_code == 404


def test_filter_by_status_and_category(city, report, client_for) -> None:
    kept = report()
    report(category_code=CategoryFactory(code="gas").code)
    Hazard.objects.exclude(pk=kept.pk).update(status="rejected", reject_reason="x")
    staff = client_for(city.staff)

    assert numbers(staff, "?status=reported") == [kept.number]
    assert numbers(staff, f"?category={city.category.code}") == [kept.number]


def test_filter_overdue(city, report, client_for) -> None:
    late, _on_time = report(), report()
    Hazard.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))

    assert numbers(client_for(city.staff), "?overdue=true") == [late.number]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("1", "late"), ("true", "late"), ("YES", "late"), ("0", "on_time"), ("false", "on_time"),
     ("no", "on_time")],
)  # fmt: skip
def test_overdue_understands_every_common_yes_and_no(
    city, report, client_for, word: str, expected: str
) -> None:
    hazards = {"late": report(), "on_time": report()}
    late = hazards["late"]
    Hazard.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))

    assert numbers(client_for(city.staff), f"?overdue={word}") == [hazards[expected].number]


def test_is_major_understands_1(city, report, client_for) -> None:
    major, _minor = report(is_major=True), report(is_major=False)

    assert numbers(client_for(city.staff), "?is_major=1") == [major.number]


@pytest.mark.parametrize(
    ("url", "name"),
    [("/api/v1/hazards/", "overdue"), ("/api/v1/hazards/", "is_major"),
     ("/api/v1/grids/", "is_active"), ("/api/v1/enterprises/", "is_blacklisted")],
)  # fmt: skip
def test_a_yes_no_filter_refuses_a_value_it_does_not_understand(
    city, client_for, url: str, name: str
) -> None:
    response = client_for(city.staff).get(url, {name: "sometimes"})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Some fields are not valid. Correct them and send again.",
        "fields": {name: ["Send true or false (1 or 0, yes or no also work)."]},
    }


def test_yes_no_filters_are_booleans_in_the_schema(api_client) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    declared = {
        (path, parameter["name"]): parameter["schema"]["type"]
        for path, operations in schema["paths"].items()
        for parameter in operations.get("get", {}).get("parameters", [])
        if parameter["name"] in {"overdue", "is_major", "is_active", "is_blacklisted"}
    }

    assert set(declared) >= {
        ("/api/v1/hazards/", "overdue"),
        ("/api/v1/hazards/", "is_major"),
        ("/api/v1/grids/", "is_active"),
        ("/api/v1/enterprises/", "is_blacklisted"),
    }
    assert set(declared.values()) == {"boolean"}


def test_filter_near_a_point(city, report, client_for) -> None:
    near = report()
    report(lat=HERE[0] + 0.003)  # about 330 m north, same building

    query = f"?near_lat={HERE[0]}&near_lng={HERE[1]}&radius_m=100"

    assert numbers(client_for(city.staff), query) == [near.number]


def test_filter_by_grid_community_district(city, report, client_for) -> None:
    hazard = report()
    staff = client_for(city.staff)
    district = city.community.district_id

    assert numbers(staff, f"?grid={city.grid.pk}") == [hazard.number]
    assert numbers(staff, f"?community={city.community.pk}") == [hazard.number]
    assert numbers(staff, f"?district={district}") == [hazard.number]
    assert numbers(staff, f"?grid={city.other_grid.pk}") == []


def test_bad_filter_is_a_400(city, client_for) -> None:
    response = client_for(city.staff).get("/api/v1/hazards/?near_lat=32.0")

    assert response.status_code == 400
    assert "near_lat" in response.json()["fields"]


def test_ordering_by_deadline(city, report, client_for) -> None:
    first, second = report(), report()
    Hazard.objects.filter(pk=second.pk).update(due_at=timezone.now())

    assert numbers(client_for(city.staff), "?ordering=due_at") == [second.number, first.number]
    assert numbers(client_for(city.staff)) == [second.number, first.number]


def test_pages_follow_the_cursor(city, report, client_for) -> None:
    for _ in range(3):
        report()
    client = client_for(city.staff)

    page = client.get("/api/v1/hazards/?page_size=2").json()
    rest = client.get(page["next"]).json()

    assert len(page["results"]) == 2 and len(rest["results"]) == 1
    assert rest["next"] is None


# Authentication, the caller's roles and scopes, then one query for the page of hazards.
LIST_QUERIES = 5


def test_query_count_is_the_same_for_1_and_50_rows(city, report, client_for) -> None:
    staff = client_for(city.staff)
    first = report()
    Hazard.objects.filter(pk=first.pk).update(assignee=city.worker)

    def more() -> None:
        for _ in range(49):
            report()
        Hazard.objects.update(assignee=city.worker)

    assert_query_budget(lambda: staff.get("/api/v1/hazards/"), grow=more, queries=LIST_QUERIES)
    assert len(staff.get("/api/v1/hazards/").json()["results"]) == 50


def test_list_row_matches_the_declared_fields(city, report, client_for) -> None:
    from rest_framework import serializers

    from inspections.api.serializers import HazardSummarySerializer
    from inspections.selectors import hazard_list

    hazard = report()
    Hazard.objects.filter(pk=hazard.pk).update(assignee=city.worker)
    staff = client_for(city.staff)

    row = staff.get("/api/v1/hazards/").json()["results"][0]

    serializer = HazardSummarySerializer(context={"now": timezone.now()})
    listed = hazard_list(user=city.staff).get(pk=hazard.pk)
    declared = serializers.Serializer.to_representation(serializer, listed)
    assert row == {**declared, "is_overdue": row["is_overdue"]}
    assert row["assignee"] == {"id": city.worker.pk, "name": city.worker.display_name}


def test_status_filter_does_not_make_the_query_distinct(city, report) -> None:
    from django.http import QueryDict

    from inspections.selectors import hazard_list

    queryset = hazard_list(user=city.staff, filters=QueryDict("status=reported&status=assigned"))

    # DISTINCT would make the database sort every matching row before the first page.
    assert queryset.query.distinct is False
