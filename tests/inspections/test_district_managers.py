"""District managers read their district's hazards, over REST and over the websocket."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ValidationError
from django.db import transaction

from config.asgi import application
from config.realtime.tickets import ws_ticket_issue
from grids.models import District, Role, User
from grids.services import role_grant
from inspections.services import hazard_report
from tests.factories import BuildingFactory, CommunityFactory, GridFactory, UserFactory
from tests.inspections.factories import HERE, CategoryFactory

FAR = (HERE[0] + 0.2, HERE[1])


def _city() -> dict[str, Any]:
    """Two districts, one community and building each; a manager of the first."""
    places: dict[str, Any] = {}
    for key, point in (("mine", HERE), ("theirs", FAR)):
        community = CommunityFactory()
        grid = GridFactory(community=community)
        BuildingFactory(community=community, grid=grid, lat=point[0], lng=point[1])
        places[key] = community.district
    manager = UserFactory()
    role_grant(user=manager, role=Role.DISTRICT_MANAGER, district=places["mine"])
    return {
        "manager": manager,
        "category": CategoryFactory(code="fire-exit"),
        "resident": UserFactory(),
        **places,
    }


def _report(city: dict[str, Any], point: tuple[float, float]) -> Any:
    with transaction.atomic():
        return hazard_report(
            user=city["resident"],
            category_code="fire-exit",
            description="楼道堆放杂物",
            lat=point[0],
            lng=point[1],
        ).hazard


@pytest.mark.django_db
def test_manager_lists_the_hazards_of_their_district_only(client_for: Any) -> None:
    city = _city()
    mine = _report(city, HERE)
    _report(city, FAR)

    body = client_for(city["manager"]).get("/api/v1/hazards/").json()

    assert [row["id"] for row in body["results"]] == [mine.pk]


@pytest.mark.django_db
def test_me_names_the_districts_a_manager_reads(client_for: Any) -> None:
    city = _city()

    body = client_for(city["manager"]).get("/api/v1/me/").json()

    assert "district_manager" in body["roles"]
    assert [d["id"] for d in body["managed_districts"]] == [city["mine"].pk]


@pytest.mark.django_db
def test_a_district_manager_needs_a_district() -> None:
    with pytest.raises(ValidationError):
        role_grant(user=UserFactory(), role=Role.DISTRICT_MANAGER)


@pytest.mark.django_db(transaction=True)
async def test_manager_socket_hears_their_district_and_not_the_other() -> None:
    city = await sync_to_async(_city)()
    manager: User = city["manager"]
    district: District = city["mine"]
    ticket, _row = await sync_to_async(ws_ticket_issue)(user=manager)
    communicator = WebsocketCommunicator(application, f"/ws/v1/events/?ticket={ticket}")
    connected, _code = await communicator.connect(timeout=5)
    assert connected
    hello = await communicator.receive_json_from()
    assert f"district.{district.pk}.managers" in hello["data"]["groups"]

    await sync_to_async(_report)(city, FAR)
    assert await communicator.receive_nothing(timeout=0.5)
    mine = await sync_to_async(_report)(city, HERE)

    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "hazard.reported"
    assert message["data"]["id"] == mine.pk
    await communicator.disconnect()


@pytest.mark.django_db
def test_manager_reads_coverage_of_their_district_only(client_for: Any) -> None:
    city = _city()
    client = client_for(city["manager"])

    mine = client.get(f"/api/v1/coverage/?district={city['mine'].pk}")
    theirs = client.get(f"/api/v1/coverage/?district={city['theirs'].pk}")

    assert mine.status_code == 200
    assert mine.json()["totals"]["residents"] == 50
    assert theirs.status_code == 404
