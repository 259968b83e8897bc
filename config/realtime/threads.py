"""Database work of sockets runs in the thread pool, not in the one sync thread.

Channels' ``database_sync_to_async`` defaults to ``thread_sensitive=True``: every call of
every socket of a process queues through a single thread, in arrival order. In a
reconnect storm that queue is the outage (thousands of handshakes, each waiting behind
every earlier socket's queries, until Daphne's handshake timeout closes them). Our socket
code shares no thread-bound state between calls (each call is a self-contained read or
one statement), so it can run on any thread of the pool, in parallel.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections

P = ParamSpec("P")
R = TypeVar("R")


def in_thread_pool(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` as a coroutine run on the thread pool, its database connection released
    after (back to the pool, unless ``CONN_MAX_AGE`` keeps it)."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        # As channels.db.database_sync_to_async does, but called here: Channels' test
        # communicators switch its copy off, which would leave every pool thread of
        # every test holding a connection.
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            close_old_connections()

    return sync_to_async(run, thread_sensitive=False)
