"""Database expressions the figures need on both PostgreSQL and SQLite.

``Median`` is computed by the database (``percentile_cont`` on PostgreSQL, a small
aggregate registered on each SQLite connection), so a dashboard never loads rows into
Python to find a median. ``HoursBetween`` is the hours from one timestamp to another.
"""

from __future__ import annotations

import statistics
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, Func


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
        sql = f"(EXTRACT(EPOCH FROM ({end[0]} - {start[0]})) / 3600.0)"
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
