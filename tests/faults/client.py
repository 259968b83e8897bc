"""A client of the fault tests' Daphne: plain HTTP and websockets, as a phone talks."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.sync.client import ClientConnection, connect


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    seconds: float
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    *,
    token: str = "",
    body: Any = None,
    timeout: float = 30,
) -> Answer:
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    prepared = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:
            return Answer(
                response.status,
                response.headers.get("Content-Type", ""),
                response.read(),
                time.monotonic() - started,
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        return Answer(
            error.code,
            error.headers.get("Content-Type", ""),
            error.read(),
            time.monotonic() - started,
            dict(error.headers),
        )


def socket(port: int, token: str, *, last_event_id: int | None = None) -> ClientConnection:
    """A websocket opened as the field app opens one: a ticket first, then the socket."""
    ticket = request(port, "POST", "/api/v1/auth/ws-ticket/", token=token)
    assert ticket.status == 201, ticket.body
    path = ticket.json()["url"]
    if last_event_id is not None:
        path += f"&last_event_id={last_event_id}"
    ws = connect(f"ws://127.0.0.1:{port}{path}", open_timeout=20)
    hello = json.loads(ws.recv(timeout=20))
    assert hello["type"] == "hello", hello
    return ws


def events(ws: ClientConnection, *, count: int, timeout: float = 20) -> list[dict[str, Any]]:
    """The next ``count`` events the socket receives (fails when they do not come)."""
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(received) < count:
        message = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
        if "id" in message:
            received.append(message)
    return received


def events_until(
    ws: ClientConnection, done: Callable[[list[dict[str, Any]]], bool], *, timeout: float = 20
) -> list[dict[str, Any]]:
    """Events the socket receives until ``done(received)`` (fails when they do not come)."""
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not done(received):
        message = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
        if "id" in message:
            received.append(message)
    return received
