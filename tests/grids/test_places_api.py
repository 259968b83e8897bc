"""Place lists and details: scoping, the worker's public name, locate, query budgets."""

from __future__ import annotations

from typing import Any

import pytest

from grids.models import Enterprise
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    DistrictFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db


def _enterprise(community: Any, grid: Any = None, **kwargs: Any) -> Enterprise:
    fields = {"name": "饭店", "kind": "restaurant", "lat": 32.06, "lng": 118.79, **kwargs}
    return Enterprise.objects.create(community=community, grid=grid, **fields)


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_anyone_signed_in_lists_districts_and_communities(client_for: Any) -> None:
    district = DistrictFactory()
    community = CommunityFactory(district=district)
    CommunityFactory()
    client = client_for(UserFactory())

    assert district.pk in _ids(client.get("/api/v1/districts/"))
    rows = client.get("/api/v1/communities/", {"district": district.pk}).json()["results"]
    assert [(r["id"], r["district"]["id"]) for r in rows] == [(community.pk, district.pk)]


def test_lists_need_a_signed_in_user(api_client: Any) -> None:
    assert api_client.get("/api/v1/grids/").status_code == 401


def test_staff_see_only_the_grids_of_their_communities(client_for: Any) -> None:
    mine, other = GridFactory(), GridFactory()
    staff = make_staff(mine.community)

    assert _ids(client_for(staff).get("/api/v1/grids/")) == [mine.pk]
    assert client_for(staff).get(f"/api/v1/grids/{other.pk}/").status_code == 404


def test_administrators_see_every_grid(client_for: Any) -> None:
    grids = GridFactory.create_batch(3)

    assert _ids(client_for(UserFactory(is_superuser=True)).get("/api/v1/grids/")) == [
        g.pk for g in grids
    ]


def test_a_worker_sees_their_own_grid_only(client_for: Any) -> None:
    grid, _other = GridFactory(), GridFactory()
    worker = make_worker(grid)

    assert _ids(client_for(worker).get("/api/v1/grids/")) == [grid.pk]


def test_grid_body_has_population_boundary_and_worker_public_name(client_for: Any) -> None:
    boundary = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    grid = GridFactory(population=480, boundary=boundary)
    make_worker(grid, display_name="王网格", phone="13800000001", username="wang")

    body = client_for(make_staff(grid.community)).get(f"/api/v1/grids/{grid.pk}/").json()

    assert body["population"] == 480
    assert body["boundary"] == boundary
    assert body["worker_name"] == "王网格"
    assert body["community"]["id"] == grid.community_id


def test_staff_read_the_grids_worker_as_a_user_id_with_the_public_name(client_for: Any) -> None:
    grid = GridFactory()
    worker = make_worker(grid, display_name="王网格")
    staff = client_for(make_staff(grid.community))

    detail = staff.get(f"/api/v1/grids/{grid.pk}/").json()
    listed = staff.get("/api/v1/grids/").json()["results"]

    assert detail["worker"] == {"id": worker.pk, "name": "王网格"}
    assert listed[0]["worker"] == {"id": worker.pk, "name": "王网格"}
    # ... and can assign a hazard to exactly that id.
    assert staff.get(f"/api/v1/hazards/?assignee={detail['worker']['id']}").status_code == 200


def test_only_staff_and_administrators_get_the_workers_id(client_for: Any) -> None:
    grid, uncovered = GridFactory(), GridFactory()
    worker = make_worker(grid, display_name="王网格")
    resident = UserFactory(home_building=BuildingFactory(community=grid.community, grid=grid))
    admin = client_for(UserFactory(is_superuser=True))

    as_resident = client_for(resident).get("/api/v1/my-grid/").json()["grid"]
    as_worker = client_for(worker).get(f"/api/v1/grids/{grid.pk}/").json()

    assert as_resident["worker"] is None and as_resident["worker_name"] == "王网格"
    assert as_worker["worker"] is None
    assert admin.get(f"/api/v1/grids/{grid.pk}/").json()["worker"]["id"] == worker.pk
    assert admin.get(f"/api/v1/grids/{uncovered.pk}/").json()["worker"] is None


def test_resident_reads_their_grid_and_only_the_worker_public_name(client_for: Any) -> None:
    grid = GridFactory()
    make_worker(grid, display_name="王网格", phone="13800000001", username="wang.secret")
    resident = UserFactory(home_building=BuildingFactory(community=grid.community, grid=grid))

    response = client_for(resident).get("/api/v1/my-grid/")

    body = response.json()
    assert body["relation"] == "resident"
    assert body["grid"]["id"] == grid.pk
    assert body["grid"]["worker_name"] == "王网格"
    text = response.content.decode()
    assert "13800000001" not in text and "wang.secret" not in text


def test_resident_sees_no_other_grid(client_for: Any) -> None:
    grid, other = GridFactory(), GridFactory()
    resident = UserFactory(home_building=BuildingFactory(community=grid.community, grid=grid))

    assert _ids(client_for(resident).get("/api/v1/grids/")) == [grid.pk]
    assert client_for(resident).get(f"/api/v1/grids/{other.pk}/").status_code == 404


