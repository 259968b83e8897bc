"""Django's PostgreSQL backend, with one change to its connection pool: after a broken
connection, every idle one is checked at once.

With ``CONN_HEALTH_CHECKS`` Django has psycopg_pool check a connection before handing it
out. After PostgreSQL restarted, every idle connection is broken, and the pool discards
them one per attempt, sleeping 0, 1, 2, 4, ... seconds between attempts: a process that
held five idle connections needed 15 s for its first request, past the pool's timeout,
so that request and those waiting with it failed although the database was back (the
fault test of a restart found it). Here the first failed check has the pool check all
its idle connections (``ConnectionPool.check``, which replaces the broken ones), so the
next attempt gets a fresh connection.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg_pool import ConnectionPool


def check_whole_pool_on_failure(conn: Any) -> None:
    """psycopg_pool's own check; when it fails, the rest of the pool is checked too."""
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool = getattr(conn, "_pool", None)  # the pool that handed it out
        if pool is not None:
            pool.check()
        raise


class DatabaseWrapper(PostgresDatabaseWrapper):
    @property
    def pool(self) -> Any:
        pool = super().pool  # type: ignore[misc]
        # Django passes its check as an argument it also names itself, so it cannot be
        # given in OPTIONS; psycopg_pool reads it from this attribute on every check.
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = check_whole_pool_on_failure
        return pool
