"""Admin screens, the dashboard panel and the demo step."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from inspections.models import Category, Hazard, HazardStatus, Photo
from tests.factories import UserFactory
from tests.inspections.factories import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_hazard_admin_shows_timeline_and_photos(city, report, client_for, admin_client) -> None:
    hazard = report()
    client_for(city.resident).post(
        f"/api/v1/hazards/{hazard.pk}/photos/",
        {"file": upload(jpeg_bytes()), "stage": "report"},
        format="multipart",
    )

    listing = admin_client.get("/admin/inspections/hazard/?overdue=no")
    page = admin_client.get(f"/admin/inspections/hazard/{hazard.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert hazard.number in listing.content.decode()
    assert "/thumbnail/" in page.content.decode()


def test_dashboard_has_the_closed_loop_panel(city, report, admin_client) -> None:
    report()

    response = admin_client.get("/admin/dashboard/")

    assert response.status_code == 200
    assert "92%" in response.content.decode()


def test_demo_builds_hazards_in_every_status(db: None) -> None:
    call_command("demo_city", residents=2000, password="demo-pass-1", no_progress=True)

    assert set(Hazard.objects.values_list("status", flat=True)) == set(HazardStatus.values)
    assert Category.objects.exclude(attributes=[]).exists()
    assert Category.objects.filter(attributes=[]).exists()
    closed = Hazard.objects.filter(status="closed")
    assert Photo.objects.filter(hazard__in=closed).count() == closed.count()
    assert not Hazard.objects.filter(number__startswith="tmp-").exists()
    assert all(h.events.count() >= 1 for h in Hazard.objects.all()[:20])
