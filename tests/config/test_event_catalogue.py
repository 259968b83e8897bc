"""Every event type the code publishes is in the catalogue that clients build from."""

from __future__ import annotations

import re
from pathlib import Path

from config.realtime.catalogue import event_type

ROOT = Path(__file__).resolve().parents[2]
APPS = ["config", "grids", "inspections", "points", "volunteers"]
PUBLISHED = re.compile(r'type="([a-z_]+\.[a-z_.]+)"')


def _published_types() -> set[str]:
    found: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found.update(PUBLISHED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_published_event_type_is_catalogued() -> None:
    published = _published_types()

    assert {"hazard.assigned", "points.balance_changed"} <= published
    assert sorted(t for t in published if event_type(t) is None) == []
