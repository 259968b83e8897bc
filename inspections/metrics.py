"""Closed-loop figures per grid, community, district or the whole city, over a date range."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from inspections.models import OPEN_STATUSES, HazardStatus
from inspections.selectors import hazard_visible

CLOSURE_TARGET = 0.92
LEVELS = {
    "grid": ("grid_id", "grid__name"),
    "community": ("community_id", "community__name"),
    "district": ("community__district_id", "community__district__name"),
    "city": (None, None),
}
ENDED_WITHOUT_WORK = {HazardStatus.REJECTED, HazardStatus.DUPLICATE}


def hazard_metrics(
    *, user: Any, level: str, created_from: datetime, created_to: datetime
) -> list[dict[str, Any]]:
    """One row per place of ``level``: closure and on-time rates, medians, overdue count.

    Closure rate counts closed hazards among those that needed work (rejected and
    duplicate reports excluded); on-time rate is among closed ones.
    """
    key, name = LEVELS[level]
    columns = ["status", "created_at", "assigned_at", "closed_at", "due_at"]
    rows = hazard_visible(user).filter(created_at__gte=created_from, created_at__lt=created_to)
    if key and name:
        columns += [key, name]
    values = rows.values_list(*columns)
    groups: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    names: dict[Any, str] = {}
    for row in values:
        group = row[5] if key else None
        groups[group].append(row)
        names[group] = row[6] if key else "city"
    now = timezone.now()
    return [
        {"id": group, "name": names[group], **_figures(groups[group], now)}
        for group in sorted(groups, key=lambda g: (g is None, g or 0))
    ]


def _figures(rows: list[tuple[Any, ...]], now: datetime) -> dict[str, Any]:
    needed = [row for row in rows if row[0] not in ENDED_WITHOUT_WORK]
    closed = [row for row in needed if row[0] == HazardStatus.CLOSED]
    on_time = [row for row in closed if row[3] <= row[4]]
    to_assignment = [_hours(row[2] - row[1]) for row in rows if row[2]]
    to_closure = [_hours(row[3] - row[1]) for row in closed]
    return {
        "reported": len(rows),
        "closed": len(closed),
        "closure_rate": _ratio(len(closed), len(needed)),
        "on_time_rate": _ratio(len(on_time), len(closed)),
        "median_hours_to_assignment": _median(to_assignment),
        "median_hours_to_closure": _median(to_closure),
        "overdue": sum(1 for row in rows if row[0] in OPEN_STATUSES and row[4] < now),
    }


def _hours(delta: Any) -> float:
    return delta.total_seconds() / 3600


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None
