"""Realtime events of the volunteer program: what they carry and who hears them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from config.realtime.catalogue import EventType, register_event_type

_TO_VOLUNTEER = _("the volunteer (user.<id>)")

WAITLIST_PROMOTED = register_event_type(
    EventType(
        name="volunteers.waitlist_promoted",
        version=1,
        description=_("A place came free: the volunteer moved up from the waiting list."),
        audiences=_TO_VOLUNTEER,
        data={
            "activity": _("activity id"),
            "title": _("activity title"),
            "starts_at": _("when it starts, ISO 8601"),
            "signup": _("sign-up id"),
        },
    )
)
ACTIVITY_REMINDER = register_event_type(
    EventType(
        name="volunteers.activity_reminder",
        version=1,
        description=_("An activity the volunteer signed up for is tomorrow or today."),
        audiences=_TO_VOLUNTEER,
        data={
            "activity": _("activity id"),
            "title": _("activity title"),
            "starts_at": _("when it starts, ISO 8601"),
            "when": _("day_before or day_of"),
        },
    )
)
HOURS_APPROVED = register_event_type(
    EventType(
        name="volunteers.hours_approved",
        version=1,
        description=_("Staff approved the hours of one of the volunteer's activities."),
        audiences=_TO_VOLUNTEER,
        data={
            "signup": _("sign-up id"),
            "activity": _("activity id"),
            "minutes": _("approved minutes"),
        },
    )
)
CERTIFICATE_EXPIRING = register_event_type(
    EventType(
        name="volunteers.certificate_expiring",
        version=1,
        description=_("One of the volunteer's certificates expires in 30 or 7 days."),
        audiences=_TO_VOLUNTEER,
        data={
            "certificate": _("certificate id"),
            "skill": _("skill code"),
            "expires_on": _("expiry date, ISO 8601"),
            "days_left": _("30 or 7"),
        },
    )
)


def event_data(**fields: Any) -> dict[str, Any]:
    """Only ids, codes and times: names stay out of the event log."""
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in fields.items()
    }
