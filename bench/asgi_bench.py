"""ASGI app used only by bench/ws_fanout.py: the real application plus two bench routes.

- ``POST /bench/publish?group=G``: publishes a ``bench.ping`` event through the real seam
  (event log, after-commit hand-off) inside this process.
- ``POST /bench/bare?group=G``: the baseline, a plain ``group_send`` of the same payload.
- ``/ws/bare/``: the baseline consumer, which joins group ``bare`` and forwards messages.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any
from urllib.parse import parse_qs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.db import transaction
from django.urls import path

from config.asgi import application as real_application
from config.realtime.catalogue import EventType, register_event_type
from config.realtime.publish import publish


class BareConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add("bare", self.channel_name)
        await self.accept()

    async def bench_message(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])


# The bench's own event type: publish takes catalogue types only.
BENCH_PING = register_event_type(
    EventType(
        name="bench.ping",
        version=1,
        description="A benchmark's timing probe.",
        audiences="the group under test",
    )
)


def _payload(kind: str) -> dict[str, Any]:
    return {"sent_at_ms": int(time.time() * 1000), "kind": kind}


def _publish(group: str) -> None:
    with transaction.atomic():
        publish(type=BENCH_PING, data=_payload("seam"), audiences=[group])


async def bench_http(scope: dict[str, Any], receive: Any, send: Any) -> None:
    query = parse_qs(scope.get("query_string", b"").decode())
    group = query.get("group", ["bare"])[0]
    if scope["path"] == "/bench/publish":
        await database_sync_to_async(_publish)(group)
    else:
        envelope = {"id": 0, "type": "bench.ping", "version": 1, "data": _payload("bare")}
        await get_channel_layer().group_send(group, {"type": "bench.message", "event": envelope})
    body = json.dumps({"ok": True}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def http_router(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["path"].startswith("/bench/"):
        return await bench_http(scope, receive, send)
    return await real_application(scope, receive, send)


async def ws_router(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["path"].startswith("/ws/bare/"):
        return await URLRouter([path("ws/bare/", BareConsumer.as_asgi())])(scope, receive, send)
    return await real_application(scope, receive, send)


application = ProtocolTypeRouter({"http": http_router, "websocket": ws_router})
