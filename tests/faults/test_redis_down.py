"""Redis killed under a running Daphne: the REST API keeps answering (reports, lists,
sign-in, rate limits), readiness says what is down, and the events written meanwhile
reach a socket that reconnects once Redis is back."""

from __future__ import annotations

import time
from typing import Any

from tests.faults import client
from tests.faults.conftest import Stage, http_port
from tests.faults.servers import Redis

# Real limits, counted in Redis while it is up: the test proves they do not turn into 500s
# when it is not, and that they still hold (the sign-in limit is small enough to reach).
LIMITS = {
    "SAFEGRID_THROTTLE_ANON": "1000/minute",
    "SAFEGRID_THROTTLE_USER": "1000/minute",
    "SAFEGRID_THROTTLE_LOGIN": "3/minute",
    "SAFEGRID_THROTTLE_LOGIN_ACCOUNT": "1000/hour",
}


def _report(port: int, token: str, here: list[float], description: str) -> client.Answer:
    body = {"category": "fire-exit", "description": description, "lat": here[0], "lng": here[1]}
    return client.request(port, "POST", "/api/v1/hazards/", token=token, body=body)


def test_rest_answers_while_redis_is_down_and_events_replay_after(
    stage: Stage, redis: Redis
) -> None:
    city = stage.scene("city")
    port = http_port()
    stage.daphne(port, **LIMITS)
    resident = city["resident"]["token"]
    with client.socket(port, resident) as ws:
        assert _report(port, resident, city["here"], "before").status == 201
        (before,) = client.events(ws, count=1)
        assert before["type"] == "hazard.reported"

        redis.stop()
        started = time.monotonic()
        reported = [_report(port, resident, city["here"], f"down {n}") for n in range(3)]
        listed = client.request(port, "GET", "/api/v1/hazards/", token=resident)
        wrong = [
            client.request(
                port, "POST", "/api/v1/auth/token/", body={"username": "x", "password": "y"}
            )
            for _ in range(4)
        ]
        anonymous = client.request(port, "GET", "/open311/v2/services.json")
        ready = client.request(port, "GET", "/readyz")
        down_for = time.monotonic() - started

    assert [answer.status for answer in reported] == [201, 201, 201], reported[0].body
    assert listed.status == 200
    assert len(listed.json()["results"]) == 5  # the scene's, "before" and three while down
    # The sign-in limit (3 a minute) still counts, in the process's memory meanwhile.
    assert [answer.status for answer in wrong] == [401, 401, 401, 429]
    assert anonymous.status == 200
    assert ready.status == 503
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["channel_layer"].startswith("error")
    assert down_for < 15, f"answers while Redis was down took {down_for:.1f} s"

    redis.start()
    written = {answer.json()["id"] for answer in reported}

    def all_written(received: list[dict[str, Any]]) -> bool:
        return written <= _reported_ids(received)

    with client.socket(port, resident, last_event_id=before["id"]) as ws:
        replayed = client.events_until(ws, all_written)

    assert _reported_ids(replayed) == written
    assert all(event["id"] > before["id"] for event in replayed)


def _reported_ids(events: list[dict[str, Any]]) -> set[int]:
    return {event["data"]["id"] for event in events if event["type"] == "hazard.reported"}
