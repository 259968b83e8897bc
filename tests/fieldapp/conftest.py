"""A real headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("SAFEGRID_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: `make test` installs it when run as root")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still sequential, so Django's async-safety guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watch_policy(page: Any, violations: list[str]) -> None:
    """Collect what the Content-Security-Policy refused (Chromium logs each refusal)."""

    def seen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", seen)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    violations: list[str] = []
    watch_policy(page, violations)
    yield page
    context.close()
    assert violations == [], "the field app broke its Content-Security-Policy"


@pytest.fixture(scope="session")
def asgi_server() -> Iterator[str]:
    """The whole ASGI app (HTTP, static files, websockets) under Daphne, in this process.

    pytest-django's live_server speaks only WSGI, so no websocket. Daphne runs in a thread
    of the test process (not a subprocess) so that it shares the in-memory channel layer:
    an event published by a service the test calls reaches the browser's socket.
    """
    import socket
    import threading

    from channels.routing import ProtocolTypeRouter, URLRouter
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application
    from twisted.internet import reactor

    from config.realtime.middleware import TicketAuthMiddleware
    from config.realtime.routing import websocket_urlpatterns

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    application = ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": TicketAuthMiddleware(URLRouter(websocket_urlpatterns)),
        }
    )
    server = Server(
        application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            threading.Event().wait(0.1)
    yield f"http://127.0.0.1:{port}"
    reactor.callFromThread(reactor.stop)
    thread.join(timeout=5)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Pages in fresh contexts with extra options (geolocation, permissions)."""
    contexts: list[Any] = []
    violations: list[str] = []

    def make(**options: Any) -> Any:
        defaults = {"locale": "zh-CN", "viewport": {"width": 390, "height": 844}}
        context = browser.new_context(**{**defaults, **options})
        contexts.append(context)
        page = context.new_page()
        # Browser console errors land in the test's captured output when it fails.
        page.on("console", lambda message: print("console:", message.type, message.text))
        page.on("pageerror", lambda error: print("pageerror:", error))
        watch_policy(page, violations)
        return page

    yield make
    for context in contexts:
        context.close()
    assert violations == [], "the field app broke its Content-Security-Policy"
