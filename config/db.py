"""Database expressions the figures need on both PostgreSQL and SQLite.

``Median`` is computed by the database (``percentile_cont`` on PostgreSQL, a small
aggregate registered on each SQLite connection), so a dashboard never loads rows into
Python to find a median. ``HoursBetween`` is the hours from one timestamp to another.
``grouped_with_total`` gives a grouped aggregate and the same aggregate over all its rows
from one pass on PostgreSQL (``GROUP BY ROLLUP``).
"""

from __future__ import annotations

import re
import statistics
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Aggregate, Expression, FloatField, Func, QuerySet


class Median(Aggregate):
    """The median of a numeric expression (NULLs ignored); None for no rows."""

    function = "safegrid_median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # On the clone's template, not as an argument: a FILTER clause wraps self.template.
        ordered = self.copy()
        ordered.template = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return ordered.as_sql(compiler, connection, **extra)


class HoursBetween(Func):
    """Hours from ``start`` to ``end`` (two datetime expressions), as a float."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"((julianday({end[0]}) - julianday({start[0]})) * 24.0)"
        return sql, [*end[1], *start[1]]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        # date_part is double precision; EXTRACT is numeric since PostgreSQL 14, and a
        # median over a city's hazards spent a fifth of its time in numeric arithmetic.
        sql = f"(DATE_PART('epoch', {end[0]} - {start[0]}) / 3600.0)"
        return sql, [*end[1], *start[1]]


class _SqliteMedian:
    """SQLite aggregate: collects the group's values in the database process."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("safegrid_median", 1, _SqliteMedian)


connection_created.connect(_register_sqlite_functions, dispatch_uid="safegrid_median")


_GROUP_BY = re.compile(r" GROUP BY (?P<keys>[^()]+)$")


def grouped_with_total(
    rows: QuerySet[Any], *, group: str, by: Expression, aggregates: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``aggregates`` over ``rows`` grouped by ``by`` (named ``group``), and over all of them.

    On PostgreSQL both come from one statement, ``GROUP BY ROLLUP(...)``: the rows are read
    and sorted once, where a grouped query and a plain aggregate would scan them twice (a
    median cannot be summed from the groups'). Elsewhere (SQLite) the two are run apart.
    The groups come back unordered, as plain values (``group`` as the database returns
    it: a naive local datetime for a truncated date). ``by`` must never be NULL: the
    grand total is the row whose ``group`` is.
    """
    grouped = rows.annotate(**{group: by}).values(group).annotate(**aggregates).order_by()
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return list(grouped), rows.aggregate(**aggregates)
    try:
        sql, params = grouped.query.sql_with_params()
    except EmptyResultSet:  # e.g. no places at all: Django answers without asking
        return [], rows.aggregate(**aggregates)
    rolled, found = _GROUP_BY.subn(r" GROUP BY ROLLUP(\g<keys>)", sql)
    if found != 1:  # a shape Django did not compile before: never guess at the SQL
        return list(grouped), rows.aggregate(**aggregates)
    with connection.cursor() as cursor:
        cursor.execute(rolled, params)
        names = [column.name for column in cursor.description]
        every = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    total = next((row for row in every if row[group] is None), None)
    groups = [row for row in every if row[group] is not None]
    if total is None:  # no rows at all: ROLLUP still yields its grand total, but be sure
        return groups, rows.aggregate(**aggregates)
    return groups, {k: v for k, v in total.items() if k != group}
