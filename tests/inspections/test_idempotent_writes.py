"""Every write the field app queues offline may arrive twice: it takes effect once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from inspections.models import Hazard, HazardEvent

pytestmark = pytest.mark.django_db


def post(client: Any, hazard: Hazard, action: str, **data: Any) -> Any:
    return client.post(f"/api/v1/hazards/{hazard.pk}/{action}/", data, format="json")


def assigned(city: Any, report: Any, client_for: Any) -> Hazard:
    hazard = report()
    response = post(client_for(city.staff), hazard, "assign", version=1, assignee=city.worker.pk)
    assert response.status_code == 200, response.json()
    hazard.refresh_from_db()
    return hazard


def test_a_retried_start_answers_with_the_hazard_instead_of_a_stale_409(
    city, report, client_for
) -> None:
    hazard = assigned(city, report, client_for)
    worker, key = client_for(city.worker), str(uuid.uuid4())

    first = post(worker, hazard, "start", version=hazard.version, client_uuid=key)
    again = post(worker, hazard, "start", version=hazard.version, client_uuid=key)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["status"] == "rectifying"
    assert again.json()["version"] == first.json()["version"] == hazard.version + 1
    assert HazardEvent.objects.filter(hazard=hazard, to_status="rectifying").count() == 1


def test_a_start_without_client_uuid_is_still_guarded_by_its_version(
    city, report, client_for
) -> None:
    hazard = assigned(city, report, client_for)
    worker = client_for(city.worker)

    post(worker, hazard, "start", version=hazard.version)
    again = post(worker, hazard, "start", version=hazard.version)

    assert again.status_code == 409
    assert again.json()["current"]["status"] == "rectifying"


def test_the_same_uuid_for_another_step_is_a_conflict_that_changes_nothing(
    city, report, client_for
) -> None:
    hazard = assigned(city, report, client_for)
    worker, key = client_for(city.worker), str(uuid.uuid4())
    post(worker, hazard, "start", version=hazard.version, client_uuid=key)

    reused = post(worker, hazard, "start", version=hazard.version, note="别的", client_uuid=key)

    assert reused.status_code == 409
    assert reused.json()["code"] == "client_uuid_reused"
    assert reused.json()["current"]["status"] == "rectifying"
    hazard.refresh_from_db()
    assert hazard.version == 3


def test_a_retried_comment_is_added_once(city, report, client_for) -> None:
    hazard = report()
    resident, key = client_for(city.resident), str(uuid.uuid4())

    first = post(resident, hazard, "comments", note="还在漏", client_uuid=key)
    again = post(resident, hazard, "comments", note="还在漏", client_uuid=key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert HazardEvent.objects.filter(hazard=hazard, kind="comment").count() == 1


def test_a_comment_uuid_reused_for_other_words_is_refused(city, report, client_for) -> None:
    hazard = report()
    resident, key = client_for(city.resident), str(uuid.uuid4())
    post(resident, hazard, "comments", note="还在漏", client_uuid=key)

    reused = post(resident, hazard, "comments", note="另一句", client_uuid=key)

    assert reused.status_code == 409
    assert HazardEvent.objects.filter(hazard=hazard, kind="comment").count() == 1
