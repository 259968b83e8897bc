"""The whistleblower's page in headless Chromium, served by Daphne with the production
access log (config.privacy.PrivateAccessLog) written to a buffer the tests read.

Its own pytest process, like the field app's and the workbench's (one Playwright per
process); the Chromium fixture is the field app's.
"""

from __future__ import annotations

import io
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fieldapp.conftest import browser  # noqa: F401 - the shared Chromium
from tests.tips.conftest import tip_city  # noqa: F401 - the two-district city

SCREENSHOTS = Path(
    os.environ.get("SAFEGRID_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "screenshots"
)


@dataclass
class Served:
    url: str
    access_log: io.StringIO


def _free_port() -> int:
    if os.environ.get("SAFEGRID_TEST_PORT"):
        return int(os.environ["SAFEGRID_TEST_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def tip_server() -> Iterator[Served]:
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application
    from twisted.internet import reactor

    from config.privacy import PrivateAccessLog

    port = _free_port()
    stream = io.StringIO()
    server = Server(
        ASGIStaticFilesHandler(get_asgi_application()),
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
        action_logger=PrivateAccessLog(stream),
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            threading.Event().wait(0.1)
    yield Served(url=f"http://127.0.0.1:{port}", access_log=stream)
    reactor.callFromThread(reactor.stop)
    thread.join(timeout=5)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    """A whistleblower's phone: Chinese, 360x640."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 640})
    yield context
    context.close()
