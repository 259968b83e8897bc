"""Anonymous paths: nothing that identifies a visitor reaches Django's request, any
answer sets a cookie, or Daphne's access log writes the client address."""

from __future__ import annotations

import io
import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from config.privacy import AnonymousPathsMiddleware, PrivateAccessLog, RedactClientAddressFilter
from tests.tips.conftest import CLIENT_IP, CLIENT_UA


def test_the_page_sends_no_store_no_referrer_and_a_strict_policy(db: None) -> None:
    answer = Client(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=CLIENT_UA).get("/tip/")

    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    assert answer["Referrer-Policy"] == "no-referrer"
    policy = answer["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert not answer.cookies
    for asset in ("/tip/tip.js", "/tip/tip.css"):
        assert Client().get(asset)["Cache-Control"] == "no-store"


def test_the_page_speaks_chinese_first(db: None, chinese_default: None) -> None:
    page = Client().get("/tip/").content.decode()

    assert 'lang="zh-hans"' in page
    assert "吹哨" in page or "举报" in page


def test_a_request_with_a_session_cookie_reaches_the_api_without_it_and_gets_no_cookie(
    db: None,
) -> None:
    client = Client(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=CLIENT_UA)
    client.cookies["sessionid"] = "abc"
    client.cookies["csrftoken"] = "def"

    answer = client.get("/api/v1/tips/options/")

    assert answer.status_code == 200
    assert not answer.cookies


def test_every_answer_of_the_whistleblowers_api_is_no_store_and_no_referrer(db: None) -> None:
    client = Client(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=CLIENT_UA)

    answers = [
        client.get("/api/v1/tips/options/"),
        client.post("/api/v1/tips/follow-up/", {"receipt": "0000 0000"}),
    ]

    assert [(a["Cache-Control"], a["Referrer-Policy"]) for a in answers] == [
        ("no-store", "no-referrer"),
        ("no-store", "no-referrer"),
    ]


def test_the_middleware_strips_address_agent_cookies_and_referrer_before_any_view() -> None:
    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(meta=dict(request.META), cookies=dict(request.COOKIES))
        response = HttpResponse()
        response.set_cookie("tracker", "1")
        return response

    request = HttpRequest()
    request.path = "/api/v1/tips/follow-up/"
    request.META = {
        "REMOTE_ADDR": CLIENT_IP, "HTTP_USER_AGENT": CLIENT_UA, "HTTP_COOKIE": "a=b",
        "HTTP_REFERER": "https://example.com/", "HTTP_X_FORWARDED_FOR": CLIENT_IP,
        "HTTP_SEC_CH_UA_PLATFORM": "Android", "HTTP_ACCEPT_LANGUAGE": "zh-CN",
    }  # fmt: skip

    response = AnonymousPathsMiddleware(view)(request)

    assert seen["meta"] == {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
    assert seen["cookies"] == {}
    assert not response.cookies
    assert CLIENT_IP not in request.client_token


def test_other_paths_keep_their_request_as_it_is() -> None:
    request = HttpRequest()
    request.path = "/api/v1/hazards/"
    request.META = {"REMOTE_ADDR": CLIENT_IP}

    AnonymousPathsMiddleware(lambda r: HttpResponse())(request)

    assert request.META == {"REMOTE_ADDR": CLIENT_IP}


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("/tip/", "- - -"),
        ("/api/v1/tips/follow-up/", "- - -"),
        ("/api/v1/hazards/", f"{CLIENT_IP}:5555"),
    ],
)
def test_the_access_log_line_of_an_anonymous_path_has_no_client_address(
    path: str, written: str
) -> None:
    stream = io.StringIO()
    details = {
        "path": path,
        "status": 200,
        "method": "GET",
        "client": f"{CLIENT_IP}:5555",
        "size": 10,
    }

    PrivateAccessLog(stream)("http", "complete", details)

    assert stream.getvalue().startswith(written)
    assert (CLIENT_IP in stream.getvalue()) is (written != "- - -")


def test_daphne_debug_lines_keep_their_text_but_lose_the_address() -> None:
    record = logging.LogRecord(
        "daphne.http_protocol",
        logging.DEBUG,
        __file__,
        1,
        "HTTP %s request for %s",
        ("GET", [CLIENT_IP, 5555]),
        None,
    )

    RedactClientAddressFilter().filter(record)

    assert record.getMessage() == "HTTP GET request for -"


def test_the_tip_page_is_reversed_where_the_contract_says(db: None) -> None:
    assert reverse("tip-page") == "/tip/"


def test_the_server_command_runs_daphne_with_the_private_access_log() -> None:
    import daphne.cli

    import config.serve  # noqa: F401 - installs the access log

    assert daphne.cli.AccessLogGenerator is PrivateAccessLog
