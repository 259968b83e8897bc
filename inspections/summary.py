"""The hazards' daily figures (``HazardDay``, ``HazardDuration``): what each hazard adds.

A hazard's contribution is a pure function of its fields (``contribution``). ``Hazard``
remembers the fields it was loaded with and, in ``save`` and on delete, applies the
difference between the contribution before and after (``apply_change``) as additive
upserts in the same transaction: a report, a transition, an escalation or an admin edit
each moves the figures exactly as far as the hazard moved, and a rolled-back step moves
nothing. The hook is on the model, not in each service, so that no path that saves a
hazard can forget it; ``QuerySet.update`` and ``bulk_create`` bypass it, which is why the
only ``update`` calls on hazards touch fields no figure reads (``me_too_count``,
``cover_photo``, ``reporter``) and why the demo and the benchmark, which bulk-create,
``rebuild`` afterwards. ``rebuild`` is the same function applied to every hazard, so a
rebuild equals the incremental rows (a test holds it).

Durations are kept in buckets: a quarter of an hour under two days, an hour under 30 days,
a day beyond; a bucket is named by its middle (``minutes``), and a median is read to that
resolution (``median_hours``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from inspections.models.hazards import OPEN_STATUSES, HazardSource, HazardStatus
from inspections.models.summary import WHOLE_DISTRICT, DurationMeasure, HazardDay, HazardDuration

S = HazardStatus
FOUND_BY_OTHERS = frozenset(
    {HazardSource.RESIDENT, HazardSource.OPEN311, HazardSource.WHISTLEBLOWER}
)
ENDED_WITHOUT_WORK = frozenset({S.REJECTED, S.DUPLICATE})
REPORT_COUNTS = (
    "reported", "needed", "closed", "on_time", "patrol", "patrol_valid", "gridded",
    "by_others", "worker_closed", "worker_on_time",
)  # fmt: skip
COUNTS = (*REPORT_COUNTS, "escalations", "overdue_start", "overdue_end")
# The fields a contribution reads (``Hazard`` snapshots them when loaded).
FIELDS = (
    "community_id", "grid_id", "assignee_id", "status", "source", "created_at", "due_at",
    "assigned_at", "closed_at", "escalated_at",
)  # fmt: skip
BATCH = 400

# (day, community id, column) -> +n; (day, community id, measure, minutes) -> +n
DayKey = tuple[date, int, str]
DurationKey = tuple[date, int, str, int]


@dataclass
class Contribution:
    days: Counter[DayKey]
    durations: Counter[DurationKey]


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def bucket_minutes(minutes: float) -> int:
    """The middle of the bucket ``minutes`` falls in (see the module's docstring)."""
    minutes = max(minutes, 0.0)
    width = bucket_width(minutes)
    return int(round(minutes / width) * width)


def bucket_width(minutes: float) -> int:
    if minutes < 48 * 60:
        return 15
    if minutes < 30 * 24 * 60:
        return 60
    return 24 * 60


def contribution(state: dict[str, Any] | None) -> Contribution:
    """What one hazard (its ``FIELDS``) adds to its community's days; None adds nothing."""
    days: Counter[DayKey] = Counter()
    durations: Counter[DurationKey] = Counter()
    if state is None:
        return Contribution(days, durations)
    place = state["community_id"]
    status, source = state["status"], state["source"]
    created, due, closed_at = state["created_at"], state["due_at"], state["closed_at"]
    reported = _local_day(created)
    is_closed = status == S.CLOSED
    needed = status not in ENDED_WITHOUT_WORK
    on_time = is_closed and closed_at is not None and closed_at <= due
    gridded = state["grid_id"] is not None
    by_worker = gridded and state["assignee_id"] is not None
    flags = {
        "reported": True,
        "needed": needed,
        "closed": is_closed,
        "on_time": on_time,
        "patrol": source == HazardSource.PATROL,
        "patrol_valid": source == HazardSource.PATROL and needed,
        "gridded": gridded and source != HazardSource.STAFF,
        "by_others": gridded and source in FOUND_BY_OTHERS,
        "worker_closed": is_closed and by_worker,
        "worker_on_time": on_time and by_worker,
    }
    for column, counted in flags.items():
        if counted:
            days[(reported, place, column)] += 1
    if state["escalated_at"] is not None:
        days[(_local_day(state["escalated_at"]), place, "escalations")] += 1
    late_closure = is_closed and closed_at is not None and closed_at > due
    if status in OPEN_STATUSES or late_closure:
        days[(_local_day(due), place, "overdue_start")] += 1
    if late_closure:
        days[(_local_day(closed_at), place, "overdue_end")] += 1
    if state["assigned_at"] is not None:
        minutes = (state["assigned_at"] - created).total_seconds() / 60
        durations[(reported, place, DurationMeasure.TO_ASSIGNMENT, bucket_minutes(minutes))] += 1
    if is_closed and closed_at is not None:
        minutes = (closed_at - created).total_seconds() / 60
        durations[(reported, place, DurationMeasure.TO_CLOSURE, bucket_minutes(minutes))] += 1
    return Contribution(days, durations)


def difference(before: dict[str, Any] | None, after: dict[str, Any] | None) -> Contribution:
    """``after``'s contribution less ``before``'s, without the keys that did not move."""
    old, new = contribution(before), contribution(after)
    days: Counter[DayKey] = Counter()
    durations: Counter[DurationKey] = Counter()
    for key in old.days.keys() | new.days.keys():
        if delta := new.days[key] - old.days[key]:
            days[key] = delta
    for dkey in old.durations.keys() | new.durations.keys():
        if delta := new.durations[dkey] - old.durations[dkey]:
            durations[dkey] = delta
    return Contribution(days, durations)


def apply_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Move the figures by one hazard's change (call inside the transaction that saves it)."""
    change = difference(before, after)
    if change.days or change.durations:
        _apply(change)


def _apply(change: Contribution, community_model: Any = None) -> None:
    if community_model is None:
        from grids.models import Community as community_model

    places = {key[1] for key in change.days} | {key[1] for key in change.durations}
    rows = community_model.objects.filter(pk__in=places).values_list("pk", "district_id")
    districts = dict(rows)
    day_rows: dict[tuple[date, int, int], Counter[str]] = {}
    for (day, community, column), delta in change.days.items():
        district = districts[community]
        for place in (community, WHOLE_DISTRICT):
            day_rows.setdefault((day, district, place), Counter())[column] += delta
    duration_rows: Counter[tuple[date, int, int, str, int]] = Counter()
    for (day, community, measure, minutes), delta in change.durations.items():
        district = districts[community]
        for place in (community, WHOLE_DISTRICT):
            duration_rows[(day, district, place, measure, minutes)] += delta
    # One lock order for every writer (by key), so two steps never wait on each other.
    days = [(*key, *(counts[c] for c in COUNTS)) for key, counts in sorted(day_rows.items())]
    durations = [(*key, delta) for key, delta in sorted(duration_rows.items())]
    _upsert_add(HazardDay, ("day", "district_id", "community_id"), COUNTS, days)
    _upsert_add(
        HazardDuration,
        ("day", "district_id", "community_id", "measure", "minutes"),
        ("count",),
        durations,
    )


def _upsert_add(
    model: Any, keys: tuple[str, ...], columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT ... ON CONFLICT DO UPDATE SET column = column + new (SQLite and PostgreSQL)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(name) for name in (*keys, *columns))
    adds = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in columns)
    width = len(keys) + len(columns)
    placeholders = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            params: list[Any] = []
            for row in batch:
                params += [connection.ops.adapt_datefield_value(row[0]), *row[1:]]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(batch))} "
                f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {adds}",
                params,
            )


