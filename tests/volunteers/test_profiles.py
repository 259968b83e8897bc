"""A volunteer's profile: registration, availability, duty, certificates with photos."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from grids.models import User
from tests.factories import CommunityFactory, UserFactory, make_staff
from tests.inspections.factories import jpeg_bytes, upload
from tests.volunteers.factories import ProfileFactory, SkillFactory
from volunteers.models import Certificate, CertificateStatus, VolunteerProfile
from volunteers.selectors import profile_skill_ids

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]
ME = "/api/v1/volunteers/me/"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_register_then_read_my_profile(client_for: Client) -> None:
    community = CommunityFactory()
    skill = SkillFactory()
    client = client_for(UserFactory())

    created = client.post(
        ME,
        {"community": community.pk, "skills": [skill.pk], "base_lat": 32.06, "base_lng": 118.79},
        format="json",
    )
    again = client.post(ME, {"community": community.pk}, format="json")

    assert created.status_code == 201
    body = created.json()
    assert (body["community"], body["skills"], body["status"], body["on_duty"]) == (
        community.pk, [skill.pk], "active", False,
    )  # fmt: skip
    assert again.status_code == 400
    assert again.json()["code"] == "exists"
    assert VolunteerProfile.objects.count() == 1


def test_half_a_base_location_is_refused(client_for: Client) -> None:
    response = client_for(UserFactory()).post(
        ME, {"community": CommunityFactory().pk, "base_lat": 32.06}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "base_lat": ["Give both latitude and longitude, or neither."]
    }
    assert not VolunteerProfile.objects.exists()


def test_weekly_availability_is_replaced(client_for: Client) -> None:
    profile = ProfileFactory()
    client = client_for(profile.user)
    client.put(
        f"{ME}availability/", [{"weekday": 1, "starts": "18:00", "ends": "21:00"}], format="json"
    )

    response = client.put(
        f"{ME}availability/", [{"weekday": 5, "starts": "09:00", "ends": "12:00"}], format="json"
    )
    backwards = client.put(
        f"{ME}availability/", [{"weekday": 6, "starts": "12:00", "ends": "09:00"}], format="json"
    )

    assert response.json() == [{"weekday": 5, "starts": "09:00", "ends": "12:00"}]
    assert backwards.status_code == 400
    assert client.get(ME).json()["availability"] == [
        {"weekday": 5, "starts": "09:00", "ends": "12:00"}
    ]


def test_on_duty_with_a_position_and_paused_never_on_duty(client_for: Client) -> None:
    profile = ProfileFactory()
    client = client_for(profile.user)

    on = client.post(f"{ME}duty/", {"on_duty": True, "lat": 32.07, "lng": 118.8}, format="json")
    paused = client.patch(ME, {"status": "paused"}, format="json")
    back_on = client.post(f"{ME}duty/", {"on_duty": True}, format="json")

    assert on.status_code == 200
    assert (on.json()["on_duty"], on.json()["last_lat"], on.json()["last_lng"]) == (
        True,
        32.07,
        118.8,
    )
    assert paused.json()["on_duty"] is False
    assert back_on.status_code == 400 and back_on.json()["code"] == "paused"
    profile.refresh_from_db()
    assert profile.on_duty is False


def _certificate_form(skill: Any, expires_on: Any) -> dict[str, Any]:
    return {
        "skill": skill.pk,
        "issuer": "市红十字会",
        "number": "HSZ-2026-0042",
        "expires_on": expires_on.isoformat(),
        "file": upload(jpeg_bytes()),
    }


def test_a_certificate_with_its_photo_counts_once_staff_confirm_it(client_for: Client) -> None:
    skill = SkillFactory(needs_certificate=True)
    profile = ProfileFactory()
    staff = make_staff(profile.community)
    form = _certificate_form(skill, timezone.localdate() + timedelta(days=300))

    added = client_for(profile.user).post(f"{ME}certificates/", form, format="multipart")
    held_before = profile_skill_ids(profile=profile)
    decided = client_for(staff).post(
        f"/api/v1/volunteers/certificates/{added.json()['id']}/decide/", {"confirm": True}
    )
    photo = client_for(staff).get(added.json()["photo_url"])

    assert added.status_code == 201
    assert (added.json()["status"], added.json()["counts"]) == ("pending", False)
    assert skill.pk not in held_before
    assert (decided.json()["status"], decided.json()["counts"]) == ("confirmed", True)
    assert skill.pk in profile_skill_ids(profile=profile)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert len(stored_files()) == 2  # display copy and thumbnail


def test_a_certificate_that_already_expired_is_refused(client_for: Client) -> None:
    profile = ProfileFactory()
    form = _certificate_form(SkillFactory(), timezone.localdate() - timedelta(days=1))

    response = client_for(profile.user).post(f"{ME}certificates/", form, format="multipart")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "expires_on": ["This certificate has already expired; add a valid one."]
    }
    assert not Certificate.objects.exists()
    assert stored_files() == []


def test_a_certificate_photo_that_is_not_an_image_stores_nothing(client_for: Client) -> None:
    profile = ProfileFactory()
    form = _certificate_form(SkillFactory(), timezone.localdate() + timedelta(days=30))
    form["file"] = upload(b"not an image at all", name="cert.jpg")

    response = client_for(profile.user).post(f"{ME}certificates/", form, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    assert not Certificate.objects.exists()
    assert stored_files() == []


def test_staff_of_another_community_cannot_confirm_or_see_the_photo(client_for: Client) -> None:
    profile = ProfileFactory()
    certificate = Certificate.objects.create(
        profile=profile, skill=SkillFactory(), issuer="x", number="1",
        expires_on=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    outsider = client_for(make_staff(CommunityFactory()))

    decided = outsider.post(
        f"/api/v1/volunteers/certificates/{certificate.pk}/decide/", {"confirm": True}
    )
    photo = outsider.get(f"/api/v1/volunteers/certificates/{certificate.pk}/photo/")

    assert decided.status_code == 403
    assert photo.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING
