"""What leaves the programme when a tip is substantiated: a hazard, and the enterprise's
risk grade. Neither carries anything of the whistleblower: the hazard has no reporter,
the handler is the only actor on its timeline, and its text is what the handler wrote."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Enterprise, User
from grids.services import enterprise_blacklist, enterprise_risk_raise
from inspections.models import Hazard, HazardSource
from inspections.services import hazard_report
from inspections.tips.models import Tip, TipEventKind
from inspections.tips.services.timeline import tip_event_add

# Substantiated major tips against one enterprise within this window: each raises its
# risk grade one step; this many put it on the blacklist.
REPEAT_WINDOW_DAYS = 365
BLACKLIST_AFTER = 3


def tip_hazard_create(
    *,
    tip: Tip,
    by: User,
    description: str,
    is_major: bool,
    enterprise: Enterprise,
    category_code: str,
) -> Hazard:
    result = hazard_report(
        user=by,
        anonymous=True,
        category_code=category_code,
        description=description,
        lat=enterprise.lat,
        lng=enterprise.lng,
        address=enterprise.address,
        enterprise_id=enterprise.pk,
        is_major=is_major,
        source=HazardSource.WHISTLEBLOWER,
    )
    tip_event_add(tip, by=by, kind=TipEventKind.HAZARD, note=result.hazard.number)
    if is_major:
        enterprise_after_major_tip(enterprise=enterprise)
    return result.hazard


def enterprise_after_major_tip(*, enterprise: Enterprise) -> Enterprise:
    """Raise the grade; blacklist on the third substantiated major tip within a year."""
    since = timezone.now() - timedelta(days=REPEAT_WINDOW_DAYS)
    numbers = list(
        Hazard.objects.filter(
            enterprise=enterprise,
            source=HazardSource.WHISTLEBLOWER,
            is_major=True,
            created_at__gte=since,
        )
        .order_by("created_at")
        .values_list("number", flat=True)
    )
    enterprise = enterprise_risk_raise(enterprise=enterprise)
    if len(numbers) >= BLACKLIST_AFTER and not enterprise.is_blacklisted:
        reason = _(
            "%(count)d substantiated major whistleblower tips within 12 months "
            "(hazards %(numbers)s)."
        ) % {"count": len(numbers), "numbers": ", ".join(numbers)}
        enterprise = enterprise_blacklist(enterprise=enterprise, reason=reason)
    return enterprise
