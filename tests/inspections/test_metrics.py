"""Closed-loop metrics over a date range."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inspections.models import Hazard

pytestmark = pytest.mark.django_db


def test_community_metrics(city, report, client_for) -> None:
    now = timezone.now()
    closed, late, rejected, _open = report(), report(), report(), report()
    Hazard.objects.filter(pk=closed.pk).update(
        status="closed", assigned_at=closed.created_at + dt.timedelta(hours=2),
        closed_at=closed.created_at + dt.timedelta(hours=10),
    )  # fmt: skip
    Hazard.objects.filter(pk=late.pk).update(
        status="closed", closed_at=late.due_at + dt.timedelta(hours=1)
    )
    Hazard.objects.filter(pk=rejected.pk).update(status="rejected", reject_reason="x")
    Hazard.objects.filter(pk=_open.pk).update(due_at=now - dt.timedelta(hours=1))

    response = client_for(city.staff).get("/api/v1/hazards/metrics/?level=community")

    assert response.status_code == 200
    row = response.json()["rows"][0]
    assert row == {
        "id": city.community.pk,
        "name": city.community.name,
        "reported": 4,
        "closed": 2,
        "closure_rate": round(2 / 3, 4),
        "on_time_rate": 0.5,
        "median_hours_to_assignment": 2.0,
        "median_hours_to_closure": pytest.approx(row["median_hours_to_closure"]),
        "overdue": 1,
    }
    assert response.json()["closure_target"] == 0.92


def test_city_level_is_one_row_and_scoped(city, report, client_for) -> None:
    report()

    rows = client_for(city.other_staff).get("/api/v1/hazards/metrics/?level=city").json()["rows"]

    assert rows == []


def test_unknown_level_is_400(city, client_for) -> None:
    response = client_for(city.staff).get("/api/v1/hazards/metrics/?level=planet")

    assert response.status_code == 400


def test_a_far_past_created_from_is_400_not_an_invalid_time_back(city, client_for) -> None:
    response = client_for(city.staff).get(
        "/api/v1/hazards/metrics/", {"level": "community", "created_from": "1211-09-13T08:13:18Z"}
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "created_from": ["Send a time between the years 2000 and 2100."]
    }
