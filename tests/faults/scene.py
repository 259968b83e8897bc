"""``python -m tests.faults.scene <name>``: the people and places a fault test needs,
written into the fault test's own database (``DATABASE_URL``); prints them as JSON.

The fault tests talk to their servers from outside, as clients do, so their data is
made here, in a process on those servers, with the suite's own factories.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SAFEGRID_TESTING", "1")
    import django

    django.setup()


def _token(user: Any) -> str:
    from knox.models import AuthToken

    return str(AuthToken.objects.create(user)[1])


def city() -> dict[str, Any]:
    """The suite's one small city (tests/city.py) and one open hazard of its resident."""
    from inspections.services import hazard_report
    from tests.city import HERE, build_city

    built = build_city()
    hazard = hazard_report(
        user=built.resident, category_code=built.category.code, description="楼道堆放杂物",
        lat=HERE[0], lng=HERE[1],
    ).hazard  # fmt: skip
    return {
        "resident": {"id": built.resident.pk, "token": _token(built.resident)},
        "staff": {"id": built.staff.pk, "token": _token(built.staff)},
        "category": built.category.code,
        "here": list(HERE),
        "hazard": hazard.pk,
    }


def dispatch() -> dict[str, Any]:
    """A dispatch just opened, with one volunteer in each of its three rings."""
    from django.utils import timezone

    from dispatch.services import dispatch_open
    from tests.dispatch.conftest import INCIDENT, offset
    from tests.factories import (
        BuildingFactory,
        CommunityFactory,
        GridFactory,
        UserFactory,
        make_staff,
    )
    from volunteers.models import VolunteerProfile

    community = CommunityFactory()
    grid = GridFactory(community=community)
    BuildingFactory(community=community, grid=grid, lat=INCIDENT[0], lng=INCIDENT[1])
    staff = make_staff(community)
    for north_m in (100, 900, 1800):
        lat, lng = offset(north_m)
        VolunteerProfile.objects.create(
            user=UserFactory(), community=community, on_duty=True, status="active",
            last_lat=lat, last_lng=lng, last_located_at=timezone.now(),
        )  # fmt: skip
    opened = dispatch_open(user=staff, lat=INCIDENT[0], lng=INCIDENT[1])
    return {"dispatch": opened.pk, "ring_seconds": opened.ring_seconds}


SCENES = {"city": city, "dispatch": dispatch}

if __name__ == "__main__":
    _setup()
    print(json.dumps(SCENES[sys.argv[1]]()))
