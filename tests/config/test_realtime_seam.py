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
from tests.realtime_types import TEST_N, TEST_PING

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
            return publish(type=TEST_PING, data={"n": 1}, audiences=[f"user.{user.pk}"])

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
                publish(type=TEST_PING, data={}, audiences=[f"user.{user.pk}"])
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
            return publish(type=TEST_N, data={"n": n}, audiences=[f"user.{to.pk}"]).pk

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


async def _ticket_socket(user: Any, token_key: str = "") -> Any:
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user, token_key=token_key)
    communicator, connected, _ = await _connect(f"/ws/v1/events/?ticket={ticket}")
    assert connected
    await communicator.receive_json_from()
    return communicator


async def test_logout_closes_the_sockets_opened_with_that_token() -> None:
    from knox.models import AuthToken

    user = await sync_to_async(UserFactory)()
    instance, token = await sync_to_async(AuthToken.objects.create)(user)
    communicator = await _ticket_socket(user, token_key=instance.token_key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = await sync_to_async(client.post)("/api/v1/auth/logout/")

    assert response.status_code == 204
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}


async def test_revoked_role_stops_community_events_on_an_open_socket() -> None:
    from grids.models import Role
    from grids.services import role_grant, role_revoke
    from tests.factories import CommunityFactory

    community = await sync_to_async(CommunityFactory)()
    staff = await sync_to_async(UserFactory)()
    await sync_to_async(role_grant)(user=staff, role=Role.COMMUNITY_STAFF, community=community)
    communicator = await _ticket_socket(staff)
    group = f"community.{community.pk}.staff"

    def announce(n: int) -> None:
        with transaction.atomic():
            publish(type=TEST_N, data={"n": n}, audiences=[group])

    await sync_to_async(announce)(1)
    assert (await communicator.receive_json_from(timeout=5))["data"] == {"n": 1}

    def revoke() -> None:
        with transaction.atomic():
            role_revoke(user=staff, role=Role.COMMUNITY_STAFF, community=community)

    await sync_to_async(revoke)()
    await communicator.receive_nothing(timeout=0.5)
    await sync_to_async(announce)(2)

    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_events_published_while_the_layer_is_down_are_flushed_later(
    settings: Any,
) -> None:
    from channels.layers import channel_layers
    from django.core.management import call_command

    user = await sync_to_async(UserFactory)()
    working_layers = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }
    channel_layers.backends.clear()

    def announce() -> Event:
        with transaction.atomic():
            return publish(type=TEST_PING, data={"n": 7}, audiences=[f"user.{user.pk}"])

    try:
        event = await sync_to_async(announce)()
    finally:
        settings.CHANNEL_LAYERS = working_layers
        channel_layers.backends.clear()
    await sync_to_async(event.refresh_from_db)()
    assert event.published_at is None

    communicator = await _ticket_socket(user)
    await sync_to_async(Event.objects.filter(pk=event.pk).update)(
        created_at=event.created_at.replace(year=event.created_at.year - 1)
    )
    await sync_to_async(call_command)("realtime_flush", stdout=__import__("io").StringIO())

    message = await communicator.receive_json_from(timeout=5)
    assert message["id"] == event.pk
    await sync_to_async(event.refresh_from_db)()
    assert event.published_at is not None
    await communicator.disconnect()


BROKEN_LAYER = {  # nothing listens on port 9: every send fails
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
    }
}


def test_a_delivery_retries_older_events_once_a_second_and_at_once_after_its_own_failure(
    settings: Any,
) -> None:
    from datetime import timedelta

    from channels.layers import channel_layers
    from django.utils import timezone

    from config.realtime.models import EventAudience

    user = UserFactory()
    group = f"user.{user.pk}"

    def announce() -> Event:
        with transaction.atomic():
            return publish(type=TEST_PING, data={"n": 1}, audiences=[group])

    announce()  # a delivery that looked for older events just now
    settings.REALTIME_FLUSH_EVERY_SECONDS = 3600
    stale = Event.objects.create(type=TEST_PING.name, version=TEST_PING.version, data={"n": 0})
    EventAudience.objects.create(event=stale, group=group)
    Event.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=1))

    announce()
    stale.refresh_from_db()
    assert stale.published_at is None, "not looked for again within the interval"

    working_layers = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = BROKEN_LAYER
    channel_layers.backends.clear()
    try:
        failed = announce()
    finally:
        settings.CHANNEL_LAYERS = working_layers
        channel_layers.backends.clear()
    failed.refresh_from_db()
    assert failed.published_at is None

    announce()
    stale.refresh_from_db()
    assert stale.published_at is not None, "this process's failure made the next one look"


def test_catalogue_lists_registered_event_types(client_for: Any) -> None:
    from config.realtime.catalogue import EventType, register_event_type

    register_event_type(
        EventType(
            name="test.catalogued",
            version=2,
            description="A test event.",
            audiences="user",
            data={"n": "a number"},
        )
    )
    user = UserFactory()

    body = client_for(user).get("/api/v1/events/types/").json()

    assert {
        "type": "test.catalogued",
        "version": 2,
        "description": "A test event.",
        "audiences": "user",
        "data": {"n": "a number"},
    } in body


async def test_publish_many_logs_each_event_for_its_own_audience_after_commit() -> None:
    from config.realtime.publish import publish_many

    first, second = await sync_to_async(UserFactory)(), await sync_to_async(UserFactory)()
    sockets = []
    for user in (first, second):
        ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)
        communicator, connected, _ = await _connect(f"/ws/v1/events/?ticket={ticket}")
        assert connected
        await communicator.receive_json_from()
        sockets.append(communicator)

    def announce() -> list[Event]:
        with transaction.atomic():
            return publish_many(
                type=TEST_PING,
                items=[({"n": 1}, [f"user.{first.pk}"]), ({"n": 2}, [f"user.{second.pk}"])],
            )

    events = await sync_to_async(announce)()

    heard = [await socket.receive_json_from(timeout=5) for socket in sockets]
    assert [(m["id"], m["data"]) for m in heard] == [
        (events[0].pk, {"n": 1}),
        (events[1].pk, {"n": 2}),
    ]
    for socket in sockets:
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
    published = await sync_to_async(
        lambda: Event.objects.filter(published_at__isnull=False).count()
    )()
    assert published == 2
