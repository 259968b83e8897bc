"""Realtime events about hazards: what they carry and who hears them.

Services publish with the catalogue constants below (``HAZARD_REPORTED``, ...), never a
string, and name audiences only through ``grids.audiences``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from config.realtime.catalogue import EventType, register_event_type
from config.realtime.publish import publish
from grids.audiences import (
    city_managers_group,
    community_staff_group,
    district_managers_group,
    grid_worker_group,
    user_group,
)
from inspections.models import Hazard


def hazard_event_data(hazard: Hazard) -> dict[str, Any]:
    """Only what a client needs to refresh: no names, no descriptions."""
    return {
        "id": hazard.pk,
        "number": hazard.number,
        "status": hazard.status,
        "category": hazard.category.code,
        "grid": hazard.grid_id,
        "community": hazard.community_id,
        "due_at": hazard.due_at.isoformat() if hazard.due_at else None,
        "version": hazard.version,
    }


def hazard_staff_audiences(hazard: Hazard) -> list[str]:
    """Who runs the hazard's community: its staff and the city's managers."""
    return [community_staff_group(hazard.community_id), city_managers_group()]


def hazard_escalation_audiences(hazard: Hazard) -> list[str]:
    """Who hears that a hazard is overdue: staff, district managers, the assignee."""
    groups = [
        *hazard_staff_audiences(hazard),
        district_managers_group(hazard.community.district_id),
    ]
    if hazard.assignee_id:
        groups.append(user_group(hazard.assignee_id))
    return groups


def hazard_audiences(hazard: Hazard, *, people: bool = True) -> list[str]:
    groups = [
        community_staff_group(hazard.community_id),
        district_managers_group(hazard.community.district_id),
        city_managers_group(),
    ]
    if hazard.grid_id:
        groups.append(grid_worker_group(hazard.grid_id))
    if people:
        groups += [user_group(pk) for pk in (hazard.reporter_id, hazard.assignee_id) if pk]
    return groups


def hazard_publish(
    *,
    type: EventType,
    hazard: Hazard,
    extra: dict[str, Any] | None = None,
    audiences: Iterable[str] | None = None,
) -> None:
    """Publish inside the caller's transaction; the seam delivers it on commit."""
    publish(
        type=type,
        data={**hazard_event_data(hazard), **(extra or {})},
        audiences=list(audiences) if audiences is not None else hazard_audiences(hazard),
    )


# --- The catalogue (config.realtime.catalogue): what clients can rely on ------------------
_HAZARD_FIELDS = {
    "id": _("hazard id"),
    "number": _("readable number, e.g. H-2026-000123"),
    "status": _("status after the change"),
    "category": _("category code"),
    "grid": _("grid id (may be null)"),
    "community": _("community id"),
    "due_at": _("deadline, ISO 8601"),
    "version": _("send this version with the next transition"),
}
_EVERYONE = _(
    "community staff (community.<id>.staff), district managers (district.<id>.managers), "
    "administrators, the grid's worker (grid.<id>.worker), the reporter and the assignee "
    "(user.<id>)"
)
_STAFF = _("community staff (community.<id>.staff) and administrators")


def _hazard_event(name: str, description: Any, audiences: Any, **extra: Any) -> EventType:
    return register_event_type(
        EventType(
            name=name,
            version=1,
            description=description,
            audiences=audiences,
            data={**_HAZARD_FIELDS, **extra},
        )
    )


HAZARD_REPORTED = _hazard_event("hazard.reported", _("A hazard was reported."), _EVERYONE)
HAZARD_ASSIGNED = _hazard_event(
    "hazard.assigned", _("Staff assigned the hazard to a worker."), _EVERYONE
)
HAZARD_STATUS_CHANGED = _hazard_event(
    "hazard.status_changed",
    _("The hazard moved in its lifecycle (start, fix, close, reject, duplicate, reopen)."),
    _EVERYONE,
    duplicate_of=_("when marked duplicate: the original's id, number and status"),
)
HAZARD_COMMENTED = _hazard_event(
    "hazard.commented",
    _("A comment or a photo was added to the timeline."),
    _EVERYONE,
    event=_("timeline event id (comments)"),
    photo=_("photo id (photos)"),
)
HAZARD_ESCALATED = _hazard_event(
    "hazard.escalated",
    _("The hazard is overdue and its escalation level went up."),
    _("community staff, district managers, administrators and the assignee"),
    escalation_level=_("new escalation level"),
)
HAZARD_DUPLICATE_SUGGESTED = _hazard_event(
    "hazard.duplicate_suggested",
    _("A new report looks like open hazards of the same category within 100 m."),
    _STAFF,
    suggestions=_("ids of the possible originals"),
)