def rebuild(
    *,
    chunk: int = 20_000,
    progress: Callable[[Iterator[list[dict[str, Any]]], int], Iterable[Any]] | None = None,
    apps: Any = None,
) -> int:
    """Make the figures again from every hazard, in one transaction; returns the hazards read.

    Hazards are read in chunks by id (keyset) and each chunk's contributions are summed
    before they are written, so a rebuild writes roughly one row per place and day, not
    one per hazard. On PostgreSQL the hazards are locked against writes (SHARE) while it
    runs: a report made meanwhile waits for the rebuild instead of being counted twice or
    not at all. ``apps``: a migration's historical models.
    """
    if apps is None:
        from django.apps import apps
    hazard_model = apps.get_model("inspections", "Hazard")
    community_model = apps.get_model("grids", "Community")
    day_model = apps.get_model("inspections", "HazardDay")
    duration_model = apps.get_model("inspections", "HazardDuration")

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {hazard_model._meta.db_table} IN SHARE MODE")
        day_model.objects.all().delete()
        duration_model.objects.all().delete()
        total = hazard_model.objects.count()
        chunks = _chunks(hazard_model, chunk)
        read = 0
        for rows in progress(chunks, total) if progress else chunks:
            days: Counter[DayKey] = Counter()
            durations: Counter[DurationKey] = Counter()
            for state in rows:
                part = contribution(state)
                days.update(part.days)
                durations.update(part.durations)
                read += 1
            _apply(Contribution(days, durations), community_model)
    return read


def _chunks(hazard_model: Any, size: int) -> Iterator[list[dict[str, Any]]]:
    last = 0
    while True:
        rows = list(
            hazard_model.objects.filter(pk__gt=last).order_by("pk").values("pk", *FIELDS)[:size]
        )
        if not rows:
            return
        last = rows[-1]["pk"]
        yield rows


def median_hours(histogram: dict[int, int]) -> float | None:
    """The median of bucketed durations (minutes -> count), in hours, as ``percentile_cont``
    would give it with each bucket's values spread evenly across the bucket."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = (total - 1) / 2
    low, high = int(rank), int(rank) + (rank % 1 > 0)
    return (
        (_nth(histogram, low) + _nth(histogram, high)) / 2 / 60
        if low != high
        else (_nth(histogram, low) / 60)
    )


def _nth(histogram: dict[int, int], n: int) -> float:
    """The n-th smallest value (0-based), its bucket's values spread across the bucket."""
    seen = 0
    for minutes in sorted(histogram):
        count = histogram[minutes]
        if count <= 0:
            continue
        if n < seen + count:
            width = bucket_width(minutes)
            return minutes - width / 2 + width * (n - seen + 0.5) / count
        seen += count
    raise ValueError(n)
