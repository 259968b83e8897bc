"""Grid coverage figures for the operations dashboard."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.dashboard import Panel
from grids.models import Building, Community, District, Grid, GridAssignment

RESIDENTS_PER_WORKER_STANDARD = 500


def coverage_rows(request: HttpRequest) -> list[tuple[Any, Any]]:
    residents = Building.objects.aggregate(total=Sum("residents"))["total"] or 0
    workers = GridAssignment.objects.filter(ended_at__isnull=True).count()
    per_worker = round(residents / workers) if workers else "—"
    return [
        (_("Districts"), District.objects.count()),
        (_("Communities"), Community.objects.count()),
        (_("Grids"), Grid.objects.count()),
        (_("Residents"), residents),
        (_("Grid workers on duty"), workers),
        (_("Residents per worker (standard 500)"), per_worker),
    ]


COVERAGE_PANEL = Panel(key="grids.coverage", title=_("Grid coverage"), rows=coverage_rows, order=10)
