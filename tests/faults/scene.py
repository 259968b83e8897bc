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
    """A community with a building at HERE, its staff, a resident and one open hazard."""
    from inspections.services import hazard_report
    from tests.factories import (
        BuildingFactory,
        CommunityFactory,
        GridFactory,
        UserFactory,
        make_staff,
        make_worker,
    )
    from tests.inspections.factories import HERE, CategoryFactory

    community = CommunityFactory()
    grid = GridFactory(community=community)
    BuildingFactory(community=community, grid=grid, lat=HERE[0], lng=HERE[1])
    make_worker(grid)
    staff = make_staff(community)
    resident = UserFactory()
    category = CategoryFactory(code="fire-exit", name_zh="消防通道堵塞", name_en="Blocked exit")
    hazard = hazard_report(
        user=resident, category_code=category.code, description="楼道堆放杂物",
        lat=HERE[0], lng=HERE[1],
    ).hazard  # fmt: skip
    return {
        "resident": {"id": resident.pk, "token": _token(resident)},
        "staff": {"id": staff.pk, "token": _token(staff)},
        "category": category.code,
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
