"""Writes about enterprises: their risk grade and the blacklist (黑名单)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grids.models import Enterprise, RiskColour

# Lowest to highest: raising a grade moves one step to the right.
RISK_ORDER = [RiskColour.BLUE, RiskColour.YELLOW, RiskColour.ORANGE, RiskColour.RED]


@transaction.atomic
def enterprise_risk_raise(*, enterprise: Enterprise) -> Enterprise:
    """One step up the risk grades (blue -> yellow -> orange -> red); red stays red."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    position = RISK_ORDER.index(RiskColour(locked.risk_colour))
    locked.risk_colour = RISK_ORDER[min(position + 1, len(RISK_ORDER) - 1)]
    locked.save(update_fields=["risk_colour"])
    return locked


@transaction.atomic
def enterprise_blacklist(*, enterprise: Enterprise, reason: str) -> Enterprise:
    """Put the enterprise on the blacklist; the reason is required and kept."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for blacklisting.")}, code="required")
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    locked.is_blacklisted = True
    locked.blacklist_reason = reason.strip()
    locked.save(update_fields=["is_blacklisted", "blacklist_reason"])
    return locked
