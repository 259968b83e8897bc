"""Across processes: with Redis, an event published in one process reaches a socket held
by a separate Daphne process. Runs in CI, where `.ci/run` starts PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction

from config.realtime.publish import publish
from config.realtime.tickets import ws_ticket_issue
from tests.factories import UserFactory
from tests.realtime_types import TEST_CROSS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)"),
    pytest.mark.skipif(
        "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="a second process needs a shared database server (CI uses PostgreSQL)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def daphne() -> Iterator[int]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SAFEGRID_TESTING": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_event_published_here_reaches_a_socket_in_another_daphne(daphne: int) -> None:
    import websockets

    user = await sync_to_async(UserFactory)()
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)
    url = f"ws://127.0.0.1:{daphne}/ws/v1/events/?ticket={ticket}"

    async with websockets.connect(url) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert hello["type"] == "hello"

        def announce() -> Any:
            with transaction.atomic():
                return publish(type=TEST_CROSS, data={"n": 1}, audiences=[f"user.{user.pk}"])

        event = await sync_to_async(announce)()
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))

    assert message["id"] == event.pk
    assert message["data"] == {"n": 1}
