"""With Redis, rate limits count across processes: two Daphne processes share one budget.

Runs in CI, where `.ci/run` starts PostgreSQL and Redis (two processes need a shared
database server and a shared cache).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)"),
    pytest.mark.skipif(
        "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="two processes need a shared database server (CI uses PostgreSQL)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Daphne did not listen on {port}")


@pytest.fixture
def two_processes() -> Iterator[list[int]]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
        "SAFEGRID_TESTING": "1",
        "SAFEGRID_THROTTLE_LOGIN": "3/minute",
        # The test plays the one reverse proxy in front of both processes: the address it
        # appends to X-Forwarded-For is the client's (without this setting it is ignored).
        "SAFEGRID_NUM_PROXIES": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "-v",
                "0",
                "config.asgi:application",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            _wait_for(port)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _sign_in(port: int, client_address: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/",
        data=json.dumps({"username": "nobody", "password": "wrong"}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": client_address},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_the_sign_in_limit_holds_across_two_processes(two_processes: list[int]) -> None:
    first, second = two_processes
    # A client of its own, so an earlier run's counts (kept a minute in Redis) do not count.
    client = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"

    answers = [_sign_in(port, client) for port in (first, second, first, second)]

    assert [status for status, _headers in answers[:3]] == [401, 401, 401]
    status, headers = answers[3]
    assert status == 429
    assert int(headers["Retry-After"]) > 0


def test_the_cache_is_redis_when_redis_url_is_set() -> None:
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
