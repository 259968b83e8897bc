"""The seam that services call to announce an event.

``publish`` writes the event to the log inside the caller's transaction and hands it to
the channel layer only after that transaction commits, so nothing rolled back is ever
announced. If the layer is down the event stays unpublished in the log: clients catch up
from the log on reconnect, a later successful delivery retries older ones (at once in
the process whose delivery failed, otherwise at most once a second per process), and
``manage.py realtime_flush`` (cron) retries them too.

Publishing an event::

    from config.realtime.publish import publish
    from grids.audiences import community_staff_group, user_group
    from inspections.events import HAZARD_REPORTED  # register_event_type(EventType(...))

    publish(type=HAZARD_REPORTED, data={...}, audiences=[user_group(user.pk), ...])

``type`` is the catalogue's ``EventType`` object (a string is a ``TypeError``; a type
that is not registered, or registered differently, is a ``ValueError``), and every
audience must be a group the audiences module produces (``ValueError`` otherwise): a
typo fails the first test that runs its publisher instead of silently dropping events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.realtime.catalogue import EventType, event_type
from config.realtime.groups import audiences_module
from config.realtime.models import Event, EventAudience
from config.realtime.threads import call_layer

logger = logging.getLogger(__name__)

GROUP_MESSAGE_TYPE = "event.message"
FLUSH_BATCH = 200
# Younger unpublished events may still be waiting for their own on_commit hand-off.
FLUSH_GRACE = timedelta(seconds=5)
# A successful delivery looks for older unpublished events at most once every
# settings.REALTIME_FLUSH_EVERY_SECONDS per process (a query saved on nearly every write),
# and at once after a delivery of its own failed.
_next_flush_at = 0.0


def _flush_due() -> bool:
    global _next_flush_at
    now = time.monotonic()
    if now < _next_flush_at:
        return False
    _next_flush_at = now + settings.REALTIME_FLUSH_EVERY_SECONDS
    return True


def _flush_soon() -> None:
    global _next_flush_at
    _next_flush_at = 0.0


def publish(*, type: EventType, data: dict[str, Any], audiences: Iterable[str]) -> Event:
    """Log an event for ``audiences`` and deliver it after the current transaction commits."""
    groups = sorted(set(audiences))
    _check(type, groups)
    event = Event.objects.create(type=type.name, version=type.version, data=data)
    EventAudience.objects.bulk_create(EventAudience(event=event, group=g) for g in groups)
    transaction.on_commit(lambda: deliver(event=event, groups=groups))
    return event


def _check(type: EventType, groups: list[str]) -> None:
    """Refuse what no client could rely on: an uncatalogued type, an unknown group."""
    if not isinstance(type, EventType):
        raise TypeError(f"publish(type=...) takes a catalogue EventType, not {type!r}")
    if event_type(type.name) != type:
        raise ValueError(f"event type {type.name!r} is not registered in the catalogue")
    is_audience = audiences_module().is_audience
    unknown = [group for group in groups if not is_audience(group)]
    if unknown:
        raise ValueError(f"not groups the audiences module produces: {unknown!r}")


def publish_many(
    *, type: EventType, items: Iterable[tuple[dict[str, Any], Iterable[str]]]
) -> list[Event]:
    """``publish`` for many events of one type at once (each with its own data and audiences).

    Three statements in the caller's transaction and one delivery pass after commit,
    whatever the count: a dispatch offering 200 volunteers their own offer costs no more
    round trips than one.
    """
    pending = [(data, sorted(set(audiences))) for data, audiences in items]
    for _data, groups in pending:
        _check(type, groups)
    if not pending:
        return []
    events = Event.objects.bulk_create(
        Event(type=type.name, version=type.version, data=data) for data, _groups in pending
    )
    if any(event.pk is None for event in events):  # a backend that returns no ids
        raise RuntimeError("publish_many needs a database that returns ids from bulk inserts")
    EventAudience.objects.bulk_create(
        EventAudience(event=event, group=group)
        for event, (_data, groups) in zip(events, pending, strict=True)
        for group in groups
    )
    batch = [(event, groups) for event, (_data, groups) in zip(events, pending, strict=True)]
    transaction.on_commit(lambda: deliver_many(batch=batch))
    return events


def deliver_many(*, batch: list[tuple[Event, list[str]]]) -> int:
    """Hand logged events to the layer in order; stops at the first failure (they stay in
    the log for the flush). Returns how many were delivered."""
    delivered = call_layer(_send_batch, batch)
    Event.objects.filter(pk__in=delivered).update(published_at=timezone.now())
    if len(delivered) < len(batch):
        _flush_soon()
    elif _flush_due():
        flush_unpublished(limit=FLUSH_BATCH)
    return len(delivered)


def event_envelope(event: Event) -> dict[str, Any]:
    """The JSON object a client receives for an event.

    A private type's time is its day only (local midnight): when a whistleblower wrote is
    not for anyone to read to the second.
    """
    occurred_at = timezone.localtime(event.created_at)
    known = event_type(event.type)
    if known is not None and known.private:
        occurred_at = occurred_at.replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "id": event.pk,
        "type": event.type,
        "version": event.version,
        "occurred_at": occurred_at.isoformat(),
        "data": event.data,
    }


def deliver(*, event: Event, groups: list[str]) -> bool:
    """Hand a logged event to the channel layer; False (and logged) when the layer fails."""
    if not _send(event, groups):
        _flush_soon()
        return False
    Event.objects.filter(pk=event.pk).update(published_at=timezone.now())
    if _flush_due():
        flush_unpublished(limit=FLUSH_BATCH)
    return True


def _send(event: Event, groups: list[str]) -> bool:
    """One trip to the event loop for all of the event's groups (each is a hop between
    threads; see ``call_layer``)."""
    try:
        call_layer(_send_groups, event, groups)
    except Exception:
        logger.exception("realtime: could not deliver event %s; it stays in the log", event.pk)
        return False
    return True


async def _send_groups(event: Event, groups: list[str]) -> None:
    layer = get_channel_layer()
    # The audiences travel with the event so that each socket can check, per event,
    # that it still belongs to one of them.
    message = {"type": GROUP_MESSAGE_TYPE, "event": event_envelope(event), "groups": groups}
    for group in groups:
        await layer.group_send(group, message)


async def _send_batch(batch: list[tuple[Event, list[str]]]) -> list[int]:
    """Every event's group sends in one trip to the event loop (not one per group)."""
    delivered: list[int] = []
    try:
        for event, groups in batch:
            await _send_groups(event, groups)
            delivered.append(event.pk)
    except Exception:
        logger.exception("realtime: could not deliver a batch; the rest stays in the log")
    return delivered


def flush_unpublished(*, limit: int = FLUSH_BATCH) -> int:
    """Retry events the layer did not take; returns how many were delivered now."""
    cutoff = timezone.now() - FLUSH_GRACE
    pending = (
        Event.objects.filter(published_at__isnull=True, created_at__lt=cutoff)
        .prefetch_related("audiences")
        .order_by("id")[:limit]
    )
    batch = [(event, [audience.group for audience in event.audiences.all()]) for event in pending]
    if not batch:
        return 0
    delivered = call_layer(_send_batch, batch)  # stops at the first failure, in order
    Event.objects.filter(pk__in=delivered).update(published_at=timezone.now())
    return len(delivered)
