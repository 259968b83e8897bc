"""Liveness and readiness probes for the reverse proxy and the orchestrator."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

CHANNEL_LAYER_TIMEOUT_S = 2.0


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", with why
        return f"error: {type(error).__name__}: {error}"
    return "ok"


async def _check_channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "error: no channel layer configured"
    try:
        channel = await layer.new_channel("readyz.")
        await asyncio.wait_for(
            layer.send(channel, {"type": "readyz.ping"}), CHANNEL_LAYER_TIMEOUT_S
        )
        await asyncio.wait_for(layer.receive(channel), CHANNEL_LAYER_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001
        return f"error: {type(error).__name__}: {error}"
    return "ok"


async def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the channel layer answer; 503 naming the one that does not."""
    checks = {
        "database": await sync_to_async(_check_database)(),
        "channel_layer": await _check_channel_layer(),
    }
    ready = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)
