"""The role matrix, websockets: the groups a socket of each role joins (its "hello"), and
nothing more, so no event of another grid, community or district reaches it.

A socket is opened as a phone opens it: a token, a ticket from ``auth/ws-ticket/``, then
``/ws/v1/events/?ticket=...``. Anonymous gets no ticket and a socket without one is closed.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.asgi import application
from tests.security.world import ROLES, World, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def expected_groups(world: World) -> dict[str, Any]:
    """The cell of each role: the sorted groups of its hello, or the refusal code."""
    rows = world.rows

    def me(role: str) -> str:
        return f"user.{rows['user_' + role].pk}"

    return {
        "anonymous": ("refused", 4401),
        "resident": [me("resident")],
        "other_resident": [me("other_resident")],
        "worker": sorted([f"grid.{rows['grid_a1'].pk}.worker", me("worker")]),
        "other_worker": sorted([f"grid.{rows['grid_a2'].pk}.worker", me("other_worker")]),
        "staff": sorted([f"community.{rows['community_a'].pk}.staff", me("staff")]),
        "other_staff": sorted([f"community.{rows['community_b'].pk}.staff", me("other_staff")]),
        "tip_handler": sorted(
            [f"tips.district.{rows['district_a'].pk}.handlers", me("tip_handler")]
        ),
        "other_tip_handler": sorted(
            [f"tips.district.{rows['district_b'].pk}.handlers", me("other_tip_handler")]
        ),
        "district_manager": sorted(
            [f"district.{rows['district_a'].pk}.managers", me("district_manager")]
        ),
        "administrator": sorted(["administrators", me("administrator")]),
    }


def _ticket_url(user: Any) -> str:
    if user is None:
        return "/ws/v1/events/"
    _instance, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post("/api/v1/auth/ws-ticket/").json()["url"]


async def _hello(url: str) -> Any:
    communicator = WebsocketCommunicator(application, url)
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        return ("refused", code)
    hello = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    assert hello["type"] == "hello"
    return sorted(hello["data"]["groups"])


async def test_each_role_joins_exactly_its_groups() -> None:
    world = await sync_to_async(build_world)()
    expected = expected_groups(world)
    got = {}

    for role in ROLES:
        url = await sync_to_async(_ticket_url)(world.people[role])
        got[role] = await _hello(url)

    assert got == expected
