"""The closed-loop panel of the operations dashboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dashboard import Panel
from inspections.metrics import CLOSURE_TARGET, hazard_metrics
from inspections.models import OPEN_STATUSES
from inspections.selectors import hazard_visible

WINDOW_DAYS = 30


def closed_loop_rows(request: HttpRequest) -> list[tuple[Any, Any]]:
    now = timezone.now()
    rows = hazard_metrics(
        user=request.user,
        level="city",
        created_from=now - timedelta(days=WINDOW_DAYS),
        created_to=now,
    )
    city = rows[0] if rows else {}
    visible = hazard_visible(request.user)
    return [
        (_("Hazards reported (30 days)"), city.get("reported", 0)),
        (_("Closure rate (target 92%)"), _percent(city.get("closure_rate"))),
        (_("Meets the 92% target"), _yes_no(city.get("closure_rate"))),
        (_("Closed on time"), _percent(city.get("on_time_rate"))),
        (_("Median hours to closure"), city.get("median_hours_to_closure") or "—"),
        (_("Open hazards"), visible.filter(status__in=OPEN_STATUSES).count()),
        (
            _("Overdue now"),
            visible.filter(status__in=OPEN_STATUSES, due_at__lt=now).count(),
        ),
        (
            _("Escalated and open"),
            visible.filter(status__in=OPEN_STATUSES, escalation_level__gt=0).count(),
        ),
    ]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _yes_no(value: float | None) -> Any:
    if value is None:
        return "—"
    return _("yes") if value >= CLOSURE_TARGET else _("no")


CLOSED_LOOP_PANEL = Panel(
    key="inspections.closed_loop", title=_("Hazards: closed loop"), rows=closed_loop_rows, order=20
)
