"""The one query-budget check (HOUSE_STYLE rule 10): a read costs a pinned number of
queries, and the same number again once many more rows exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(read: Callable[[], Any]) -> int:
    """How many queries ``read()`` runs."""
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


def assert_query_budget(
    read: Callable[[], Any], *, grow: Callable[[], Any], queries: int | None
) -> None:
    """``read()`` runs ``queries`` queries, then ``grow()`` adds rows and ``read()`` runs
    as many again. ``queries=None`` only where one test covers several endpoints whose
    budgets differ: the count is then pinned by the first read."""
    before = queries_of(read)
    grow()
    after = queries_of(read)
    expected = before if queries is None else queries
    assert (before, after) == (expected, expected), (before, after, expected)
