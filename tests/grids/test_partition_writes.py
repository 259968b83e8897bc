"""The partition's two write paths: COPY on PostgreSQL writes exactly what the ORM writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from grids.models import Building, Grid, GridAssignment
from grids.services import communities_partition_apply
from tests.factories import make_worker
from tests.grids.factories import make_community_with_buildings

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite has the ORM path"
)


class _Rollback(Exception):
    pass


def _city() -> list[Any]:
    communities = [
        make_community_with_buildings(rows=4, columns=5, code="W-A")[0],
        make_community_with_buildings(rows=3, columns=7, residents=80, code="W-B")[0],
        make_community_with_buildings(rows=1, columns=1, residents=300, code="W-C")[0],
        make_community_with_buildings(rows=6, columns=10, residents=50, code="W-D")[0],
    ]
    communities_partition_apply(communities=communities, bulk_write=False)
    for grid in Grid.objects.filter(community__code="W-A"):
        make_worker(grid)
    first = Building.objects.filter(community__code="W-A").order_by("pk")
    Building.objects.filter(pk__in=[b.pk for b in first[:6]]).delete()  # W-A loses a grid
    recounted = Building.objects.filter(community__code="W-B").order_by("pk")[0]
    Building.objects.filter(pk=recounted.pk).update(residents=140)
    # W-D outgrows its 6 grids: a repair splits one, so a repair also creates a grid.
    Building.objects.filter(community__code="W-D").update(residents=57)
    return communities


def _written(communities: list[Any], *, bulk: bool) -> dict[str, Any]:
    """Apply with one path, read back every row it could touch, and roll it back."""
    seen: dict[str, Any] = {}
    try:
        with transaction.atomic():
            communities_partition_apply(communities=communities, bulk_write=bulk)
            seen["grids"] = list(
                Grid.objects.order_by("code").values_list(
                    "code", "name", "community__code", "population", "boundary",
                    "centroid_lat", "centroid_lng", "is_active",
                )
            )  # fmt: skip
            seen["buildings"] = list(
                Building.objects.order_by("pk").values_list("pk", "grid__code")
            )
            cover = GridAssignment.objects.order_by("pk").values_list("grid__code", "ended_at")
            seen["cover"] = [(code, ended_at is None) for code, ended_at in cover]
            raise _Rollback
    except _Rollback:
        pass
    return seen


@on_postgres
def test_copy_writes_exactly_the_rows_the_orm_writes() -> None:
    communities = _city()

    by_orm = _written(communities, bulk=False)
    by_copy = _written(communities, bulk=True)

    assert by_copy == by_orm
    assert [row[7] for row in by_orm["grids"]].count(False) == 1  # one grid was retired
    assert [row[2] for row in by_orm["grids"]].count("W-D") == 7  # and one was split off
    assert all(grid_code for _pk, grid_code in by_orm["buildings"])


@on_postgres
def test_the_first_partition_of_a_city_by_copy_matches_the_orm() -> None:
    communities = [
        make_community_with_buildings(rows=5, columns=6, residents=60, code=f"F-{n}")[0]
        for n in range(3)
    ]

    assert _written(communities, bulk=True) == _written(communities, bulk=False)


def test_copy_is_refused_where_there_is_no_postgresql() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL has COPY")
    community, _buildings = make_community_with_buildings()

    with pytest.raises(ValueError, match="bulk_write needs PostgreSQL"):
        communities_partition_apply(communities=[community], bulk_write=True)
    assert not Grid.objects.exists()
