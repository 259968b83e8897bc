"""Staff lists: scoped to their communities, and the same cost for 1 row and for 12."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from grids.models import Community, Enterprise, User
from tests.factories import CommunityFactory, make_staff
from tests.volunteers.factories import ActivityFactory, ProfileFactory, SessionFactory
from volunteers.models import Certificate, Skill, Team

pytestmark = pytest.mark.django_db

LISTS = ["teams", "courses", "sessions", "staff/activities", "certificates/pending"]


def _rows(community: Community, count: int) -> None:
    cpr = Skill.objects.get(code="cpr")  # loaded by the migration
    enterprise = Enterprise.objects.create(community=community, name="厂", lat=32.0, lng=118.0)
    for n in range(count):
        profile = ProfileFactory(community=community)
        team = Team.objects.create(name=f"队{n}", community=community, enterprise=enterprise)
        team.members.add(profile.pk)
        SessionFactory(course__community=community, course__skill__code=f"s-{community.pk}-{n}")
        ActivityFactory(community=community).required_skills.set([])
        Certificate.objects.create(
            profile=profile, skill=cpr, issuer="x", number=str(n), expires_on="2099-01-01"
        )


def _count(client: APIClient, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).json()
    return len(queries.captured_queries), len(body["results"])


@pytest.mark.parametrize("name", LISTS)
def test_staff_list_costs_the_same_for_1_and_12_rows(
    name: str, client_for: Callable[[User], APIClient]
) -> None:
    small, large = CommunityFactory(), CommunityFactory()
    _rows(small, 1)
    _rows(large, 12)
    url = f"/api/v1/volunteers/{name}/"

    one = _count(client_for(make_staff(small)), url)
    twelve = _count(client_for(make_staff(large)), url)

    assert (one[1], twelve[1]) == (1, 12), "each sees only their own community's rows"
    assert one[0] == twelve[0]
