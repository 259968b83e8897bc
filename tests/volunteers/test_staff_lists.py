"""Staff lists: scoped to their communities, and the same cost for 1 row and for 12."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from grids.models import Community, Enterprise, User
from tests.factories import CommunityFactory, make_staff
from tests.queries import assert_query_budget
from tests.volunteers.factories import ActivityFactory, ProfileFactory, SessionFactory
from volunteers.models import Certificate, Skill, Team

pytestmark = pytest.mark.django_db

LISTS = ["teams", "courses", "sessions", "staff/activities", "certificates/pending"]


def _rows(community: Community, count: int, start: int = 0) -> None:
    cpr = Skill.objects.get(code="cpr")  # loaded by the migration
    enterprise = Enterprise.objects.create(community=community, name="厂", lat=32.0, lng=118.0)
    for n in range(start, start + count):
        profile = ProfileFactory(community=community)
        team = Team.objects.create(name=f"队{n}", community=community, enterprise=enterprise)
        team.members.add(profile.pk)
        SessionFactory(course__community=community, course__skill__code=f"s-{community.pk}-{n}")
        ActivityFactory(community=community).required_skills.set([])
        Certificate.objects.create(
            profile=profile, skill=cpr, issuer="x", number=str(n), expires_on="2099-01-01"
        )


@pytest.mark.parametrize("name", LISTS)
def test_staff_list_costs_the_same_for_1_and_12_rows(
    name: str, client_for: Callable[[User], APIClient]
) -> None:
    mine, other = CommunityFactory(), CommunityFactory()
    _rows(mine, 1)
    _rows(other, 3)
    client, url = client_for(make_staff(mine)), f"/api/v1/volunteers/{name}/"

    # Each list has its own budget: pinned by its first read, then held at 12 rows.
    assert_query_budget(
        lambda: client.get(url), grow=lambda: _rows(mine, 11, start=1), queries=None
    )
    assert len(client.get(url).json()["results"]) == 12, "only their own community's rows"
