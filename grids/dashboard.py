"""Grid coverage figures for the operations dashboard."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.dashboard import Panel
from grids.selectors.coverage import RESIDENTS_PER_WORKER_STANDARD, Coverage, coverage_report


def coverage_rows(request: HttpRequest) -> list[tuple[Any, Any]]:
    """The coverage of what the signed-in staff member runs (the city for administrators)."""
    try:
        totals = coverage_report(user=request.user).totals
    except PermissionDenied:
        return [(_("Coverage"), _("Only community staff and administrators see coverage."))]
    return _rows(totals)


def _rows(totals: Coverage) -> list[tuple[Any, Any]]:
    load = totals.worker_load
    per_worker = totals.residents_per_worker
    return [
        (_("Residents"), totals.residents),
        (_("Grids"), totals.grids),
        (_("Grid workers on duty"), totals.workers_on_duty),
        (
            _("Residents per worker (standard %(standard)d)")
            % {"standard": RESIDENTS_PER_WORKER_STANDARD},
            "—" if per_worker is None else round(per_worker),
        ),
        (_("Grids without a worker"), totals.uncovered_grids),
        (_("Grids out of balance (±10%)"), totals.grids_out_of_balance),
        (_("Single-building grids above the ideal size"), totals.oversized_single_unit_grids),
        (
            _("Residents per worker: least / median / most"),
            "—" if load.minimum is None else f"{load.minimum} / {load.median:g} / {load.maximum}",
        ),
    ]


COVERAGE_PANEL = Panel(key="grids.coverage", title=_("Grid coverage"), rows=coverage_rows, order=10)
