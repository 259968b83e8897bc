"""The groups a socket joins come from grids.audiences, in the names clients know."""

from __future__ import annotations

import pytest

from grids.audiences import forget_roles, user_groups
from grids.models import Role, RoleGrant
from grids.selectors import user_roles
from grids.services import role_grant
from tests.factories import CommunityFactory, GridFactory, UserFactory, make_staff, make_worker

pytestmark = pytest.mark.django_db


def test_a_worker_staff_and_district_manager_joins_each_of_their_groups() -> None:
    grid = GridFactory()
    community = CommunityFactory(district=grid.community.district)
    user = make_worker(grid)
    role_grant(user=user, role=Role.COMMUNITY_STAFF, community=community)
    role_grant(user=user, role=Role.DISTRICT_MANAGER, district=grid.community.district)

    assert user_groups(user) == sorted(
        [
            f"community.{community.pk}.staff",
            f"district.{grid.community.district_id}.managers",
            f"grid.{grid.pk}.worker",
            f"user.{user.pk}",
        ]
    )


def test_an_administrator_joins_one_city_wide_group_instead_of_every_community() -> None:
    CommunityFactory()
    admin = UserFactory(is_superuser=True)

    assert user_groups(admin) == sorted(["administrators", f"user.{admin.pk}"])


def test_a_staff_member_hears_only_their_communities() -> None:
    mine, _other = CommunityFactory(), CommunityFactory()
    staff = make_staff(mine)

    assert user_groups(staff) == sorted([f"community.{mine.pk}.staff", f"user.{staff.pk}"])


def test_forget_roles_makes_the_next_read_see_a_new_grant() -> None:
    user = UserFactory()
    assert user_roles(user) == {"resident"}
    RoleGrant.objects.create(user=user, role=Role.TIP_HANDLER)
    assert user_roles(user) == {"resident"}  # still the cached roles

    forget_roles(user)

    assert user_roles(user) == {"resident", "tip_handler"}
    assert "tips.handlers" in user_groups(user)
