"""Writes about hazards and patrols; every transition is a service with its own rule."""

from inspections.services.escalation import hazards_escalate_overdue
from inspections.services.patrols import inspection_record
from inspections.services.photos import photo_add
from inspections.services.reporting import (
    ReportResult,
    hazard_comment,
    hazard_me_too,
    hazard_report,
)
from inspections.services.transitions import (
    hazard_assign,
    hazard_close,
    hazard_mark_duplicate,
    hazard_reject,
    hazard_reopen,
    hazard_return_fix,
    hazard_start_rectification,
    hazard_submit_fix,
)

__all__ = [
    "ReportResult",
    "hazard_assign",
    "hazard_close",
    "hazard_comment",
    "hazard_mark_duplicate",
    "hazard_me_too",
    "hazard_reject",
    "hazard_reopen",
    "hazard_report",
    "hazard_return_fix",
    "hazard_start_rectification",
    "hazard_submit_fix",
    "hazards_escalate_overdue",
    "inspection_record",
    "photo_add",
]
