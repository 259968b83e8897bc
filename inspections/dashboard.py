"""The closed-loop figures of the dashboard: rates, medians, overdue, and the workers.

The counts, medians, escalations and overdue-at-each-week's-end come from the hazards'
daily summary (inspections.summary: a row per district and day, and per community and
day, kept by every save), so the city's view sums a few thousand rows however many
hazards it has: one query for the weekly counts, one for the weekly duration buckets
(medians to a quarter of an hour under two days, an hour under 30 days, said on the
page), one for overdue at each week's end. Two read the hazards themselves: what is
open now (overdue and escalated), and the workers' table, grouped by grid (a summary
per grid and day would hold about as many rows as there are hazards).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from grids.display import hours_words, person_name
from grids.models import Grid, GridAssignment
from inspections.metrics import CLOSURE_TARGET
from inspections.models import (
    OPEN_STATUSES,
    DurationMeasure,
    Hazard,
    HazardDay,
    HazardDuration,
    HazardSource,
    HazardStatus,
)
from inspections.models.summary import WHOLE_DISTRICT
from inspections.summary import COUNTS, median_hours

# Targets. Closure (92%) is the study's; the others are SafeGrid's defaults, stated on
# the page next to each figure so nobody mistakes them for the study's.
ON_TIME_TARGET = 0.92
ASSIGNMENT_TARGET_HOURS = 24.0  # triaged within a day
CLOSURE_TARGET_HOURS = 72.0  # the orange-risk deadline
VALID_REPORT_TARGET = 0.90
MISSED_TARGET = 0.20
WORKER_ROWS = 15
WORKER_MIN_HAZARDS = 3
FOUND_BY_OTHERS = (HazardSource.RESIDENT, HazardSource.OPEN311, HazardSource.WHISTLEBLOWER)
S = HazardStatus
MEDIANS = {DurationMeasure.TO_ASSIGNMENT: "to_assignment", DurationMeasure.TO_CLOSURE: "to_closure"}


def _counts() -> dict[str, Any]:
    """Conditional counts per grid for the workers' table (the summary's, by hazard)."""
    ended_without_work = Q(status__in=[S.REJECTED, S.DUPLICATE])
    closed = Q(status=S.CLOSED)
    # A grid's hazard with an assignee is its worker's work: a per-row subquery asking
    # whether the assignee covers a grid costs more than the rest of the figures together.
    by_grid_worker = Q(grid__isnull=False, assignee__isnull=False)
    patrol = Q(source=HazardSource.PATROL)
    return {
        "patrol": Count("pk", filter=patrol),
        "patrol_valid": Count("pk", filter=patrol & ~ended_without_work),
        "gridded": Count("pk", filter=Q(grid__isnull=False) & ~Q(source=HazardSource.STAFF)),
        "by_others": Count("pk", filter=Q(grid__isnull=False, source__in=FOUND_BY_OTHERS)),
        "worker_closed": Count("pk", filter=closed & by_grid_worker),
        "worker_on_time": Count(
            "pk", filter=closed & by_grid_worker & Q(closed_at__lte=F("due_at"))
        ),
    }


def _in_range(filters: DashboardFilters) -> QuerySet[Hazard]:
    return Hazard.objects.filter(filters.community_q(), **filters.created_range())


def _summary_places(filters: DashboardFilters) -> Q:
    """The summary rows of the reader's places: a district's row where they read all of
    it (the whole city: every district's), a community's row otherwise."""
    places = filters.places
    if places.community_ids is None:
        return Q(community_id=WHOLE_DISTRICT)
    return Q(community_id=WHOLE_DISTRICT, district_id__in=places.whole_district_ids) | Q(
        community_id__in=places.other_community_ids
    )


def _totals(filters: DashboardFilters) -> dict[str, Any]:
    """The range's counts and medians (the sum of its weeks)."""
    return _range_pass(filters)[1]


def _range_pass(filters: DashboardFilters) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """Every count and median of the range, by week and in all, from the daily summary."""

    def compute() -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
        in_range = {"day__gte": filters.date_from, "day__lte": filters.date_to}
        days = HazardDay.objects.filter(_summary_places(filters), **in_range)
        weekly = days.annotate(week=TruncWeek("day")).values("week")
        weeks: dict[Any, dict[str, Any]] = {}
        for row in weekly.annotate(**{c: Sum(c) for c in COUNTS}).order_by():
            weeks[_monday(row.pop("week"))] = row
        buckets = (
            HazardDuration.objects.filter(_summary_places(filters), **in_range)
            .annotate(week=TruncWeek("day"))
            .values("week", "measure", "minutes")
            .annotate(n=Sum("count"))
            .order_by()
        )
        histograms: dict[tuple[Any, str], Counter[int]] = {}
        for row in buckets:
            key = (_monday(row["week"]), row["measure"])
            histograms.setdefault(key, Counter())[row["minutes"]] += row["n"]
        totals: dict[str, Any] = {c: sum(w[c] or 0 for w in weeks.values()) for c in COUNTS}
        for measure, name in MEDIANS.items():
            whole: Counter[int] = Counter()
            for week, row in weeks.items():
                histogram = histograms.get((week, measure), Counter())
                row[name] = median_hours(histogram)
                whole.update(histogram)
            for week, weekly_measure in histograms:  # weeks with times but no counts
                if week not in weeks and weekly_measure == measure:
                    whole.update(histograms[(week, measure)])
            totals[name] = median_hours(whole)
        return weeks, totals

    return filters.memo("inspections.range", compute)


def _monday(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def closed_loop_blocks(filters: DashboardFilters) -> list[Block]:
    totals = _totals(filters)
    weekly = _weekly(filters)
    now = _open_now(filters)
    link = filters.link_params()
    hazards = "admin:inspections_hazard_changelist"

    def trend(key: Any, target: float | None = None, as_percent: bool = False) -> Trend:
        return Trend(filters.weeks, [key(weekly.get(w)) for w in filters.weeks], target, as_percent)

    closure = ratio(totals["closed"], totals["needed"])
    on_time = ratio(totals["on_time"], totals["closed"])
    assign, close = totals["to_assignment"], totals["to_closure"]
    return [
        Figure(
            label=_("Closure rate"),
            value=percent(closure),
            target=_("≥ 92% (study target)"),
            meets=None if closure is None else closure >= CLOSURE_TARGET,
            trend=trend(_rate("closed", "needed"), CLOSURE_TARGET, True),
            link=admin_link(hazards, link),
            note=_("%(closed)s closed of %(needed)s that needed work (%(reported)s reported)")
            % {k: f"{totals[k]:,}" for k in ("closed", "needed", "reported")},
        ),
        Figure(
            label=_("Closed on time"),
            value=percent(on_time),
            target=_("≥ 92%"),
            meets=None if on_time is None else on_time >= ON_TIME_TARGET,
            trend=trend(_rate("on_time", "closed"), ON_TIME_TARGET, True),
            link=admin_link(hazards, {**link, "status__exact": S.CLOSED}),
        ),
        Figure(
            label=_("Median time to assignment"),
            value=hours_words(assign),
            target=_("≤ 1 day"),
            meets=None if assign is None else assign <= ASSIGNMENT_TARGET_HOURS,
            trend=trend(_hours("to_assignment"), ASSIGNMENT_TARGET_HOURS),
            link=admin_link(hazards, {**link, "status__exact": S.REPORTED}),
            link_text=gettext_lazy("See the unassigned"),
            note=_("hours, by week; read to the quarter hour under two days, the hour beyond"),
        ),
        Figure(
            label=_("Median time to closure"),
            value=hours_words(close),
            target=_("≤ 3 days"),
            meets=None if close is None else close <= CLOSURE_TARGET_HOURS,
            trend=trend(_hours("to_closure"), CLOSURE_TARGET_HOURS),
            link=admin_link(hazards, {**link, "status__exact": S.CLOSED}),
            note=_("hours, by week; read to the quarter hour under two days, the hour beyond"),
        ),
        Figure(
            label=_("Overdue now"),
            value=f"{now['overdue']:,}",
            target=_("0"),
            meets=now["overdue"] == 0,
            trend=Trend(filters.weeks, now["overdue_by_week"], target=0),
            link=admin_link(hazards, _place_only(link) | {"view": "overdue"}),
            note=_("open past their deadline, at the end of each week"),
        ),
        Figure(
            label=_("Escalated and open"),
            value=f"{now['escalated']:,}",
            target=_("0"),
            meets=now["escalated"] == 0,
            trend=Trend(filters.weeks, now["escalated_by_week"], target=0),
            link=admin_link(hazards, _place_only(link) | {"view": "escalated"}),
            note=_("escalations per week"),
        ),
    ]


def _rate(part: str, whole: str) -> Any:
    return lambda row: ratio(row[part], row[whole]) if row else None


def _hours(key: str) -> Any:
    return lambda row: round(row[key], 1) if row and row[key] is not None else None


def _place_only(params: dict[str, str]) -> dict[str, str]:
    """Overdue and escalated are states of now: the place filter only, no date range."""
    return {k: v for k, v in params.items() if k.startswith("community")}


def _weekly(filters: DashboardFilters) -> dict[Any, dict[str, Any]]:
    return _range_pass(filters)[0]


def _open_now(filters: DashboardFilters) -> dict[str, Any]:
    """Overdue and escalated now; overdue at the end of each week; escalations per week."""
    now = timezone.now()
    today = timezone.localdate()
    counts = Hazard.objects.filter(filters.community_q(), status__in=OPEN_STATUSES).aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
    )
    # A past week's end is a midnight: overdue then is every deadline passed up to that
    # day less every late closure up to it, over all of history (one pass over the
    # places' summary rows); the current week's point is now.
    last_days = _last_days(filters)
    past = {
        f"o{i}": Sum(
            Case(
                When(day__lte=day, then=F("overdue_start") - F("overdue_end")),
                default=Value(0),
            )
        )
        for i, day in enumerate(last_days)
        if day < today
    }
    overdue_at = (
        HazardDay.objects.filter(_summary_places(filters)).aggregate(**past) if past else {}
    )
    weekly = _weekly(filters)
    return {
        "overdue": counts["overdue"],
        "escalated": counts["escalated"],
        "overdue_by_week": [
            overdue_at.get(f"o{i}") or 0 if day < today else counts["overdue"]
            for i, day in enumerate(last_days)
        ],
        "escalated_by_week": [(weekly.get(w) or {}).get("escalations") or 0 for w in filters.weeks],
    }


def _last_days(filters: DashboardFilters) -> list[date]:
    """Each week's last day in the range: its Sunday, the range's end, or today."""
    today = timezone.localdate()
    return [min(w + timedelta(days=6), filters.date_to, today) for w in filters.weeks]


def worker_blocks(filters: DashboardFilters) -> list[Block]:
    """What grid systems judge workers by: valid reports, on-time fixes, missed hazards."""
    totals = _totals(filters)
    weekly = _weekly(filters)
    valid = ratio(totals["patrol_valid"], totals["patrol"])
    on_time = ratio(totals["worker_on_time"], totals["worker_closed"])
    missed = ratio(totals["by_others"], totals["gridded"])
    link = filters.link_params()
    hazards = "admin:inspections_hazard_changelist"

    def trend(part: str, whole: str, target: float) -> Trend:
        values = [_rate(part, whole)(weekly.get(w)) for w in filters.weeks]
        return Trend(filters.weeks, values, target, True)

    return [
        Figure(
            label=_("Workers' valid-report rate"),
            value=percent(valid),
            target=_("≥ 90%"),
            meets=None if valid is None else valid >= VALID_REPORT_TARGET,
            trend=trend("patrol_valid", "patrol", VALID_REPORT_TARGET),
            link=admin_link(hazards, {**link, "source__exact": HazardSource.PATROL}),
            note=_("patrol reports that were not rejected or duplicates"),
        ),
        Figure(
            label=_("Workers' on-time rectification"),
            value=percent(on_time),
            target=_("≥ 92%"),
            meets=None if on_time is None else on_time >= ON_TIME_TARGET,
            trend=trend("worker_on_time", "worker_closed", ON_TIME_TARGET),
            link=admin_link(hazards, {**link, "status__exact": S.CLOSED}),
        ),
        Figure(
            label=_("Missed-hazard rate"),
            value=percent(missed),
            target=_("≤ 20%"),
            meets=None if missed is None else missed <= MISSED_TARGET,
            trend=trend("by_others", "gridded", MISSED_TARGET),
            link=admin_link(hazards, {**link, "source__exact": HazardSource.RESIDENT}),
            note=_("hazards in a grid that residents reported before its worker did"),
        ),
        _worker_table(filters),
    ]


def _worker_table(filters: DashboardFilters) -> Table:
    """The workers with the most missed hazards first (one grouped query, then names)."""
    per_grid = (
        _in_range(filters)
        .filter(grid__isnull=False)
        .values("grid_id")
        .annotate(**{k: v for k, v in _counts().items() if not k.startswith("to_")})
        .filter(gridded__gte=WORKER_MIN_HAZARDS)  # type: ignore[misc]  # an annotation
        .annotate(missed=Cast("by_others", FloatField()) / Cast("gridded", FloatField()))
        .order_by("-missed", "grid_id")[:WORKER_ROWS]
    )
    rows = list(per_grid)
    names = _grid_workers([row["grid_id"] for row in rows])
    body = [
        [
            names.get(row["grid_id"], ("—", "—"))[0],
            names.get(row["grid_id"], ("—", "—"))[1],
            row["gridded"],
            percent(ratio(row["patrol_valid"], row["patrol"])),
            percent(ratio(row["worker_on_time"], row["worker_closed"])),
            percent(row["missed"]),
        ]
        for row in rows
    ]
    return Table(
        title=_("Workers to look at first (most hazards found by others)"),
        columns=[
            _("Worker"),
            _("Grid"),
            _("Hazards"),
            _("Valid reports"),
            _("On time"),
            _("Missed"),
        ],  # fmt: skip
        rows=body,
        numeric={2, 3, 4, 5},
        note=_("Grids with at least %(count)d hazards in the range.")
        % {"count": WORKER_MIN_HAZARDS},
    )


def _grid_workers(grid_ids: list[int]) -> dict[int, tuple[str, str]]:
    assignments = GridAssignment.objects.filter(
        grid_id__in=grid_ids, ended_at__isnull=True
    ).select_related("worker", "grid")
    found = {a.grid_id: (person_name(a.worker), a.grid.name) for a in assignments}
    for grid in Grid.objects.filter(pk__in=set(grid_ids) - set(found)):
        found[grid.pk] = (_("no worker"), grid.name)
    return found


CLOSED_LOOP_PANEL = Panel(
    key="inspections.closed_loop",
    title=gettext_lazy("Hazards: closed loop"),
    blocks=closed_loop_blocks,
    order=20,
)
WORKERS_PANEL = Panel(
    key="inspections.workers",
    title=gettext_lazy("Grid workers"),
    blocks=worker_blocks,
    order=25,
)
