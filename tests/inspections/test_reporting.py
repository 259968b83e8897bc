"""Reporting a hazard: location, deadline, idempotent retries, suggestions, me-too."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

import pytest
from django.db import connection

from config.realtime.models import Event
from inspections.models import Hazard, HazardEvent
from tests.inspections.factories import HERE, CategoryFactory

pytestmark = pytest.mark.django_db


def body(city: Any, **extra: Any) -> dict[str, Any]:
    return {
        "category": city.category.code,
        "description": "楼道堆放杂物，堵塞消防通道",
        "lat": HERE[0],
        "lng": HERE[1],
        **extra,
    }


def test_resident_report_is_located_numbered_and_given_a_deadline(city, client_for) -> None:
    response = client_for(city.resident).post("/api/v1/hazards/", body(city), format="json")

    assert response.status_code == 201
    data = response.json()
    assert re.fullmatch(r"H-\d{4}-\d{6}", data["number"])
    assert data["grid"]["id"] == city.grid.pk
    assert data["community"]["id"] == city.community.pk
    assert data["status"] == "reported"
    assert data["source"] == "resident"
    assert data["risk_colour"] == "yellow"
    assert [e["to_status"] for e in data["timeline"]] == ["reported"]
    hazard = Hazard.objects.get()
    assert (hazard.due_at - hazard.created_at).total_seconds() == 168 * 3600


def test_report_is_announced_to_staff_and_worker_without_personal_data(city, client_for) -> None:
    client_for(city.resident).post("/api/v1/hazards/", body(city), format="json")

    event = Event.objects.get(type="hazard.reported")
    groups = set(event.audiences.values_list("group", flat=True))
    assert f"community.{city.community.pk}.staff" in groups
    assert f"grid.{city.grid.pk}.worker" in groups
    assert set(event.data) == {
        "id", "number", "status", "category", "grid", "community", "due_at", "version",
    }  # fmt: skip


def test_worker_report_is_a_patrol_and_may_set_the_risk(city, client_for) -> None:
    response = client_for(city.worker).post(
        "/api/v1/hazards/", body(city, risk_colour="red", is_major=True), format="json"
    )

    data = response.json()
    assert (data["source"], data["risk_colour"], data["is_major"]) == ("patrol", "red", True)


def test_unknown_category_is_refused_and_nothing_is_stored(city, client_for) -> None:
    response = client_for(city.resident).post(
        "/api/v1/hazards/", body(city, category="nope"), format="json"
    )

    assert response.status_code == 400
    assert "category" in response.json()["fields"]
    assert Hazard.objects.count() == HazardEvent.objects.count() == Event.objects.count() == 0


def test_location_outside_every_community_is_refused(city, client_for) -> None:
    response = client_for(city.resident).post(
        "/api/v1/hazards/", body(city, lat=10.0, lng=10.0), format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "outside_area"
    assert Hazard.objects.count() == 0


def test_required_attribute_must_be_given(city, client_for) -> None:
    CategoryFactory(
        code="gas",
        attributes=[
            {"code": "floor", "datatype": "number", "required": True, "description": "楼层"},
        ],
    )

    response = client_for(city.resident).post(
        "/api/v1/hazards/", body(city, category="gas"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"]["attributes"] == [
        "楼层: This attribute is required."
    ]  # by its label


def test_attribute_values_are_cleaned_and_kept(city, client_for) -> None:
    CategoryFactory(
        code="gas",
        attributes=[
            {"code": "floor", "datatype": "number", "required": True},
            {
                "code": "smell",
                "datatype": "singlevaluelist",
                "values": [{"key": "strong", "name": "浓"}, {"key": "faint", "name": "淡"}],
            },
        ],
    )

    response = client_for(city.resident).post(
        "/api/v1/hazards/",
        body(city, category="gas", attributes={"floor": "3", "smell": "strong"}),
        format="json",
    )

    assert response.json()["attribute_values"] == {"floor": 3.0, "smell": "strong"}


def test_retry_with_same_uuid_and_content_returns_the_first_record(city, client_for) -> None:
    client = client_for(city.resident)
    payload = body(city, client_uuid=str(uuid.uuid4()))
    first = client.post("/api/v1/hazards/", payload, format="json")

    second = client.post("/api/v1/hazards/", payload, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Hazard.objects.count() == 1


def test_same_uuid_with_different_content_is_a_conflict(city, client_for) -> None:
    client = client_for(city.resident)
    key = str(uuid.uuid4())
    client.post("/api/v1/hazards/", body(city, client_uuid=key), format="json")

    response = client.post(
        "/api/v1/hazards/", body(city, client_uuid=key, description="别的"), format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "client_uuid_reused"
    assert Hazard.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_retries_create_exactly_one_hazard(city, client_for) -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("shared-cache in-memory SQLite cannot run parallel writers")
    payload = body(city, client_uuid=str(uuid.uuid4()))
    clients = [client_for(city.resident) for _ in range(20)]
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def send(client: Any) -> None:
        barrier.wait()
        codes.append(client.post("/api/v1/hazards/", payload, format="json").status_code)
        connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(codes) == [200] * 19 + [201]
    assert Hazard.objects.count() == 1


def test_report_suggests_open_hazards_of_the_same_category_nearby(city, report, client_for) -> None:
    earlier = report()

    response = client_for(city.worker).post(
        "/api/v1/hazards/", body(city, lat=HERE[0] + 0.0005), format="json"
    )

    assert [s["number"] for s in response.json()["suggestions"]] == [earlier.number]
    assert Event.objects.filter(type="hazard.duplicate_suggested").count() == 1


def test_no_suggestion_beyond_100_metres(city, report, client_for) -> None:
    report()

    response = client_for(city.worker).post(
        "/api/v1/hazards/", body(city, lat=HERE[0] + 0.002), format="json"
    )

    assert response.json()["suggestions"] == []


def test_me_too_counts_each_resident_once(city, report, client_for) -> None:
    hazard = report(user=city.worker)
    neighbour = client_for(city.resident)

    neighbour.post(f"/api/v1/hazards/{hazard.pk}/me-too/")
    response = neighbour.post(f"/api/v1/hazards/{hazard.pk}/me-too/")

    assert response.status_code == 200
    assert response.json()["me_too_count"] == 1
    assert Hazard.objects.count() == 1
    assert HazardEvent.objects.filter(kind="me_too").count() == 1


def test_anonymous_report_through_the_service_has_no_reporter(city) -> None:
    from inspections.services import hazard_report

    result = hazard_report(
        user=None,
        category_code=city.category.code,
        description="匿名举报",
        lat=HERE[0],
        lng=HERE[1],
        source="open311",
    )

    assert (result.created, result.hazard.reporter, result.hazard.source) == (True, None, "open311")
