"""Realtime events about tips: handlers of the tip's district (and city-wide) only.

The one module of this app that publishes. The data names the tip by id and number and
its status; never its text, its enterprise or anything the whistleblower wrote.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from config.realtime.catalogue import EventType, register_event_type
from config.realtime.publish import publish
from grids.audiences import tip_audiences
from inspections.tips.models import Tip

_FIELDS = {
    "id": _("tip id"),
    "number": _("readable number, e.g. T-2026-000012"),
    "status": _("status of the tip"),
    "district": _("district id"),
    "version": _("send this version with the next step"),
}
_HANDLERS = _(
    "tip handlers of the tip's district (tips.district.<id>.handlers) and city-wide "
    "handlers (tips.handlers); nobody else"
)


def _tip_event(name: str, description: Any, **extra: Any) -> EventType:
    return register_event_type(
        EventType(
            name=name,
            version=1,
            description=description,
            audiences=_HANDLERS,
            data={**_FIELDS, **extra},
            private=True,  # a tip's existence and its times are for its handlers only
        )
    )


TIP_RECEIVED = _tip_event("tip.received", _("A whistleblower sent a new tip."))
TIP_MESSAGE = _tip_event(
    "tip.message",
    _("The whistleblower wrote a message or added evidence."),
    evidence=_("true when files were added"),
)
TIP_OVERDUE = _tip_event(
    "tip.overdue",
    _("A tip's deadline passed or is near: acknowledge within 7 days, feedback within 3 months."),
    deadline=_("acknowledge, feedback or purge"),
    due_on=_("the deadline's day, ISO 8601"),
)


def tip_publish(*, type: EventType, tip: Tip, extra: dict[str, Any] | None = None) -> None:
    """Publish inside the caller's transaction; the seam delivers it on commit."""
    data = {
        "id": tip.pk,
        "number": tip.number,
        "status": tip.status,
        "district": tip.district_id,
        "version": tip.version,
        **(extra or {}),
    }
    publish(type=type, data=data, audiences=tip_audiences(tip.district_id))
