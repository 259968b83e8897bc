"""Admin screens. Categories and checklists are edited here; a hazard moves only through
the same services as the REST API (``steps``), so the admin keeps every rule, the timeline
and the realtime events."""

from inspections.admin import hazards, patrols  # noqa: F401 - registers the model admins