def test_worker_reads_their_own_grid(client_for: Any) -> None:
    grid = GridFactory()
    worker = make_worker(grid)

    body = client_for(worker).get("/api/v1/my-grid/").json()

    assert (body["relation"], body["grid"]["id"]) == ("worker", grid.pk)


def test_my_grid_without_a_grid_is_404(client_for: Any) -> None:
    response = client_for(UserFactory()).get("/api/v1/my-grid/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_residents_see_no_buildings_or_enterprises(client_for: Any) -> None:
    grid = GridFactory()
    BuildingFactory(community=grid.community, grid=grid)
    _enterprise(grid.community, grid)
    client = client_for(UserFactory())

    assert _ids(client.get("/api/v1/buildings/")) == []
    assert _ids(client.get("/api/v1/enterprises/")) == []


def test_worker_sees_the_buildings_and_enterprises_of_their_grid(client_for: Any) -> None:
    grid = GridFactory()
    mine = BuildingFactory(community=grid.community, grid=grid)
    BuildingFactory(community=grid.community)
    site = _enterprise(grid.community, grid)
    _enterprise(grid.community)
    client = client_for(make_worker(grid))

    assert _ids(client.get("/api/v1/buildings/")) == [mine.pk]
    assert _ids(client.get("/api/v1/enterprises/")) == [site.pk]


def test_enterprises_filter_by_blacklist_and_risk(client_for: Any) -> None:
    community = CommunityFactory()
    bad = _enterprise(community, is_blacklisted=True, blacklist_reason="重大隐患屡改屡犯")
    red = _enterprise(community, risk_colour="red")
    client = client_for(make_staff(community))

    assert _ids(client.get("/api/v1/enterprises/", {"is_blacklisted": "true"})) == [bad.pk]
    assert _ids(client.get("/api/v1/enterprises/", {"risk_colour": "red"})) == [red.pk]
    detail = client.get(f"/api/v1/enterprises/{bad.pk}/").json()
    assert detail["blacklist_reason"] == "重大隐患屡改屡犯"


def test_buildings_filter_by_grid_and_search(client_for: Any) -> None:
    grid = GridFactory()
    wanted = BuildingFactory(community=grid.community, grid=grid, name="12号楼3单元")
    BuildingFactory(community=grid.community, grid=grid, name="13号楼")
    client = client_for(make_staff(grid.community))

    assert _ids(client.get("/api/v1/buildings/", {"search": "3单元"})) == [wanted.pk]
    assert len(_ids(client.get("/api/v1/buildings/", {"grid": grid.pk}))) == 2


def test_locate_answers_grid_and_nearest_building(client_for: Any) -> None:
    grid = GridFactory()
    near = BuildingFactory(community=grid.community, grid=grid, lat=32.0600, lng=118.7900)
    BuildingFactory(community=grid.community, grid=grid, lat=32.0620, lng=118.7900)

    body = client_for(UserFactory()).get("/api/v1/locate/", {"lat": 32.0601, "lng": 118.79}).json()

    assert body["grid"]["id"] == grid.pk
    assert body["building"]["id"] == near.pk
    assert body["community"]["id"] == grid.community_id
    assert 5 < body["distance_m"] < 20


def test_locate_outside_every_community_is_400(client_for: Any) -> None:
    BuildingFactory(lat=32.06, lng=118.79)

    response = client_for(UserFactory()).get("/api/v1/locate/", {"lat": 39.9, "lng": 116.4})

    assert response.status_code == 400
    assert response.json()["code"] == "outside_area"


@pytest.mark.parametrize("query", [{"lat": 91, "lng": 0}, {"lat": "x", "lng": 0}, {"lat": 1}])
def test_locate_with_bad_coordinates_is_400(client_for: Any, query: dict[str, Any]) -> None:
    response = client_for(UserFactory()).get("/api/v1/locate/", query)

    assert response.status_code == 400
    assert "fields" in response.json()


@pytest.mark.parametrize(
    ("url", "make_rows"),
    [
        ("/api/v1/grids/", lambda c, n: [make_worker(GridFactory(community=c)) for _ in range(n)]),
        ("/api/v1/buildings/", lambda c, n: BuildingFactory.create_batch(n, community=c)),
        ("/api/v1/enterprises/", lambda c, n: [_enterprise(c) for _ in range(n)]),
        ("/api/v1/communities/", lambda c, n: CommunityFactory.create_batch(n)),
        ("/api/v1/districts/", lambda c, n: DistrictFactory.create_batch(n)),
    ],
)
def test_list_query_count_is_the_same_for_1_and_50_rows(
    client_for: Any, url: str, make_rows: Any
) -> None:
    community = CommunityFactory()
    client = client_for(make_staff(community))
    make_rows(community, 1)

    assert_query_budget(
        lambda: client.get(url), grow=lambda: make_rows(community, 49), queries=None
    )
    assert len(_ids(client.get(url))) >= 50
