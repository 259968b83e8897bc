"""Ids past the 64-bit range are a 400 naming the filter, or a 404 in a path; never a 500.

Runs on SQLite (`make test`) and on PostgreSQL (`.ci/run`): SQLite overflowed converting
the number, PostgreSQL refuses it as out of range for bigint.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from grids.models import User
from tests.factories import GridFactory, UserFactory, make_worker
from tests.inspections.factories import jpeg_bytes, upload

pytestmark = pytest.mark.django_db

TOO_BIG = str(2**64)
JUST_TOO_BIG = str(2**63)

FILTERS = [
    ("/api/v1/communities/", "district"),
    ("/api/v1/grids/", "community"),
    ("/api/v1/grids/", "district"),
    ("/api/v1/buildings/", "community"),
    ("/api/v1/buildings/", "grid"),
    ("/api/v1/enterprises/", "community"),
    ("/api/v1/enterprises/", "grid"),
    ("/api/v1/hazards/", "grid"),
    ("/api/v1/hazards/", "community"),
    ("/api/v1/hazards/", "district"),
    ("/api/v1/hazards/", "assignee"),
    ("/api/v1/hazards/", "reporter"),
    ("/api/v1/coverage/", "community"),
    ("/api/v1/coverage/", "district"),
    ("/api/v1/points/leaderboard/", "community"),
]


@pytest.fixture
def administrator(client_for: Callable[[User], APIClient]) -> APIClient:
    return client_for(UserFactory(is_superuser=True, is_staff=True))


@pytest.mark.parametrize("value", [TOO_BIG, JUST_TOO_BIG])
@pytest.mark.parametrize(("url", "name"), FILTERS)
def test_an_id_filter_past_the_range_is_400_naming_it(
    administrator: APIClient, url: str, name: str, value: str
) -> None:
    response = administrator.get(url, {name: value})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [name]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/grids/{}/",
        "/api/v1/buildings/{}/",
        "/api/v1/enterprises/{}/",
        "/api/v1/hazards/{}/",
        "/api/v1/photos/{}/display/",
    ],
)
def test_an_id_path_past_the_range_is_404(administrator: APIClient, path: str) -> None:
    response = administrator.get(path.format(TOO_BIG))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/inspections/{}/items/extinguisher/photo/",
        "/api/v1/hazards/{}/photos/",
        "/api/v1/hazards/{}/comments/",
        "/api/v1/hazards/{}/me-too/",
        "/api/v1/rewards/{}/redeem/",
        "/api/v1/grids/{}/worker/",
    ],
)
def test_a_write_to_an_id_path_past_the_range_is_404(
    client_for: Callable[[User], APIClient], path: str
) -> None:
    worker = make_worker(GridFactory())

    response = client_for(worker).post(
        path.format(TOO_BIG), {"file": upload(jpeg_bytes())}, format="multipart"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/vouchers/AB%00CD/", "/api/v1/vouchers/AB%00CD/fulfil/", "/api/v1/photos/1/x%00/"],
)
def test_a_nul_byte_in_a_path_code_is_a_404_not_a_database_error(
    path: str, client_for: Callable[[User], APIClient]
) -> None:
    # PostgreSQL refuses NUL in text: looked up, it was a 500 there (schema fuzzing found it).
    client = client_for(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(path) if path.endswith("fulfil/") else client.get(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
