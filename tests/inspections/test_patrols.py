"""Patrol inspections: recorded once per client UUID; a failed item raises a hazard."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from grids.models import Enterprise
from inspections.models import Hazard, Inspection, ItemResult, Photo
from tests.inspections.factories import HERE, ChecklistItemFactory, ChecklistTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(city: Any) -> Enterprise:
    return Enterprise.objects.create(
        community=city.community,
        grid=city.grid,
        name="老王饭店",
        kind="restaurant",
        lat=HERE[0],
        lng=HERE[1],
        inspection_interval_days=30,
    )


@pytest.fixture
def checklist(city: Any) -> list[Any]:
    template = ChecklistTemplateFactory(site_kind="restaurant")
    return [
        ChecklistItemFactory(template=template, code="extinguisher", category=city.category),
        ChecklistItemFactory(template=template, code="gas-valve", category=city.category),
    ]


def payload(site: Enterprise, **extra: Any) -> dict[str, Any]:
    return {
        "enterprise": site.pk,
        "started_at": (timezone.now() - dt.timedelta(minutes=20)).isoformat(),
        "start_lat": HERE[0],
        "start_lng": HERE[1],
        "finish_lat": HERE[0],
        "finish_lng": HERE[1],
        "results": [
            {"item": "extinguisher", "outcome": "pass"},
            {"item": "gas-valve", "outcome": "fail", "note": "阀门漏气"},
        ],
        **extra,
    }


def test_failed_item_raises_a_hazard_linked_to_the_inspection(
    city, site, checklist, client_for
) -> None:
    response = client_for(city.worker).post("/api/v1/inspections/", payload(site), format="json")

    assert response.status_code == 201
    hazard = Hazard.objects.get()
    assert (hazard.inspection_id, hazard.enterprise, hazard.source) == (
        response.json()["id"],
        site,
        "patrol",
    )
    assert [r["hazard"] for r in response.json()["results"]] == [None, hazard.pk]


def test_same_uuid_same_content_returns_the_first_inspection(
    city, site, checklist, client_for
) -> None:
    client = client_for(city.worker)
    body = payload(site, client_uuid=str(uuid.uuid4()))
    first = client.post("/api/v1/inspections/", body, format="json")

    second = client.post("/api/v1/inspections/", body, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert Inspection.objects.count() == Hazard.objects.count() == 1


def test_same_uuid_different_content_is_409(city, site, checklist, client_for) -> None:
    client = client_for(city.worker)
    key = str(uuid.uuid4())
    client.post("/api/v1/inspections/", payload(site, client_uuid=key), format="json")
    changed = payload(site, client_uuid=key, results=[{"item": "extinguisher", "outcome": "na"}])

    response = client.post("/api/v1/inspections/", changed, format="json")

    assert response.status_code == 409
    assert Inspection.objects.count() == 1


def test_unknown_item_stores_nothing(city, site, checklist, client_for) -> None:
    body = payload(site, results=[{"item": "nope", "outcome": "fail"}])

    response = client_for(city.worker).post("/api/v1/inspections/", body, format="json")

    assert response.status_code == 400
    assert Inspection.objects.count() == ItemResult.objects.count() == Hazard.objects.count() == 0


def test_site_outside_the_workers_grid_is_refused(city, site, checklist, client_for) -> None:
    Enterprise.objects.filter(pk=site.pk).update(grid=city.other_grid)

    response = client_for(city.worker).post("/api/v1/inspections/", payload(site), format="json")

    assert response.status_code == 403
    assert Inspection.objects.count() == 0


def test_resident_cannot_record_inspections(city, site, checklist, client_for) -> None:
    response = client_for(city.resident).post("/api/v1/inspections/", payload(site), format="json")

    assert response.status_code == 403


def test_due_list_has_never_inspected_and_overdue_sites(city, site, checklist, client_for) -> None:
    fresh = Enterprise.objects.create(
        community=city.community, grid=city.grid, name="新店", kind="restaurant",
        lat=HERE[0], lng=HERE[1], inspection_interval_days=30,
    )  # fmt: skip
    client = client_for(city.worker)
    client.post("/api/v1/inspections/", payload(fresh), format="json")
    Inspection.objects.create(
        worker=city.worker, template=checklist[0].template, grid=city.grid, enterprise=site,
        started_at=timezone.now() - dt.timedelta(days=40), start_lat=0, start_lng=0,
    )  # fmt: skip

    rows = client.get("/api/v1/inspections/due/").json()

    assert [row["enterprise"] for row in rows] == [site.pk]


def test_checklists_are_listed(city, checklist, client_for) -> None:
    rows = client_for(city.worker).get("/api/v1/checklists/").json()

    assert [item["code"] for item in rows[0]["items"]] == ["extinguisher", "gas-valve"]


def _inspection(city: Any, site: Enterprise, client_for: Any) -> dict[str, Any]:
    response = client_for(city.worker).post("/api/v1/inspections/", payload(site), format="json")
    assert response.status_code == 201
    return response.json()


def _stored_files() -> list[Any]:
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_passing_item_carries_a_photo_the_staff_can_see(
    city, site, checklist, client_for
) -> None:
    from tests.inspections.factories import jpeg_bytes, upload

    inspection = _inspection(city, site, client_for)
    url = f"/api/v1/inspections/{inspection['id']}/items/extinguisher/photo/"

    response = client_for(city.worker).post(
        url, {"file": upload(jpeg_bytes(gps=(32.06, 118.79)))}, format="multipart"
    )

    assert response.status_code == 201, response.content
    result = ItemResult.objects.get(inspection_id=inspection["id"], item__code="extinguisher")
    assert result.outcome == "pass"
    assert result.photo_id == response.json()["id"]
    assert response.json()["stage"] == "patrol"
    assert response.json()["gps_lat"] is not None  # a worker's own photo keeps its place
    detail_url = response.json()["display_url"]
    assert client_for(city.staff).get(detail_url).status_code == 200
    assert client_for(city.resident).get(detail_url).status_code == 404
    assert client_for(city.other_staff).get(detail_url).status_code == 404


def test_another_users_inspection_or_an_unknown_item_is_404(
    city, site, checklist, client_for
) -> None:
    from tests.inspections.factories import jpeg_bytes, upload

    inspection = _inspection(city, site, client_for)
    base = f"/api/v1/inspections/{inspection['id']}/items"

    by_staff = client_for(city.staff).post(
        f"{base}/extinguisher/photo/", {"file": upload(jpeg_bytes())}, format="multipart"
    )
    unknown = client_for(city.worker).post(
        f"{base}/no-such-item/photo/", {"file": upload(jpeg_bytes())}, format="multipart"
    )

    assert by_staff.status_code == 404
    assert unknown.status_code == 404
    assert not ItemResult.objects.filter(photo__isnull=False).exists()
    assert _stored_files() == []


def test_a_non_image_for_an_item_is_400_and_stores_nothing(
    city, site, checklist, client_for
) -> None:
    from tests.inspections.factories import upload

    inspection = _inspection(city, site, client_for)

    response = client_for(city.worker).post(
        f"/api/v1/inspections/{inspection['id']}/items/extinguisher/photo/",
        {"file": upload(b"not an image at all", name="x.jpg")},
        format="multipart",
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"file"}
    assert not ItemResult.objects.filter(photo__isnull=False).exists()
    assert _stored_files() == []


def test_an_item_photo_sent_twice_is_stored_once(city, site, checklist, client_for) -> None:
    from tests.inspections.factories import jpeg_bytes, upload

    inspection = _inspection(city, site, client_for)
    url = f"/api/v1/inspections/{inspection['id']}/items/extinguisher/photo/"
    image, worker = jpeg_bytes(), client_for(city.worker)

    first = worker.post(url, {"file": upload(image)}, format="multipart")
    again = worker.post(url, {"file": upload(image)}, format="multipart")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Photo.objects.filter(inspection_id=inspection["id"]).count() == 1
