"""The staff workbench (Django admin, dashboard) in headless Chromium at 1366x768.

The Chromium fixture is the field app's (``make test`` runs these tests in a process of
their own: one Playwright per process); screenshots go to
``SAFEGRID_SCREENSHOTS`` (default: the git-ignored ``screenshots/`` folder) so a person
can look at what the tests saw.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fieldapp.conftest import browser  # noqa: F401 - the shared Chromium

DESKTOP = {"width": 1366, "height": 768}
SCREENSHOTS = Path(
    os.environ.get("SAFEGRID_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "screenshots"
)


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:  # noqa: F811
    """A staff member's browser: Chinese, a 1366x768 screen."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    page.on("pageerror", lambda error: print("pageerror:", error))
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
