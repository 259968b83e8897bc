"""The seam that services call to announce an event.

``publish`` writes the event to the log inside the caller's transaction and hands it to
the channel layer only after that transaction commits, so nothing rolled back is ever
announced. If the layer is down the event stays unpublished in the log; clients catch up
on reconnect, and ``realtime_flush`` retries the hand-off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from config.realtime.models import Event, EventAudience

logger = logging.getLogger(__name__)

GROUP_MESSAGE_TYPE = "event.message"


def publish(*, type: str, data: dict[str, Any], audiences: Iterable[str]) -> Event:
    """Log an event for ``audiences`` and deliver it after the current transaction commits."""
    groups = sorted(set(audiences))
    event = Event.objects.create(type=type, data=data)
    EventAudience.objects.bulk_create(EventAudience(event=event, group=g) for g in groups)
    transaction.on_commit(lambda: deliver(event=event, groups=groups))
    return event


def event_envelope(event: Event) -> dict[str, Any]:
    """The JSON object a client receives for an event."""
    return {
        "id": event.pk,
        "type": event.type,
        "version": event.version,
        "occurred_at": event.created_at.isoformat(),
        "data": event.data,
    }


def deliver(*, event: Event, groups: list[str]) -> bool:
    """Hand a logged event to the channel layer; False (and logged) when the layer fails."""
    layer = get_channel_layer()
    message = {"type": GROUP_MESSAGE_TYPE, "event": event_envelope(event)}
    try:
        for group in groups:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("realtime: could not deliver event %s; it stays in the log", event.pk)
        return False
    Event.objects.filter(pk=event.pk).update(published_at=timezone.now())
    return True
