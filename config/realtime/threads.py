"""Database work of sockets runs in the thread pool, not in the one sync thread; and sync
code outside a server reaches the channel layer through one long-lived event loop.

Channels' ``database_sync_to_async`` defaults to ``thread_sensitive=True``: every call of
every socket of a process queues through a single thread, in arrival order. In a
reconnect storm that queue is the outage (thousands of handshakes, each waiting behind
every earlier socket's queries, until Daphne's handshake timeout closes them). Our socket
code shares no thread-bound state between calls (each call is a self-contained read or
one statement), so it can run on any thread of the pool, in parallel.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
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


# How long sync code waits for the channel layer before giving up (the caller logs it and
# the event stays in the log for the flush).
LAYER_TIMEOUT_SECONDS = 10.0
_layer_loop: asyncio.AbstractEventLoop | None = None
_layer_loop_pid = 0
_layer_loop_lock = threading.Lock()


def _under_server_loop() -> bool:
    """Whether this thread was entered from a server's event loop (a sync view under
    Daphne, ``database_sync_to_async``): ``async_to_sync`` then hands the work to that
    loop, which already holds the channel layer's connections."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", 0) != os.getpid():
        return False
    # asgiref leaves the thread's last server loop behind: a loop since closed (a test's,
    # a server's that stopped) is not one to hand work to.
    return bool(loop.is_running())


def _loop_for_layer() -> asyncio.AbstractEventLoop:
    global _layer_loop, _layer_loop_pid
    with _layer_loop_lock:
        if _layer_loop is None or _layer_loop_pid != os.getpid():  # none yet, or forked
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=loop.run_forever, name="channel-layer-loop", daemon=True
            )
            thread.start()
            _layer_loop, _layer_loop_pid = loop, os.getpid()
        return _layer_loop


def call_layer(func: Callable[P, Coroutine[Any, Any, R]], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a channel-layer coroutine to completion from sync code.

    Inside a server this is ``async_to_sync`` (the server's loop). Elsewhere (the task
    runner, management commands, a script) ``async_to_sync`` would start a thread and an
    event loop for every call, and a Redis layer a new connection for each loop; here
    every call of the process shares one loop on a thread of its own, so its connections
    are kept. Raises ``TimeoutError`` after ``LAYER_TIMEOUT_SECONDS``.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_loop_thread = False
    else:
        in_loop_thread = True
    if in_loop_thread or _under_server_loop():
        return async_to_sync(func)(*args, **kwargs)
    future = asyncio.run_coroutine_threadsafe(func(*args, **kwargs), _loop_for_layer())
    try:
        return future.result(LAYER_TIMEOUT_SECONDS)
    except TimeoutError:
        future.cancel()
        raise
