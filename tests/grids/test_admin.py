"""Admin screens: every grids model lists, staff see their communities, partition action."""

from __future__ import annotations

import pytest
from django.test import Client

from grids.models import Enterprise, Grid
from tests.factories import GridFactory, UserFactory, make_staff, make_worker
from tests.grids.factories import make_community_with_buildings

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client: Client) -> Client:
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "model", ["user", "district", "community", "grid", "building", "gridassignment", "enterprise"]
)
def test_changelists_render(admin_client_logged_in: Client, model: str) -> None:
    grid = GridFactory()
    make_worker(grid)
    Enterprise.objects.create(
        community=grid.community, grid=grid, name="仓库", kind="warehouse", lat=32, lng=118,
        is_blacklisted=True, blacklist_reason="屡次重大隐患",
    )  # fmt: skip

    response = admin_client_logged_in.get(f"/admin/grids/{model}/", {"q": ""})

    assert response.status_code == 200


def test_partition_actions_preview_then_apply(admin_client_logged_in: Client) -> None:
    community, _buildings = make_community_with_buildings()
    data = {"_selected_action": [community.pk], "index": 0}

    preview = admin_client_logged_in.post(
        "/admin/grids/community/", {**data, "action": "preview_partition"}, follow=True
    )
    assert Grid.objects.count() == 0
    admin_client_logged_in.post("/admin/grids/community/", {**data, "action": "apply_partition"})

    assert "4" in preview.content.decode()
    assert Grid.objects.filter(community=community).count() == 4


def test_staff_see_only_their_communities_grids_in_admin(client: Client) -> None:
    mine, other = GridFactory(code="MINE-1"), GridFactory(code="OTHER-1")
    staff = make_staff(mine.community)
    staff.is_superuser = False
    staff.save()
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_grid"))
    client.force_login(staff)

    page = client.get("/admin/grids/grid/").content.decode()

    assert "MINE-1" in page and str(other.code) not in page
