"""The hazards part of a user's data (PIPL): what they reported, wrote and photographed.

Closing an account keeps every hazard, timeline line and photo (the city's record of a
safety problem and how it was handled) and removes the person from them.
"""

from __future__ import annotations

from typing import Any

from grids.models import User
from grids.services import PersonalDataSection
from inspections.models import Hazard, HazardEvent, Photo


def _export(user: User) -> dict[str, Any]:
    hazards = Hazard.objects.filter(reporter=user).select_related("category").order_by("pk")
    events = HazardEvent.objects.filter(actor=user).select_related("hazard").order_by("pk")
    photos = Photo.objects.filter(uploaded_by=user).select_related("hazard").order_by("pk")
    return {
        "reported": [
            {
                "number": hazard.number, "category": hazard.category.code,
                "description": hazard.description, "address": hazard.address,
                "lat": hazard.lat, "lng": hazard.lng, "status": hazard.status,
                "created_at": hazard.created_at.isoformat(),
            }
            for hazard in hazards
        ],
        "timeline": [
            {
                "hazard": event.hazard.number, "kind": event.kind, "note": event.note,
                "created_at": event.created_at.isoformat(),
            }
            for event in events
        ],
        "photos": [
            {
                "id": photo.pk, "hazard": photo.hazard.number if photo.hazard else None,
                "stage": photo.stage, "created_at": photo.created_at.isoformat(),
            }
            for photo in photos
        ],
    }  # fmt: skip


def _erase(user: User) -> None:
    Hazard.objects.filter(reporter=user).update(reporter=None)
    HazardEvent.objects.filter(actor=user).update(actor=None)
    Photo.objects.filter(uploaded_by=user).update(uploaded_by=None, gps_lat=None, gps_lng=None)


HAZARDS_SECTION = PersonalDataSection(key="hazards", export=_export, erase=_erase)
