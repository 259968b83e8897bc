"""Photo intake: real images only, no bombs, no metadata kept, nothing stored on refusal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from inspections.models import HazardEvent, Photo
from tests.inspections.factories import bomb_png_bytes, jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def send(client: Any, hazard: Any, data: bytes, name: str = "p.jpg", stage: str = "report") -> Any:
    return client.post(
        f"/api/v1/hazards/{hazard.pk}/photos/",
        {"file": upload(data, name), "stage": stage},
        format="multipart",
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def fetch(client: Any, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_worker_photo_is_rotated_stripped_and_keeps_gps_as_fields(city, report, client_for) -> None:
    hazard = report(user=city.worker)
    worker = client_for(city.worker)
    data = jpeg_bytes((800, 600), orientation=6, gps=(32.06, 118.79), taken="2026:11:20 09:30:00")

    response = send(worker, hazard, data)

    assert response.status_code == 201
    body = response.json()
    assert (body["width"], body["height"]) == (600, 800)  # orientation 6 applied
    assert body["gps_lat"] == pytest.approx(32.06, abs=1e-4)
    assert body["gps_lng"] == pytest.approx(118.79, abs=1e-4)
    assert body["taken_at"].startswith("2026-11-20T09:30:00")
    display = fetch(worker, body["display_url"])
    assert display.size == (600, 800)
    assert dict(display.getexif()) == {}
    assert "exif" not in display.info and "icc_profile" not in display.info


def test_resident_photo_keeps_no_location(city, report, client_for) -> None:
    hazard = report()

    body = send(client_for(city.resident), hazard, jpeg_bytes(gps=(32.06, 118.79))).json()

    assert (body["gps_lat"], body["gps_lng"], body["taken_at"]) == (None, None, None)


def test_large_photo_gets_a_bounded_display_copy_and_thumbnail(city, report, client_for) -> None:
    hazard = report()
    client = client_for(city.resident)

    body = send(client, hazard, jpeg_bytes((4000, 3000))).json()

    assert (body["width"], body["height"]) == (2048, 1536)
    assert max(fetch(client, body["thumbnail_url"]).size) == 320


def test_png_with_transparency_is_accepted(city, report, client_for) -> None:
    hazard = report()

    response = send(client_for(city.resident), hazard, png_bytes(), name="p.png")

    assert response.status_code == 201
    assert Photo.objects.get().thumbnail.name.endswith("-thumb.jpg")


def test_same_image_twice_is_stored_once(city, report, client_for) -> None:
    hazard = report()
    client = client_for(city.resident)
    first = send(client, hazard, jpeg_bytes())

    second = send(client, hazard, jpeg_bytes())

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Photo.objects.count() == 1
    assert len(stored_files()) == 2


def test_first_photo_becomes_the_list_thumbnail(city, report, client_for) -> None:
    hazard = report()
    client = client_for(city.resident)
    photo = send(client, hazard, jpeg_bytes()).json()

    rows = client.get("/api/v1/hazards/").json()["results"]

    assert rows[0]["thumbnail_url"] == photo["thumbnail_url"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (jpeg_bytes()[:1500], "cut.jpg", "The file is not a complete JPEG, PNG or WebP image."),
        (
            b"this is not an image\n" * 20,
            "notes.jpg",
            "The file is not a complete JPEG, PNG or WebP image.",
        ),
        (bomb_png_bytes(), "bomb.png", "The photo has too many pixels."),
    ],
    ids=["truncated-jpeg", "text-named-jpg", "decompression-bomb"],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    city, report, client_for, data, name, message
) -> None:
    hazard = report()
    events = HazardEvent.objects.count()

    response = send(client_for(city.resident), hazard, data, name=name)

    assert response.status_code == 400
    assert response.json()["fields"] == {"file": [message]}
    assert Photo.objects.count() == 0
    assert HazardEvent.objects.count() == events
    assert stored_files() == []


def test_oversized_file_is_refused_before_decoding(city, report, client_for) -> None:
    hazard = report()

    response = send(client_for(city.resident), hazard, b"\xff\xd8" + b"0" * (10 * 2**20))

    assert response.status_code == 400
    assert "10 MB" in response.json()["fields"]["file"][0]
    assert Photo.objects.count() == 0 and stored_files() == []


def test_gif_is_not_accepted(city, report, client_for) -> None:
    hazard = report()
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")

    response = send(client_for(city.resident), hazard, buffer.getvalue(), name="a.gif")

    assert response.status_code == 400
    assert Photo.objects.count() == 0


def test_resident_may_not_add_a_verification_photo(city, report, client_for) -> None:
    hazard = report()

    response = send(client_for(city.resident), hazard, jpeg_bytes(), stage="verification")

    assert response.status_code == 403
    assert stored_files() == []


def test_photo_file_is_hidden_from_users_who_cannot_see_the_hazard(
    city, report, client_for
) -> None:
    hazard = report()
    body = send(client_for(city.resident), hazard, jpeg_bytes()).json()

    response = client_for(city.other_staff).get(body["display_url"])

    assert response.status_code == 404


def test_photo_file_needs_sign_in(city, report, client_for, api_client) -> None:
    hazard = report()
    body = send(client_for(city.resident), hazard, jpeg_bytes()).json()

    assert api_client.get(body["thumbnail_url"]).status_code == 401


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_matches_pillows_exif_transpose(orientation: int) -> None:
    from PIL import ImageOps

    from config.photos import process_photo

    data = jpeg_bytes((400, 200), orientation=orientation)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))

    stored = Image.open(io.BytesIO(process_photo(data, keep_location=False).display))

    assert stored.size == expected.size
    for corner in [(5, 5), (expected.width - 5, 5), (5, expected.height - 5)]:
        got, want = stored.getpixel(corner), expected.getpixel(corner)
        assert all(abs(a - b) < 40 for a, b in zip(got, want, strict=True)), corner
