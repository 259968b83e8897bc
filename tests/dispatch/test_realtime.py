"""Offers and stand-downs reach exactly the people concerned, live or on reconnect."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from config.realtime.models import Event
from config.realtime.tickets import ws_ticket_issue
from dispatch.models import Dispatch
from dispatch.services import dispatch_open, offer_accept
from grids.models import User
from tests.dispatch.conftest import INCIDENT, Scene

pytestmark = pytest.mark.django_db(transaction=True)


async def _socket(user: User, query: str = "") -> WebsocketCommunicator:
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)
    communicator = WebsocketCommunicator(application, f"/ws/v1/events/?ticket={ticket}{query}")
    connected, _code = await communicator.connect(timeout=5)
    assert connected
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    return communicator


async def _messages(communicator: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    """The next ``count`` messages, and then nothing more."""
    received = [await communicator.receive_json_from(timeout=5) for _ in range(count)]
    assert await communicator.receive_nothing(timeout=0.5)
    return received


def _last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _open(scene: Scene, **kwargs: Any) -> Dispatch:
    return dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1], **kwargs)


async def test_the_offered_volunteer_alone_hears_the_offer_without_the_place(
    scene: Scene,
) -> None:
    near = await sync_to_async(scene.make_volunteer)(100)
    too_far = await sync_to_async(scene.make_volunteer)(3000)
    near_socket, far_socket = await _socket(near), await _socket(too_far)
    worker_socket = await _socket(scene.worker)

    dispatch = await sync_to_async(_open)(scene, description="老人摔倒")

    offers = await _messages(near_socket, 1)
    assert [m["type"] for m in offers] == ["dispatch.offered"]
    offer = await sync_to_async(dispatch.offers.get)()
    assert offers[0]["data"] == {
        "offer": offer.pk,
        "dispatch": dispatch.pk,
        "status": "offered",
        "distance_m": 100,
        "area": "鼓楼社区 第1网格",
        "skill": None,
        "urgency": "urgent",
        "is_drill": False,
        "people_needed": 1,
        "offered_at": offer.offered_at.isoformat(),
    }
    assert await _messages(far_socket, 0) == []
    told = await _messages(worker_socket, 1)
    assert [m["type"] for m in told] == ["dispatch.opened"]
    assert told[0]["data"]["lat"] == INCIDENT[0]  # the grid's worker sees the place
    for socket in (near_socket, far_socket, worker_socket):
        await socket.disconnect()


async def test_stand_down_reaches_the_others_once_the_places_are_filled(scene: Scene) -> None:
    first = await sync_to_async(scene.make_volunteer)(100)
    second = await sync_to_async(scene.make_volunteer)(200)
    dispatch = await sync_to_async(_open)(scene)
    offer = await sync_to_async(dispatch.offers.get)(volunteer=first)
    second_socket = await _socket(second)

    await sync_to_async(offer_accept)(user=first, offer_id=offer.pk)

    heard = await _messages(second_socket, 1)
    assert [(m["type"], m["data"]) for m in heard] == [
        ("dispatch.stood_down", {"dispatch": dispatch.pk, "reason": "filled"})
    ]
    await second_socket.disconnect()


async def test_a_phone_that_reconnects_gets_the_offer_it_missed(scene: Scene) -> None:
    volunteer = await sync_to_async(scene.make_volunteer)(100)
    socket = await _socket(volunteer)
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from(timeout=5)) == {"type": "pong"}
    await socket.disconnect()
    from config.realtime.models import Event

    last_seen = await sync_to_async(
        lambda: Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    )()

    dispatch = await sync_to_async(_open)(scene)  # while the phone is offline
    back = await _socket(volunteer, f"&last_event_id={last_seen}")

    missed = await _messages(back, 1)
    assert [(m["type"], m["data"]["dispatch"]) for m in missed] == [
        ("dispatch.offered", dispatch.pk)
    ]
    await back.disconnect()
