"""Dispatch figures of the dashboard: time to first acceptance, to arrival, fill rate.

Drills never count. Every figure is one aggregate query (medians by the database,
``config.db.Median``); the per-community table is one grouped query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dashboard import (
    Block,
    DashboardFilters,
    Figure,
    Panel,
    Table,
    Trend,
    admin_link,
    percent,
    ratio,
)
from config.db import HoursBetween, Median
from dispatch.models import Dispatch, DispatchStatus

# SafeGrid's aim: a first acceptance within 60 s; someone there within the study's
# 15-minute emergency response; nine dispatches in ten filled.
FIRST_ACCEPT_TARGET_S = 60
ARRIVAL_TARGET_S = 15 * 60
FILL_TARGET = 0.9
FILLED = Q(filled_at__isnull=False)


def _in_range(filters: DashboardFilters) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(
        filters.community_q("community_id"),
        is_drill=False,
        **filters.created_range("opened_at"),
    ).exclude(status=DispatchStatus.CLOSED, outcome="cancelled")


def _figures() -> dict[str, Any]:
    return {
        "opened": Count("pk"),
        "filled": Count("pk", filter=FILLED),
        "to_accept": Median(HoursBetween("opened_at", "first_accepted_at")),
        "to_arrival": Median(HoursBetween("opened_at", "first_arrived_at")),
    }


def _seconds(hours: float | None) -> float | None:
    return None if hours is None else round(hours * 3600, 1)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return str(_("%(n)d s") % {"n": round(seconds)})
    return str(_("%(n).1f min") % {"n": seconds / 60})


def _weekly(filters: DashboardFilters) -> dict[Any, dict[str, Any]]:
    rows = (
        _in_range(filters)
        .annotate(week=TruncWeek("opened_at"))
        .values("week")
        .annotate(**_figures())
        .order_by("week")
    )
    return {timezone.localtime(row["week"]).date(): row for row in rows}


def dispatch_blocks(filters: DashboardFilters) -> list[Block]:
    totals = _in_range(filters).aggregate(**_figures())
    weekly = _weekly(filters)
    accept_s, arrival_s = _seconds(totals["to_accept"]), _seconds(totals["to_arrival"])
    fill = ratio(totals["filled"], totals["opened"])

    def trend(key: str, target: float, scale: float = 3600, share: bool = False) -> Trend:
        def value(row: dict[str, Any] | None) -> float | None:
            if row is None:
                return None
            if share:
                return ratio(row["filled"], row["opened"])
            return None if row[key] is None else round(row[key] * scale, 1)

        values = [value(weekly.get(week)) for week in filters.weeks]
        return Trend(filters.weeks, values, target=target, percent=share)

    link = admin_link("admin:dispatch_dispatch_changelist", {"is_drill__exact": "0"})
    return [
        Figure(
            label=_("Median time to first acceptance"),
            value=_duration(accept_s),
            target=_("≤ 60 s"),
            meets=None if accept_s is None else accept_s <= FIRST_ACCEPT_TARGET_S,
            trend=trend("to_accept", FIRST_ACCEPT_TARGET_S),
            link=link,
            note=_("seconds, by week; drills not counted"),
        ),
        Figure(
            label=_("Median time to arrival"),
            value=_duration(arrival_s),
            target=_("≤ 15 min (study target)"),
            meets=None if arrival_s is None else arrival_s <= ARRIVAL_TARGET_S,
            trend=trend("to_arrival", ARRIVAL_TARGET_S / 60, scale=60),
            link=link,
            note=_("minutes, by week, to the first volunteer on the scene"),
        ),
        Figure(
            label=_("Fill rate"),
            value=percent(fill),
            target=_("≥ 90%"),
            meets=None if fill is None else fill >= FILL_TARGET,
            trend=trend("filled", FILL_TARGET, share=True),
            link=link,
            note=_("%(filled)s filled of %(opened)s dispatches")
            % {"filled": f"{totals['filled']:,}", "opened": f"{totals['opened']:,}"},
        ),
        _community_table(filters),
    ]


def _community_table(filters: DashboardFilters) -> Table:
    rows = (
        _in_range(filters)
        .values(name=F("community__name"))
        .annotate(**_figures())
        .order_by("-opened", "name")[:20]
    )
    return Table(
        title=_("Dispatches by community"),
        columns=[
            _("community"),
            _("dispatches"),
            _("fill rate"),
            _("first acceptance"),
            _("arrival"),
        ],
        rows=[
            [
                row["name"],
                f"{row['opened']:,}",
                percent(ratio(row["filled"], row["opened"])),
                _duration(_seconds(row["to_accept"])),
                _duration(_seconds(row["to_arrival"])),
            ]
            for row in rows
        ],
        numeric={1, 2, 3, 4},
        note=_("The 20 communities with the most dispatches; medians; drills not counted."),
    )


DISPATCH_PANEL = Panel(
    key="dispatch.figures", title=_("One-click dispatch"), blocks=dispatch_blocks, order=40
)
