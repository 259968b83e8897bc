"""The one websocket endpoint: authorize on connect, join groups, forward events.

No domain logic lives here. Which groups a user belongs to is answered by the function
named in ``settings.REALTIME_AUDIENCES`` (owned by ``grids``), so this package imports no
app.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.module_loading import import_string

from config.realtime.control import token_group
from config.realtime.models import Event
from config.realtime.publish import GROUP_MESSAGE_TYPE, event_envelope

CLOSE_UNAUTHENTICATED = 4401
REPLAY_LIMIT = 500


def user_groups(user: Any) -> list[str]:
    """The groups ``user`` listens to: their own plus what the audience resolver grants."""
    resolver = import_string(settings.REALTIME_AUDIENCES)
    return sorted({f"user.{user.pk}", *resolver(user)})


def missed_events(*, groups: list[str], after_id: int) -> list[dict[str, Any]]:
    """Events for any of ``groups`` logged after ``after_id``, oldest first."""
    events = (
        Event.objects.filter(id__gt=after_id, audiences__group__in=groups)
        .distinct()
        .order_by("id")[:REPLAY_LIMIT]
    )
    return [event_envelope(event) for event in events]


class EventsConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/v1/events/``: pushes events; ``?last_event_id=N`` replays what was missed."""

    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = []
        await self._join(await database_sync_to_async(user_groups)(user))
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
        # one trip to the single sync thread per socket per event. Forwarding an event
        # touches no database, so it skips that trip: with 1,000 sockets those trips,
        # queued one after another, are most of the fan-out time.
        if message["type"] == GROUP_MESSAGE_TYPE:
            await self.event_message(message)
            return
        await super().dispatch(message)

    async def event_message(self, message: dict[str, Any]) -> None:
        # Checked per event: a socket whose scope shrank since it joined a group (and
        # that has not left it yet) must not receive what its user could no longer read.
        if set(message.get("groups", [])) & set(self.groups_joined):
            await self.send_json(message["event"])

    async def realtime_close(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def realtime_refresh(self, message: dict[str, Any]) -> None:
        user = self.scope["user"]
        await database_sync_to_async(user.refresh_from_db)()
        user.__dict__.pop("_role_cache", None)
        if not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self._join(await database_sync_to_async(user_groups)(user))

    async def _replay_from_query(self) -> None:
        query = self.scope.get("query_string", b"").decode()
        params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        if "last_event_id" in params:
            await self._replay(after_id=_as_int(params["last_event_id"]))

    async def _replay(self, *, after_id: int | None) -> None:
        if after_id is None:
            await self.send_json({"type": "error", "data": {"code": "invalid_last_event_id"}})
            return
        events = await database_sync_to_async(missed_events)(
            groups=self.groups_joined, after_id=after_id
        )
        for event in events:
            await self.send_json(event)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
