"""The event catalogue: every event type clients can receive, versioned and documented.

Apps describe their own events in their ``events.py`` with ``register_event_type``; the
seam knows only names, versions and descriptions, never what the events mean. The
catalogue is served at ``GET /api/v1/events/types/`` so mobile teams build from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Descriptions are lazily translated: rendered in the reader's language when served.
Text = str | Promise


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    description: Text
    audiences: Text
    data: dict[str, Text] = field(default_factory=dict)
    # That such an event happened, and when, is itself a secret of its audience: the event
    # log's admin screen leaves it out (a whistleblower's tip, for one).
    private: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.name,
            "version": self.version,
            "description": str(self.description),
            "audiences": str(self.audiences),
            "data": {key: str(value) for key, value in self.data.items()},
        }


_catalogue: dict[str, EventType] = {}


def register_event_type(event_type: EventType) -> EventType:
    """Add an event type; registering the same name twice with a different shape is a bug."""
    existing = _catalogue.get(event_type.name)
    if existing is not None and existing != event_type:
        raise ValueError(f"event type {event_type.name!r} is already registered differently")
    _catalogue[event_type.name] = event_type
    return event_type


def event_type(name: str) -> EventType | None:
    return _catalogue.get(name)


def event_types() -> list[EventType]:
    return sorted(_catalogue.values(), key=lambda item: item.name)


def private_event_type_names() -> list[str]:
    return sorted(name for name, item in _catalogue.items() if item.private)
