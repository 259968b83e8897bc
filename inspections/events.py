"""Realtime events about hazards: what they carry and who hears them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from config.realtime.publish import publish
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


def hazard_audiences(hazard: Hazard, *, people: bool = True) -> list[str]:
    groups = [f"community.{hazard.community_id}.staff", "administrators"]
    if hazard.grid_id:
        groups.append(f"grid.{hazard.grid_id}.worker")
    if people:
        groups += [f"user.{pk}" for pk in (hazard.reporter_id, hazard.assignee_id) if pk]
    return groups


def hazard_publish(
    *,
    type: str,
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
