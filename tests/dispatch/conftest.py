"""A scene for dispatch tests: a community with one grid and its worker, staff, skills,
and volunteers placed by their distance (metres north and east) from the incident."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from grids.models import Building, Community, Grid, User
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from volunteers.models import Certificate, CertificateStatus, Skill, VolunteerProfile

INCIDENT = (32.06, 118.79)
# The metres of a degree of latitude in the distance every app uses (grids.selectors).
METRES_PER_DEGREE = 6_371_000 * math.pi / 180


def offset(north_m: float, east_m: float = 0.0) -> tuple[float, float]:
    lat, lng = INCIDENT
    return (
        lat + north_m / METRES_PER_DEGREE,
        lng + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


@dataclass
class Scene:
    community: Community
    grid: Grid
    building: Building
    staff: User
    worker: User
    first_aid: Skill
    cpr: Skill
    make_volunteer: Callable[..., User]


@pytest.fixture(autouse=True)
def _dispatch_settings(settings: SettingsWrapper) -> None:
    settings.DISPATCH_RINGS_M = [500, 1000, 2000]
    settings.DISPATCH_RING_SECONDS = 60
    settings.DISPATCH_OFFERS_PER_PERSON = 3
    settings.DISPATCH_DAILY_ALERT_LIMIT = 5


@pytest.fixture
def scene(db: None) -> Scene:
    community = CommunityFactory(name="鼓楼社区")
    grid = GridFactory(community=community, name="第1网格")
    building = BuildingFactory(
        community=community, grid=grid, lat=INCIDENT[0], lng=INCIDENT[1], address="中山路1号"
    )
    # The default hierarchy (a migration loads it; transactional tests flush it).
    first_aid, _ = Skill.objects.update_or_create(
        code="first-aid", defaults={"name_zh": "急救", "parent": None, "needs_certificate": False}
    )
    cpr, _ = Skill.objects.update_or_create(
        code="cpr",
        defaults={"name_zh": "心肺复苏", "parent": first_aid, "needs_certificate": True},
    )

    def make_volunteer(
        north_m: float,
        east_m: float = 0.0,
        *,
        skills: tuple[Skill, ...] = (),
        certificate: Skill | None = None,
        certificate_expires_in_days: int = 365,
        certificate_status: str = CertificateStatus.CONFIRMED,
        on_duty: bool = True,
        status: str = "active",
        reported: bool = True,
        **user_fields: Any,
    ) -> User:
        user = UserFactory(**user_fields)
        lat, lng = offset(north_m, east_m)
        position: dict[str, Any] = (
            {"last_lat": lat, "last_lng": lng, "last_located_at": timezone.now()}
            if reported
            else {"base_lat": lat, "base_lng": lng}
        )
        profile = VolunteerProfile.objects.create(
            user=user, community=community, on_duty=on_duty, status=status, **position
        )
        profile.skills.set(skills)
        if certificate is not None:
            Certificate.objects.create(
                profile=profile,
                skill=certificate,
                issuer="红十字会",
                number=f"RC-{user.pk}",
                expires_on=timezone.localdate() + timedelta(days=certificate_expires_in_days),
                status=certificate_status,
            )
        return user

    return Scene(
        community=community,
        grid=grid,
        building=building,
        staff=make_staff(community),
        worker=make_worker(grid),
        first_aid=first_aid,
        cpr=cpr,
        make_volunteer=make_volunteer,
    )
