"""Hazards, their categories, timelines and photos; patrol inspections."""

from inspections.models.hazards import (
    AFTER_PHOTO_STAGES,
    OPEN_STATUSES,
    Category,
    EventKind,
    Hazard,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Photo,
    PhotoStage,
    hazard_is_overdue,
)
from inspections.models.patrols import (
    BUILDING_SITE_KIND,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    ItemOutcome,
    ItemResult,
)
from inspections.models.summary import DurationMeasure, HazardDay, HazardDuration

__all__ = [
    "BUILDING_SITE_KIND",
    "AFTER_PHOTO_STAGES",
    "OPEN_STATUSES",
    "Category",
    "ChecklistItem",
    "ChecklistTemplate",
    "EventKind",
    "DurationMeasure",
    "Hazard",
    "HazardDay",
    "HazardDuration",
    "HazardEvent",
    "HazardSource",
    "HazardStatus",
    "Inspection",
    "ItemOutcome",
    "ItemResult",
    "Photo",
    "PhotoStage",
    "hazard_is_overdue",
]
