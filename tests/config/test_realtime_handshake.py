"""The websocket handshake under a reconnect storm: one statement, never the sync thread.

After a deploy or a network blip every phone of a district reconnects at once; what each
handshake costs in database work, and whether handshakes queue behind each other, decides
whether they all get in before Daphne's handshake timeout.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.db.backends.signals import connection_created
from django.test import Client

from config.asgi import application
from config.realtime.publish import publish
from config.realtime.tickets import ws_ticket_issue, ws_ticket_redeem
from grids.audiences import community_staff_group
from grids.models import Role
from grids.services import role_grant
from tests.factories import CommunityFactory, UserFactory
from tests.realtime_types import TEST_N, TEST_STORM

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def statements_on_every_thread() -> Iterator[list[str]]:
    """Every SQL statement sent while inside, from any thread (the handshake runs on the
    thread pool, where the test's own connection does not see it)."""
    seen: list[str] = []
    wrapped: weakref.WeakSet[Any] = weakref.WeakSet()

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    def wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection not in wrapped:
            wrapped.add(connection)
            connection.execute_wrappers.append(record)

    connection_created.connect(wrap)
    try:
        yield seen
    finally:
        connection_created.disconnect(wrap)
        for connection in list(wrapped):
            connection.execute_wrappers.remove(record)


async def _open(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> Any:
    communicator = WebsocketCommunicator(application, path, headers=headers or [])
    connected, _code = await communicator.connect(timeout=10)
    assert connected
    return communicator


async def test_a_ticket_handshake_costs_one_statement() -> None:
    community = await sync_to_async(CommunityFactory)()
    staff = await sync_to_async(UserFactory)()
    await sync_to_async(role_grant)(user=staff, role=Role.COMMUNITY_STAFF, community=community)
    ticket, _row = await sync_to_async(ws_ticket_issue)(user=staff)

    with statements_on_every_thread() as statements:
        communicator = await _open(f"/ws/v1/events/?ticket={ticket}")
        hello = await communicator.receive_json_from()

    assert hello == {
        "type": "hello",
        "data": {"groups": sorted([f"community.{community.pk}.staff", f"user.{staff.pk}"])},
    }
    assert len(statements) == 1
    assert statements[0].lstrip().upper().startswith("DELETE")
    await communicator.disconnect()


async def test_handshakes_never_wait_for_the_single_sync_thread() -> None:
    users = await sync_to_async(UserFactory.create_batch)(40)
    tickets = [(await sync_to_async(ws_ticket_issue)(user=user))[0] for user in users]
    release = threading.Event()
    # Occupy the one thread that thread-sensitive calls queue through, as a slow query of
    # another socket would; the handshakes must all complete while it stays busy.
    blocker = asyncio.ensure_future(sync_to_async(release.wait, thread_sensitive=True)(30))
    try:
        communicators = await asyncio.gather(
            *(_open(f"/ws/v1/events/?ticket={ticket}") for ticket in tickets)
        )
        hellos = await asyncio.gather(*(c.receive_json_from(timeout=10) for c in communicators))
    finally:
        release.set()
        await blocker

    assert sorted(hello["data"]["groups"][0] for hello in hellos) == sorted(
        f"user.{user.pk}" for user in users
    )
    await asyncio.gather(*(c.disconnect() for c in communicators))


async def test_many_sockets_connecting_at_once_all_receive_the_next_event() -> None:
    community = await sync_to_async(CommunityFactory)()
    users = await sync_to_async(UserFactory.create_batch)(60)
    for user in users:
        await sync_to_async(role_grant)(user=user, role=Role.COMMUNITY_STAFF, community=community)
    tickets = [(await sync_to_async(ws_ticket_issue)(user=user))[0] for user in users]

    communicators = await asyncio.gather(
        *(_open(f"/ws/v1/events/?ticket={ticket}") for ticket in tickets)
    )
    await asyncio.gather(*(c.receive_json_from(timeout=10) for c in communicators))

    def announce() -> int:
        with transaction.atomic():
            group = f"community.{community.pk}.staff"
            return publish(type=TEST_STORM, data={}, audiences=[group]).pk

    event_id = await sync_to_async(announce)()
    received = await asyncio.gather(*(c.receive_json_from(timeout=10) for c in communicators))

    assert [message["id"] for message in received] == [event_id] * len(users)
    await asyncio.gather(*(c.disconnect() for c in communicators))


def test_a_ticket_is_used_up_by_its_one_statement(django_assert_num_queries: Any) -> None:
    user = UserFactory()
    ticket, _row = ws_ticket_issue(user=user)

    with django_assert_num_queries(1):
        first = ws_ticket_redeem(ticket=ticket)
    second = ws_ticket_redeem(ticket=ticket)

    assert first is not None
    assert (first.user_id, first.groups) == (user.pk, [f"user.{user.pk}"])
    assert second is None


def test_a_ticket_of_a_deactivated_user_opens_nothing() -> None:
    user = UserFactory()
    ticket, _row = ws_ticket_issue(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert ws_ticket_redeem(ticket=ticket) is None


async def test_a_role_change_refuses_tickets_issued_before_it() -> None:
    community = await sync_to_async(CommunityFactory)()
    user = await sync_to_async(UserFactory)()
    stale, _row = await sync_to_async(ws_ticket_issue)(user=user)

    def grant() -> None:
        with transaction.atomic():
            role_grant(user=user, role=Role.COMMUNITY_STAFF, community=community)

    await sync_to_async(grant)()
    refused = WebsocketCommunicator(application, f"/ws/v1/events/?ticket={stale}")
    connected, code = await refused.connect(timeout=10)
    fresh, _row = await sync_to_async(ws_ticket_issue)(user=user)
    communicator = await _open(f"/ws/v1/events/?ticket={fresh}")
    hello = await communicator.receive_json_from()

    assert (connected, code) == (False, 4401)
    assert f"community.{community.pk}.staff" in hello["data"]["groups"]
    await communicator.disconnect()


async def test_the_web_app_connects_with_its_session_cookie() -> None:
    user = await sync_to_async(UserFactory)()
    browser = Client()
    await sync_to_async(browser.force_login)(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()

    communicator = await _open(
        "/ws/v1/events/", headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)]
    )
    hello = await communicator.receive_json_from()

    assert hello == {"type": "hello", "data": {"groups": [f"user.{user.pk}"]}}
    await communicator.disconnect()


async def test_a_session_cookie_without_origin_is_ignored() -> None:
    user = await sync_to_async(UserFactory)()
    browser = Client()
    await sync_to_async(browser.force_login)(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()

    communicator = WebsocketCommunicator(application, "/ws/v1/events/", [(b"cookie", cookie)])
    connected, code = await communicator.connect(timeout=10)

    assert (connected, code) == (False, 4401)


async def test_an_event_for_two_of_the_users_groups_is_replayed_once() -> None:
    community = await sync_to_async(CommunityFactory)()
    staff = await sync_to_async(UserFactory)()
    await sync_to_async(role_grant)(user=staff, role=Role.COMMUNITY_STAFF, community=community)

    def announce(n: int, audiences: list[str]) -> int:
        with transaction.atomic():
            return publish(type=TEST_N, data={"n": n}, audiences=audiences).pk

    both = [f"user.{staff.pk}", f"community.{community.pk}.staff"]
    seen = await sync_to_async(announce)(1, both)
    await sync_to_async(announce)(2, both)
    await sync_to_async(announce)(3, [community_staff_group(community.pk + 1)])  # not theirs
    await sync_to_async(announce)(4, both[1:])
    ticket, _row = await sync_to_async(ws_ticket_issue)(user=staff)

    communicator = await _open(f"/ws/v1/events/?ticket={ticket}&last_event_id={seen}")
    await communicator.receive_json_from()
    replayed = [await communicator.receive_json_from() for _ in range(2)]

    assert [(m["data"]["n"], m["type"], m["version"]) for m in replayed] == [
        (2, "test.n", 1),
        (4, "test.n", 1),
    ]
    assert all(m["occurred_at"].endswith("+08:00") for m in replayed)  # as every time we show
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


@pytest.mark.parametrize(("last_event_id", "replayed"), [("-5", 1), (str(2**70), 0)])
async def test_a_last_event_id_out_of_range_replays_sensibly(
    last_event_id: str, replayed: int
) -> None:
    user = await sync_to_async(UserFactory)()

    def announce() -> int:
        with transaction.atomic():
            return publish(type=TEST_N, data={"n": 1}, audiences=[f"user.{user.pk}"]).pk

    event_id = await sync_to_async(announce)()
    ticket, _row = await sync_to_async(ws_ticket_issue)(user=user)

    communicator = await _open(f"/ws/v1/events/?ticket={ticket}&last_event_id={last_event_id}")
    await communicator.receive_json_from()
    received = [(await communicator.receive_json_from())["id"] for _ in range(replayed)]

    assert received == [event_id] * replayed
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()
