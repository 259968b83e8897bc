"""Deadlines: overdue hazards climb one escalation level per overdue period."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from inspections.events import HAZARD_ESCALATED, hazard_escalation_audiences, hazard_publish
from inspections.models import OPEN_STATUSES, EventKind, Hazard, HazardEvent

MAX_ESCALATION_LEVEL = 3
# A hazard this far past its deadline per level already reached is raised again.
LEVEL_STEP = timedelta(hours=24)


def hazards_escalate_overdue(*, batch_size: int = 500) -> int:
    """Raise the level of every hazard overdue enough for its next level; safe to rerun.
    Returns the number of levels raised (a hazard long overdue may climb several).

    Level n is due once the hazard is ``(n - 1) * LEVEL_STEP`` past its deadline, so a
    second run in the same minute finds nothing to do.
    """
    now = timezone.now()
    raised = 0
    for level in range(MAX_ESCALATION_LEVEL):
        threshold = now - level * LEVEL_STEP
        ids = list(
            Hazard.objects.filter(
                status__in=OPEN_STATUSES, escalation_level=level, due_at__lt=threshold
            ).values_list("pk", flat=True)[:batch_size]
        )
        for hazard_id in ids:
            raised += _escalate_one(hazard_id, level, threshold)
    return raised


@transaction.atomic
def _escalate_one(hazard_id: int, level: int, threshold: object) -> int:
    hazard = (
        Hazard.objects.select_for_update()
        .select_related("category")
        .filter(
            pk=hazard_id, status__in=OPEN_STATUSES, escalation_level=level, due_at__lt=threshold
        )
        .first()
    )
    if hazard is None:  # changed since we listed it
        return 0
    hazard.escalation_level = level + 1
    hazard.escalated_at = timezone.now()
    hazard.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    HazardEvent.objects.create(
        hazard=hazard, kind=EventKind.ESCALATION, note=f"level {hazard.escalation_level}"
    )
    hazard_publish(
        type=HAZARD_ESCALATED,
        hazard=hazard,
        extra={"escalation_level": hazard.escalation_level},
        audiences=hazard_escalation_audiences(hazard),
    )
    return 1
