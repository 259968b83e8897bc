"""Through a real Daphne, a malformed multipart body reaches Django: 401/400 with a body."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def daphne(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = _free_port()
    database = tmp_path_factory.mktemp("daphne") / "db.sqlite3"
    env = {**os.environ, "SAFEGRID_TESTING": "1", "DATABASE_URL": f"sqlite:///{database}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0",
         "config.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120  # a busy machine imports slowly
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _post(port: int, path: str, content_type: str, body: bytes) -> tuple[int, str, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        headers={"Content-Type": content_type, "Accept-Language": "en"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=x"])
def test_a_broken_multipart_body_without_credentials_is_a_401_with_a_body(
    daphne: int, content_type: str
) -> None:
    status, kind, body = _post(daphne, "/api/v1/me/", content_type, b"--x--")

    assert (status, kind) == (401, "application/json")
    assert b'"code":"not_authenticated"' in body


def test_a_broken_multipart_sign_in_is_a_400_in_the_error_format(daphne: int) -> None:
    status, kind, body = _post(daphne, "/api/v1/auth/token/", "multipart/form-data", b"--x--")

    assert (status, kind) == (400, "application/json")
    assert body.startswith(b'{"code":')
