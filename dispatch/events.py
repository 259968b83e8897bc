"""Realtime events of one-click dispatch: what they carry and exactly who hears them.

A volunteer hears only about their own offer (``user.<id>``), and before accepting only
the distance and the rough area, never the exact place. Staff of the incident's
community, administrators and the grid's worker follow the whole dispatch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.realtime.catalogue import EventType, Text, register_event_type
from config.realtime.publish import publish, publish_many
from dispatch.models import Dispatch, Offer
from grids.audiences import (
    city_managers_group,
    community_staff_group,
    grid_worker_group,
    user_group,
)


def followers(dispatch: Dispatch) -> list[str]:
    """Who follows a dispatch as a whole: its community's staff, administrators, grid worker."""
    groups = [community_staff_group(dispatch.community_id), city_managers_group()]
    if dispatch.grid_id:
        groups.append(grid_worker_group(dispatch.grid_id))
    return groups


def offer_data(offer: Offer, dispatch: Dispatch) -> dict[str, Any]:
    """What a volunteer's phone needs to show an offer: no exact place, no names."""
    return {
        "offer": offer.pk,
        "dispatch": dispatch.pk,
        "status": offer.status,
        "distance_m": offer.distance_m,
        "area": dispatch.area,
        "skill": dispatch.skill.code if dispatch.skill_id and dispatch.skill else None,
        "urgency": dispatch.urgency,
        "is_drill": dispatch.is_drill,
        "people_needed": dispatch.people_needed,
        "offered_at": offer.offered_at.isoformat(),
    }


def dispatch_data(dispatch: Dispatch) -> dict[str, Any]:
    return {
        "dispatch": dispatch.pk,
        "status": dispatch.status,
        "ring": dispatch.ring,
        "radius_m": dispatch.rings_m[dispatch.ring] if dispatch.rings_m else None,
        "community": dispatch.community_id,
        "grid": dispatch.grid_id,
        "lat": dispatch.lat,
        "lng": dispatch.lng,
        "people_needed": dispatch.people_needed,
        "is_drill": dispatch.is_drill,
        "ring_deadline_at": dispatch.ring_deadline_at.isoformat()
        if dispatch.ring_deadline_at
        else None,
    }


def announce_offers(*, dispatch: Dispatch, offers: Iterable[Offer]) -> None:
    """One event per offer, each to its own volunteer only (logged and sent as a batch)."""
    publish_many(
        type=OFFERED,
        items=[(offer_data(offer, dispatch), [user_group(offer.volunteer_id)]) for offer in offers],
    )


def announce_stand_down(*, dispatch: Dispatch, user_ids: list[int], reason: str) -> None:
    """One event for everyone told they are not needed (one log row, one send per socket)."""
    if user_ids:
        publish(
            type=STOOD_DOWN,
            data={"dispatch": dispatch.pk, "reason": reason},
            audiences=[user_group(pk) for pk in user_ids],
        )


def announce_dispatch(
    *,
    type: EventType,
    dispatch: Dispatch,
    people: Iterable[int] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    """A change of the dispatch as a whole, to its followers (and the volunteers named)."""
    publish(
        type=type,
        data={**dispatch_data(dispatch), **(extra or {})},
        audiences=[*followers(dispatch), *(user_group(pk) for pk in people)],
    )


def announce_offer_change(*, offer: Offer, dispatch: Dispatch) -> None:
    """An answer or a step on the way, to the followers and the volunteer's other devices."""
    publish(
        type=OFFER_CHANGED,
        data={**offer_data(offer, dispatch), "volunteer": offer.volunteer_id},
        audiences=[*followers(dispatch), user_group(offer.volunteer_id)],
    )


# --- The catalogue (config.realtime.catalogue) -----------------------------------------------
_OFFER_FIELDS: dict[str, Text] = {
    "offer": _("offer id"),
    "dispatch": _("dispatch id"),
    "status": _("offer status"),
    "distance_m": _("distance from the volunteer, metres"),
    "area": _("rough area (community and grid), never the exact place"),
    "skill": _("skill code needed, or null"),
    "urgency": _("routine, urgent or emergency"),
    "is_drill": _("true for a practice dispatch"),
    "people_needed": _("number of people needed"),
    "offered_at": _("when it was offered, ISO 8601"),
}
_DISPATCH_FIELDS: dict[str, Text] = {
    "dispatch": _("dispatch id"),
    "status": _("open, filled, unfilled or closed"),
    "ring": _("current ring, from 0"),
    "radius_m": _("radius of the current ring, metres"),
    "community": _("community id"),
    "grid": _("grid id, or null"),
    "lat": _("latitude"),
    "lng": _("longitude"),
    "people_needed": _("number of people needed"),
    "is_drill": _("true for a practice dispatch"),
    "ring_deadline_at": _("when the current ring ends, ISO 8601, or null"),
}
_TO_ACCEPTED = _(", and the volunteers who accepted (user.<id>)")
_FOLLOWERS = _(
    "community staff (community.<id>.staff), administrators and the grid's worker "
    "(grid.<id>.worker)"
)

OFFERED = register_event_type(
    EventType(
        name="dispatch.offered",
        version=1,
        description=_("A volunteer is asked to help with an incident near them."),
        audiences=_("the volunteer offered (user.<id>)"),
        data=_OFFER_FIELDS,
    )
)
STOOD_DOWN = register_event_type(
    EventType(
        name="dispatch.stood_down",
        version=1,
        description=_("Enough volunteers accepted, or the dispatch closed: not needed."),
        audiences=_("every volunteer whose offer was still open (user.<id>)"),
        data={
            "dispatch": _("dispatch id"),
            "reason": _("filled or closed"),
        },
    )
)
OFFER_CHANGED = register_event_type(
    EventType(
        name="dispatch.offer_changed",
        version=1,
        description=_(
            "A volunteer saw, accepted or declined an offer, or is on the way, arrived, "
            "at the task or done."
        ),
        audiences=format_lazy("{}{}", _FOLLOWERS, _(", and the volunteer (user.<id>)")),
        data={**_OFFER_FIELDS, "volunteer": _("volunteer's user id")},
    )
)
OPENED = register_event_type(
    EventType(
        name="dispatch.opened",
        version=1,
        description=_("A dispatch was opened for an incident."),
        audiences=_FOLLOWERS,
        data=_DISPATCH_FIELDS,
    )
)
WIDENED = register_event_type(
    EventType(
        name="dispatch.widened",
        version=1,
        description=_("Nobody accepted in time (or too many declined): the next ring is asked."),
        audiences=_FOLLOWERS,
        data=_DISPATCH_FIELDS,
    )
)
FILLED = register_event_type(
    EventType(
        name="dispatch.filled",
        version=1,
        description=_("As many volunteers accepted as were needed."),
        audiences=format_lazy("{}{}", _FOLLOWERS, _TO_ACCEPTED),
        data=_DISPATCH_FIELDS,
    )
)
UNFILLED = register_event_type(
    EventType(
        name="dispatch.unfilled",
        version=1,
        description=_(
            "Every ring was asked and not enough volunteers accepted: staff must act. "
            "Open offers can still be accepted."
        ),
        audiences=_FOLLOWERS,
        data=_DISPATCH_FIELDS,
    )
)
CLOSED = register_event_type(
    EventType(
        name="dispatch.closed",
        version=1,
        description=_("Staff closed the dispatch with an outcome."),
        audiences=format_lazy("{}{}", _FOLLOWERS, _TO_ACCEPTED),
        data={
            **_DISPATCH_FIELDS,
            "outcome": _("resolved, handed_over, false_alarm, cancelled or unfilled"),
        },
    )
)
