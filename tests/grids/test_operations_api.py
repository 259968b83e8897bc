"""Staff operations over HTTP: partition and assignment preview/apply, worker, coverage."""

from __future__ import annotations

from typing import Any

import pytest

from grids.models import Building, Grid, GridAssignment
from tests.factories import CommunityFactory, GridFactory, UserFactory, make_staff, make_worker
from tests.grids.factories import make_available_worker, make_community_with_buildings

pytestmark = pytest.mark.django_db


def _url(community: Any, action: str) -> str:
    return f"/api/v1/communities/{community.pk}/{action}/"


def test_staff_preview_a_partition_of_their_community(client_for: Any) -> None:
    community, _buildings = make_community_with_buildings()

    response = client_for(make_staff(community)).post(_url(community, "partition/preview"))

    body = response.json()
    assert response.status_code == 200
    assert (body["grid_count"], body["residents"], body["applied"]) == (4, 2000, False)
    assert body["community"]["id"] == community.pk
    assert len(body["grids"]) == 4
    assert Grid.objects.count() == 0


def test_the_preview_says_whether_it_repairs_or_partitions_anew_in_the_users_language(
    client_for: Any,
) -> None:
    community, buildings = make_community_with_buildings()
    client = client_for(make_staff(community))
    first = client.post(_url(community, "partition/apply"), HTTP_ACCEPT_LANGUAGE="en").json()
    Building.objects.filter(pk=buildings[0].pk).update(residents=110)

    again = client.post(_url(community, "partition/preview"), HTTP_ACCEPT_LANGUAGE="en").json()
    in_chinese = client.post(
        _url(community, "partition/preview"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()

    assert (first["method"], first["full_reason"]) == ("full", "first_partition")
    assert first["method_note"] == "Full re-partition: the community had no grids yet."
    assert (again["method"], again["full_reason"]) == ("repair", None)
    assert again["method_note"] == (
        "Local repair: the grids were kept and only buildings near the change move."
    )
    assert in_chinese["method_note"] == "局部修复：保留原有网格，只调整变动附近的楼栋。"


def test_staff_apply_a_partition_with_their_own_target(client_for: Any) -> None:
    community, _buildings = make_community_with_buildings()
    client = client_for(make_staff(community))

    body = client.post(_url(community, "partition/apply"), {"target_grid_size": 1000}).json()

    assert (body["grid_count"], body["applied"]) == (2, True)
    assert Grid.objects.filter(community=community).count() == 2


def test_staff_of_another_community_get_404_and_nothing_changes(client_for: Any) -> None:
    community, _buildings = make_community_with_buildings()
    outsider = make_staff(CommunityFactory())

    response = client_for(outsider).post(_url(community, "partition/apply"))

    assert response.status_code == 404
    assert Grid.objects.count() == 0


@pytest.mark.parametrize("action", ["partition/preview", "assignment/apply"])
def test_residents_and_workers_may_not_run_operations(client_for: Any, action: str) -> None:
    community, _buildings = make_community_with_buildings()
    worker = make_worker(GridFactory(community=community))

    for user in (UserFactory(), worker):
        response = client_for(user).post(_url(community, action))
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"


def test_target_size_of_zero_is_400_and_nothing_written(client_for: Any) -> None:
    community, _buildings = make_community_with_buildings()
    client = client_for(make_staff(community))

    response = client.post(_url(community, "partition/apply"), {"target_grid_size": 0})

    assert response.status_code == 400
    assert "target_grid_size" in response.json()["fields"]
    assert Grid.objects.count() == 0


def test_empty_community_is_400(client_for: Any) -> None:
    community = CommunityFactory()

    response = client_for(make_staff(community)).post(_url(community, "partition/preview"))

    assert response.status_code == 400
    assert response.json()["code"] == "empty_community"


def test_assignment_preview_and_apply(client_for: Any) -> None:
    community, _buildings = make_community_with_buildings()
    client = client_for(make_staff(community))
    client.post(_url(community, "partition/apply"))
    workers = [make_available_worker(lat=32.06, lng=118.79 + i * 0.001) for i in range(3)]

    preview = client.post(_url(community, "assignment/preview")).json()
    applied = client.post(_url(community, "assignment/apply")).json()

    assert preview["uncovered_grids"] == 4 and len(preview["assignments"]) == 3
    assert preview["grids_left_uncovered"] == 1
    assert applied["assignments"] == preview["assignments"]
    assert set(GridAssignment.objects.values_list("worker_id", flat=True)) == {
        w.pk for w in workers
    }
    assert "phone" not in preview["assignments"][0]["worker"]


def test_assigning_a_covered_grid_over_http_is_409(client_for: Any) -> None:
    grid = GridFactory()
    make_worker(grid)
    newcomer = make_available_worker(lat=32.06, lng=118.79)

    response = client_for(make_staff(grid.community)).post(
        f"/api/v1/grids/{grid.pk}/worker/", {"worker": newcomer.pk}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "grid_covered"
    assert GridAssignment.objects.count() == 1


def test_staff_assign_and_unassign_a_worker(client_for: Any) -> None:
    grid = GridFactory()
    worker = make_available_worker(lat=32.06, lng=118.79)
    client = client_for(make_staff(grid.community))

    created = client.post(f"/api/v1/grids/{grid.pk}/worker/", {"worker": worker.pk})
    ended = client.delete(f"/api/v1/grids/{grid.pk}/worker/")

    assert created.status_code == 201
    assert created.json()["worker"] == {"id": worker.pk, "public_name": worker.display_name}
    assert ended.status_code == 200 and ended.json()["ended_at"] is not None


def test_coverage_over_http(client_for: Any) -> None:
    grid = GridFactory(population=500)
    make_worker(grid)
    client = client_for(make_staff(grid.community))

    body = client.get("/api/v1/coverage/", {"community": grid.community_id}).json()

    assert body["totals"]["kind"] == "community"
    assert body["totals"]["workers_on_duty"] == 1
    assert body["totals"]["standard_residents_per_worker"] == 500
    assert body["breakdown"] == []


def test_coverage_of_someone_elses_community_is_404(client_for: Any) -> None:
    mine, other = CommunityFactory(), CommunityFactory()

    response = client_for(make_staff(mine)).get("/api/v1/coverage/", {"community": other.pk})

    assert response.status_code == 404


def test_coverage_is_for_staff_only(client_for: Any) -> None:
    assert client_for(UserFactory()).get("/api/v1/coverage/").status_code == 403
