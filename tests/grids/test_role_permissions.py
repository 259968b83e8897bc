"""Community staff can work in the admin by virtue of their role, within their communities."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import CommunityFactory, GridFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db


def test_staff_role_opens_the_grid_and_hazard_admin_for_their_communities_only(
    client: Client,
) -> None:
    mine, theirs = CommunityFactory(), CommunityFactory()
    GridFactory(community=mine, code="MINE-G1")
    GridFactory(community=theirs, code="THEIRS-G1")
    client.force_login(make_staff(mine))

    grids = client.get("/admin/grids/grid/")
    hazards = client.get("/admin/inspections/hazard/")

    assert grids.status_code == 200
    assert "MINE-G1" in grids.content.decode()
    assert "THEIRS-G1" not in grids.content.decode()
    assert hazards.status_code == 200


def test_staff_role_does_not_open_user_accounts(client: Client) -> None:
    client.force_login(make_staff(CommunityFactory()))

    assert client.get("/admin/grids/user/").status_code == 403


def test_without_the_role_a_staff_flag_alone_opens_nothing(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True))

    assert client.get("/admin/grids/grid/").status_code == 403
