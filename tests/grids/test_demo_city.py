"""The demo city: deterministic, complete (every role), and loaded only when asked."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from grids.models import Building, Community, District, Grid, GridAssignment, Role, RoleGrant, User
from grids.partition import boundary_polygon
from grids.services import community_partition_preview

pytestmark = pytest.mark.django_db


def _city(seed: int = 1) -> str:
    out = StringIO()
    call_command(
        "demo_city",
        "--seed",
        str(seed),
        "--residents",
        "5000",
        "--no-progress",
        "--password",
        "demo-password-1",
        stdout=out,
    )
    return out.getvalue()


def _fingerprint() -> list[tuple[object, ...]]:
    return [
        *District.objects.order_by("code").values_list("code", "name"),
        *Community.objects.order_by("code").values_list("code", "name"),
        *Grid.objects.order_by("code").values_list("code", "population"),
        *Building.objects.order_by("community__code", "name").values_list(
            "name", "lat", "lng", "residents"
        ),
    ]


def test_every_role_has_someone_who_can_sign_in() -> None:
    output = _city()

    roles = set(RoleGrant.objects.values_list("role", flat=True))
    assert {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.TIP_HANDLER, Role.ADMINISTRATOR} <= roles
    assert User.objects.filter(home_building__isnull=False).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-password-1")
    assert "admin / demo-password-1" in output


def test_the_city_has_chinese_names_and_realistic_grids() -> None:
    _city()

    assert District.objects.get(code="D01").name.endswith("区")
    assert all(name.endswith("社区") for name in Community.objects.values_list("name", flat=True))
    residents = Building.objects.aggregate(total=Sum("residents"))["total"]
    assert 5000 <= residents < 5500
    assert Grid.objects.count() == sum(round(c.population / 500) for c in _community_populations())
    assert not Building.objects.filter(grid__isnull=True).exists()
    covered = GridAssignment.objects.filter(ended_at__isnull=True).count()
    assert 0 < covered <= Grid.objects.count()


def _community_populations() -> list[object]:
    from django.db.models import Sum as _Sum

    return list(Community.objects.annotate(population=_Sum("buildings__residents")))


@pytest.mark.django_db(transaction=True)
def test_same_seed_same_city_and_another_seed_another_city() -> None:
    # transaction=True: flush (TRUNCATE on PostgreSQL) cannot run inside the test's
    # wrapping transaction.
    _city(seed=7)
    first = _fingerprint()
    _clear()

    _city(seed=7)
    assert _fingerprint() == first
    _clear()

    _city(seed=8)
    assert _fingerprint() != first


def _clear() -> None:
    call_command("flush", "--no-input", verbosity=0)


def test_if_empty_leaves_an_existing_city_alone() -> None:
    _city()
    before = Building.objects.count()

    out = StringIO()
    call_command("demo_city", "--if-empty", "--no-progress", stdout=out)

    assert Building.objects.count() == before
    assert "nothing to do" in out.getvalue()


def test_a_second_city_without_if_empty_is_refused() -> None:
    _city()

    with pytest.raises(CommandError, match="already holds a city"):
        call_command("demo_city", "--no-progress", stdout=StringIO())


@pytest.mark.parametrize("residents", ["10", "99999999"])
def test_absurd_sizes_are_refused(residents: str) -> None:
    with pytest.raises(CommandError, match="--residents must be between"):
        call_command("demo_city", "--residents", residents, stdout=StringIO())
    assert not District.objects.exists()


def test_demo_grids_are_drawn_by_the_partition_service_like_any_other() -> None:
    _city()

    grids = list(Grid.objects.prefetch_related("buildings").order_by("code"))
    for grid in grids:
        buildings = list(grid.buildings.all())
        expected = boundary_polygon([b.lng for b in buildings], [b.lat for b in buildings])
        assert grid.boundary == expected
        assert grid.population == sum(b.residents for b in buildings)
    report = community_partition_preview(community=Community.objects.order_by("pk").first())
    assert report.residents_moved == 0 and report.grids_created == 0
