"""PostgreSQL restarted under a running Daphne: while it is down every request gets a
quick 503 in the one error format (never a hang, never a 500 page), readiness names the
database; after a restart between two requests the next one succeeds, and after an
outage with requests in it the service is back within seconds, with no restart of Daphne."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.faults import client
from tests.faults.conftest import Stage, http_port

# How long a request may wait for a connection before it is answered 503 (the pool's
# timeout; production's default is 10 s).
POOL_TIMEOUT_S = 3


def test_requests_during_a_restart_are_503_and_the_service_recovers_by_itself(
    stage: Stage,
) -> None:
    city = stage.scene("city")
    port = http_port()
    stage.daphne(port, DATABASE_POOL_TIMEOUT=str(POOL_TIMEOUT_S))
    staff = city["staff"]["token"]
    # Requests at once, so that the pool holds several connections: a restart breaks
    # them all, and the pool met them one per attempt, backing off 0, 1, 2, 4 s between.
    with ThreadPoolExecutor(max_workers=8) as pool:
        warm = list(pool.map(lambda _: _hazards(port, staff), range(24)))
    assert {answer.status for answer in warm} == {200}
    held = stage.sql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{stage.database}'")[
        0
    ][0]
    assert held >= 4

    # A restart between two requests: every idle pooled connection is now broken.
    stage.postgres.stop()
    stage.postgres.start()
    restarted = [client.request(port, "GET", "/api/v1/hazards/", token=staff) for _ in range(5)]

    csrf = _csrf_cookie(port)
    stage.postgres.stop()
    try:
        signing_in = _admin_sign_in(port, csrf)
        down = [
            client.request(port, "GET", "/api/v1/hazards/", token=staff),
            client.request(port, "POST", "/api/v1/hazards/1/comments/", token=staff,
                           body={"note": "现场已拍照"}),
            client.request(port, "GET", "/open311/v2/requests.json"),
            client.request(port, "GET", "/admin/login/?next=/admin/"),
        ]  # fmt: skip
        ready = client.request(port, "GET", "/readyz")
        alive = client.request(port, "GET", "/healthz")
    finally:
        stage.postgres.start()
    # After an outage with requests in it, the pool is retrying on its own schedule: the
    # service is back once the pool's next attempt connects, with no restart of Daphne.
    started = time.monotonic()
    waiting = [_hazards(port, staff)]
    while waiting[-1].status != 200 and time.monotonic() - started < 60:
        waiting.append(_hazards(port, staff))
    recovered_in = time.monotonic() - started
    after = [_hazards(port, staff) for _ in range(5)]

    assert [answer.status for answer in restarted] == [200] * 5, (
        [(a.status, round(a.seconds, 1)) for a in restarted],
        stage.logs(),
    )
    assert [answer.status for answer in down] == [503, 503, 503, 200], [a.body for a in down]
    assert down[0].content_type == "application/json"
    assert down[0].json()["code"] == "service_unavailable"
    assert down[0].headers.get("Retry-After") == "5"
    assert down[2].json()["code"] == "service_unavailable"
    assert b"<form" in down[3].body  # a page that needs no database still answers
    assert (signing_in.status, signing_in.headers.get("Retry-After")) == (503, "5")
    assert "text/html" in signing_in.content_type
    assert b"cannot reach its database" in signing_in.body
    assert max(answer.seconds for answer in down) < POOL_TIMEOUT_S + 5
    assert ready.status == 503
    assert ready.json()["checks"]["database"].startswith("error")
    assert alive.status == 200
    # Recovered by itself, within seconds, and meanwhile every answer was a 503.
    assert {answer.status for answer in waiting[:-1]} <= {503}
    assert waiting[-1].status == 200
    assert recovered_in < 15, [(a.status, round(a.seconds, 1)) for a in waiting]
    assert [answer.status for answer in after] == [200] * 5, (
        [(a.status, round(a.seconds, 1)) for a in after],
        stage.logs(),
    )
    assert len(after[0].json()["results"]) == 1
    print(f"recovered {recovered_in:.1f} s after the restart, {len(waiting) - 1} answers 503")


def _hazards(port: int, token: str) -> client.Answer:
    return client.request(port, "GET", "/api/v1/hazards/", token=token)


def _csrf_cookie(port: int) -> str:
    page = client.request(port, "GET", "/admin/login/")
    cookie = page.headers.get("Set-Cookie", "")
    return cookie.split("csrftoken=", 1)[1].split(";", 1)[0]


def _admin_sign_in(port: int, csrf: str) -> client.Answer:
    """The admin's sign-in form sent as a browser sends it (it needs the database)."""
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "username": "staff", "password": "x", "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/admin/login/",
        data=form,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{port}/admin/login/",
            "Accept-Language": "en",
        },
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body, status, headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as error:
        body, status, headers = error.read(), error.code, error.headers
    return client.Answer(
        status, headers.get("Content-Type", ""), body, time.monotonic() - started, dict(headers)
    )
