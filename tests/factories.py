"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from grids.models import Building, Community, District, Grid, GridAssignment, Role, RoleGrant, User

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(
        self, create: bool, extracted: list[tuple[str, Community | None]] | None, **_: object
    ) -> None:
        for role, community in extracted or []:
            RoleGrant.objects.create(user=self, role=role, community=community)
        self.save()


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}区")


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"测试{n}社区")


class GridFactory(factory.django.DjangoModelFactory[Grid]):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"G{n:05d}")
    name = factory.Sequence(lambda n: f"第{n}网格")
    population = 500


class BuildingFactory(factory.django.DjangoModelFactory[Building]):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    grid = None
    name = factory.Sequence(lambda n: f"{n}号楼")
    lat = 32.06
    lng = 118.79
    residents = 50


def make_worker(grid: Grid, **kwargs: object) -> User:
    """A grid worker who covers ``grid`` from now on."""
    worker = UserFactory(roles=[(Role.GRID_WORKER, None)], **kwargs)
    GridAssignment.objects.create(grid=grid, worker=worker, started_at=timezone.now())
    return worker


def make_staff(*communities: Community, **kwargs: object) -> User:
    return UserFactory(
        roles=[(Role.COMMUNITY_STAFF, community) for community in communities],
        is_staff=True,
        **kwargs,
    )
