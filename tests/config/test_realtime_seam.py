"""The realtime seam: tickets, websocket authentication, publish-after-commit, replay."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from rest_framework.test import APIClient

from config.asgi import application
from config.realtime.models import Event
from config.realtime.publish import publish
from config.realtime.tickets import ws_ticket_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> Any:
    communicator = WebsocketCommunicator(application, path, headers=headers or [])
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def test_ticket_from_rest_opens_the_socket_once(client_for: Any) -> None:
    user = await sync_to_async(UserFactory)()
    client: APIClient = await sync_to_async(client_for)(user)
    response = await sync_to_async(client.post)("/api/v1/auth/ws-ticket/")
    assert response.status_code == 201
    url = response.json()["url"]

    communicator, connected, _ = await _connect(url)
    assert connected
    hello = await communicator.receive_json_from()
    assert hello == {"type": "hello", "data": {"groups": [f"user.{user.pk}"]}}
    await communicator.disconnect()

    again, connected_again, code = await _connect(url)
    assert not connected_again
    assert code == 4401


async def test_no_ticket_and_no_cookie_is_refused() -> None:
    communicator, connected, code = await _connect("/ws/v1/events/")

    assert not connected
    assert code == 4401


async def test_foreign_origin_is_refused_even_with_a_ticket() -> None:
    user = await sync_to_async(UserFactory)()
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)

    communicator, connected, code = await _connect(
        f"/ws/v1/events/?ticket={ticket}", headers=[(b"origin", b"https://evil.example.com")]
    )

    assert not connected
    assert code == 4403


async def test_event_published_in_a_committed_transaction_reaches_the_user() -> None:
    user = await sync_to_async(UserFactory)()
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)
    communicator, connected, _ = await _connect(f"/ws/v1/events/?ticket={ticket}")
    assert connected
    await communicator.receive_json_from()

    def announce() -> Event:
        with transaction.atomic():
            return publish(type="test.ping", data={"n": 1}, audiences=[f"user.{user.pk}"])

    event = await sync_to_async(announce)()

    message = await communicator.receive_json_from(timeout=5)
    assert message["id"] == event.pk
    assert message["type"] == "test.ping"
    assert message["data"] == {"n": 1}
    await communicator.disconnect()


async def test_event_of_a_rolled_back_transaction_is_never_sent_nor_logged() -> None:
    user = await sync_to_async(UserFactory)()
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)
    communicator, connected, _ = await _connect(f"/ws/v1/events/?ticket={ticket}")
    await communicator.receive_json_from()

    def announce_then_fail() -> None:
        try:
            with transaction.atomic():
                publish(type="test.ping", data={}, audiences=[f"user.{user.pk}"])
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass

    await sync_to_async(announce_then_fail)()

    assert await communicator.receive_nothing(timeout=0.5)
    assert await sync_to_async(Event.objects.count)() == 0
    await communicator.disconnect()


async def test_reconnecting_with_last_event_id_replays_only_what_was_missed() -> None:
    user, other = await sync_to_async(UserFactory.create_batch)(2)

    def announce(n: int, to: Any) -> int:
        with transaction.atomic():
            return publish(type="test.n", data={"n": n}, audiences=[f"user.{to.pk}"]).pk

    seen = await sync_to_async(announce)(1, user)
    await sync_to_async(announce)(2, user)
    await sync_to_async(announce)(3, other)
    await sync_to_async(announce)(4, user)
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)

    communicator, connected, _ = await _connect(
        f"/ws/v1/events/?ticket={ticket}&last_event_id={seen}"
    )
    await communicator.receive_json_from()
    replayed = [(await communicator.receive_json_from())["data"]["n"] for _ in range(2)]

    assert replayed == [2, 4]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()
