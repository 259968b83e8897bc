"""Sync code reaches the channel layer through one loop outside a server (call_layer)."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from config.realtime import threads
from config.realtime.threads import call_layer


async def _where() -> tuple[asyncio.AbstractEventLoop, str]:
    return asyncio.get_running_loop(), threading.current_thread().name


def test_sync_code_outside_a_server_shares_one_loop_on_its_own_thread() -> None:
    first_loop, first_thread = call_layer(_where)
    second_loop, _ = call_layer(_where)
    from_another_thread: list[asyncio.AbstractEventLoop] = []
    worker = threading.Thread(target=lambda: from_another_thread.append(call_layer(_where)[0]))
    worker.start()
    worker.join()

    assert first_loop is second_loop is from_another_thread[0]
    assert first_thread == "channel-layer-loop" != threading.current_thread().name
    assert first_loop.is_running()


async def test_a_sync_view_under_a_server_uses_the_servers_loop() -> None:
    server_loop = asyncio.get_running_loop()

    loop, _ = await sync_to_async(call_layer)(_where)

    assert loop is server_loop


def test_a_message_sent_from_sync_code_arrives() -> None:
    layer = get_channel_layer()
    channel = call_layer(layer.new_channel)
    call_layer(layer.group_add, "layer-loop-test", channel)

    call_layer(layer.group_send, "layer-loop-test", {"type": "probe", "n": 7})

    assert call_layer(layer.receive, channel) == {"type": "probe", "n": 7}


def test_a_layer_that_does_not_answer_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "LAYER_TIMEOUT_SECONDS", 0.2)
    started = asyncio.Event()

    async def hang() -> None:
        started.set()
        await asyncio.sleep(30)

    with pytest.raises(TimeoutError):
        call_layer(hang)
    assert started.is_set()
    assert call_layer(_where)[1] == "channel-layer-loop"  # the loop still serves the next


def test_a_server_loop_left_behind_and_closed_is_not_used() -> None:
    """asgiref keeps a thread's last server loop in its thread-local after the server has
    gone (a finished async test, in CI): that loop is closed, and work handed to it would
    fall back to a new loop per call."""
    from asgiref.sync import SyncToAsync

    stale = asyncio.new_event_loop()
    stale.close()
    local = SyncToAsync.threadlocal
    saved = {
        k: getattr(local, k)
        for k in ("main_event_loop", "main_event_loop_pid")
        if hasattr(local, k)
    }
    local.main_event_loop, local.main_event_loop_pid = stale, os.getpid()
    try:
        loop, thread = call_layer(_where)
        again, _ = call_layer(_where)
    finally:
        for k in ("main_event_loop", "main_event_loop_pid"):
            if k in saved:
                setattr(local, k, saved[k])
            elif hasattr(local, k):
                delattr(local, k)

    assert thread == "channel-layer-loop"
    assert loop is again and loop.is_running()
