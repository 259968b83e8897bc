"""The one websocket endpoint: authorize on connect, join groups, forward events.

No domain logic lives here. Which groups a user belongs to is answered by the audiences
module named in ``settings.REALTIME_AUDIENCES`` (``grids.audiences``, reached through
``config.realtime.groups``), so this package imports no app. The handshake's database
work is done by the middleware (one call, groups included); ``connect`` itself makes no
database call, and every later one runs on the thread pool (``config.realtime.threads``),
so no socket waits behind another's queries.
"""

from __future__ import annotations

from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from config.realtime.control import token_group
from config.realtime.groups import audiences_module
from config.realtime.models import Event, EventAudience
from config.realtime.publish import event_envelope
from config.realtime.threads import in_thread_pool

CLOSE_UNAUTHENTICATED = 4401
REPLAY_LIMIT = 500
BIGINT_MAX = 2**63 - 1


def missed_events(*, groups: list[str], after_id: int) -> list[dict[str, Any]]:
    """Events for any of ``groups`` logged after ``after_id``, oldest first.

    Written as SQL because every reconnecting phone asks it, all at once after a deploy:
    building the same query through the ORM cost three times what running it does.
    """
    if not groups or after_id >= BIGINT_MAX:  # nothing is newer than the largest id
        return []
    after_id = max(after_id, 0)
    marks = ", ".join(["%s"] * len(groups))
    query = (
        f"SELECT id, type, version, data, created_at FROM {Event._meta.db_table}"
        f" WHERE id > %s AND id IN (SELECT event_id FROM {EventAudience._meta.db_table}"
        f' WHERE event_id > %s AND "group" IN ({marks})) ORDER BY id LIMIT %s'
    )
    events = Event.objects.raw(query, [after_id, after_id, *groups, REPLAY_LIMIT])
    return [event_envelope(event) for event in events]


def fresh_user_and_groups(user_id: int) -> tuple[Any, list[str]]:
    """The user as the database has them now (None when gone or inactive) and their groups."""
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    return user, (audiences_module().user_groups(user) if user is not None else [])


class EventsConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/v1/events/``: pushes events; ``?last_event_id=N`` replays what was missed."""

    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = []
        groups = self.scope.get("realtime_groups")
        if groups is None:  # a scope from elsewhere (tests, another middleware)
            groups = await in_thread_pool(audiences_module().user_groups)(user)
        await self._join(groups)
        token_key = self.scope.get("token_key") or ""
        if token_key:
            # Lets a revoked token close the sockets it opened (see config.realtime.control).
            await self.channel_layer.group_add(token_group(token_key), self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "data": {"groups": self.groups_joined}})
        await self._replay_from_query()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        token_key = self.scope.get("token_key") or ""
        if token_key:
            await self.channel_layer.group_discard(token_group(token_key), self.channel_name)

    async def _join(self, groups: list[str]) -> None:
        for group in set(self.groups_joined) - set(groups):
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in set(groups) - set(self.groups_joined):
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "resume":
            await self._replay(after_id=_as_int(content.get("last_event_id")))
        elif isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler, which costs
        # one trip to the single sync thread per socket per message: with 1,000 sockets
        # those trips, queued one after another, were most of an event's fan-out time,
        # and in a reconnect storm they queue every handshake. Our handlers touch the
        # database only through in_thread_pool, which closes its own connection, so
        # they skip that trip.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            await super().dispatch(message)  # Channels' own error for an unknown type
            return
        await handler(message)

    async def event_message(self, message: dict[str, Any]) -> None:
        # Checked per event: a socket whose scope shrank since it joined a group (and
        # that has not left it yet) must not receive what its user could no longer read.
        if set(message.get("groups", [])) & set(self.groups_joined):
            await self.send_json(message["event"])

    async def realtime_close(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def realtime_refresh(self, message: dict[str, Any]) -> None:
        user, groups = await in_thread_pool(fresh_user_and_groups)(self.scope["user"].pk)
        if user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.scope["user"] = user
        await self._join(groups)

    async def _replay_from_query(self) -> None:
        query = self.scope.get("query_string", b"").decode()
        params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        if "last_event_id" in params:
            await self._replay(after_id=_as_int(params["last_event_id"]))

    async def _replay(self, *, after_id: int | None) -> None:
        if after_id is None:
            await self.send_json({"type": "error", "data": {"code": "invalid_last_event_id"}})
            return
        events = await in_thread_pool(missed_events)(groups=self.groups_joined, after_id=after_id)
        for event in events:
            await self.send_json(event)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
