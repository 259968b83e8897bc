"""Photos are never served as files, not even in development (DEBUG)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from pytest_django.fixtures import SettingsWrapper

from inspections.models import Photo
from tests.inspections.factories import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings: SettingsWrapper) -> None:
    settings.DEBUG = True


def test_a_photo_file_is_not_served_at_media_in_debug(
    city, report, client_for, debug: None
) -> None:
    hazard = report()
    sent = client_for(city.resident).post(
        f"/api/v1/hazards/{hazard.pk}/photos/",
        {"file": upload(jpeg_bytes()), "stage": "report"},
        format="multipart",
    )
    assert sent.status_code == 201, sent.content
    photo = Photo.objects.get()
    assert default_storage.exists(photo.display.name)

    answers = [
        Client().get(f"/media/{name}").status_code
        for name in (photo.display.name, photo.thumbnail.name)
    ]

    assert answers == [404, 404]


def test_reward_pictures_are_still_served_in_debug(settings: SettingsWrapper, debug: None) -> None:
    folder = Path(settings.MEDIA_ROOT) / "rewards"
    folder.mkdir(parents=True)
    (folder / "cup.jpg").write_bytes(jpeg_bytes())

    assert Client().get("/media/rewards/cup.jpg").status_code == 200
    assert Client().get("/media/rewards/../cup.jpg").status_code == 404


def test_nothing_is_served_at_media_outside_debug(settings: SettingsWrapper) -> None:
    folder = Path(settings.MEDIA_ROOT) / "rewards"
    folder.mkdir(parents=True)
    (folder / "cup.jpg").write_bytes(jpeg_bytes())

    assert Client().get("/media/rewards/cup.jpg").status_code == 404
