"""Recording a patrol inspection, sent in one piece from the phone (works offline)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.idempotency import content_fingerprint, idempotent_replay
from grids.models import Building, Enterprise
from grids.selectors import user_active_grid
from inspections.models import (
    BUILDING_SITE_KIND,
    ChecklistTemplate,
    HazardSource,
    Inspection,
    ItemOutcome,
    ItemResult,
)
from inspections.services.reporting import hazard_report


def inspection_record(
    *,
    user: Any,
    started_at: datetime,
    start_lat: float,
    start_lng: float,
    finish_lat: float,
    finish_lng: float,
    results: list[dict[str, Any]],
    building_id: int | None = None,
    enterprise_id: int | None = None,
    finished_at: datetime | None = None,
    client_uuid: uuid.UUID | None = None,
) -> tuple[Inspection, bool]:
    """Store a finished inspection; each failed item raises a hazard linked to it.

    Returns ``(inspection, created)``; a retry with the same client UUID and content
    returns the first one, different content is a 409.
    """
    fingerprint = _fingerprint(user, building_id, enterprise_id, started_at, results)
    if replay := _replay(client_uuid, fingerprint):
        return replay, False
    grid = user_active_grid(user)
    if grid is None:
        raise PermissionDenied(_("Only a grid worker on duty may record inspections."))
    site = _site(building_id, enterprise_id, grid.pk)
    template = _template(site)
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                worker=user,
                template=template,
                grid=grid,
                building=site if isinstance(site, Building) else None,
                enterprise=site if isinstance(site, Enterprise) else None,
                started_at=started_at,
                start_lat=start_lat,
                start_lng=start_lng,
                finished_at=finished_at or timezone.now(),
                finish_lat=finish_lat,
                finish_lng=finish_lng,
                client_uuid=client_uuid,
                fingerprint=fingerprint,
            )
            _record_results(user, inspection, template, site, results)
    except IntegrityError:
        if client_uuid is None or (replay := _replay(client_uuid, fingerprint)) is None:
            raise
        return replay, False
    return inspection, True


def _fingerprint(user: Any, *parts: Any) -> str:
    return content_fingerprint(user.pk, *parts)


def _replay(client_uuid: uuid.UUID | None, fingerprint: str) -> Inspection | None:
    return idempotent_replay(
        Inspection.objects.all(),
        client_uuid=client_uuid,
        fingerprint=fingerprint,
        conflict_message=_("This client UUID was already used for a different inspection."),
        current=lambda existing: {"id": existing.pk},
    )


def _site(building_id: int | None, enterprise_id: int | None, grid_id: int) -> Any:
    if (building_id is None) == (enterprise_id is None):
        raise ValidationError(_("Inspect either a building or a site."), code="one_site")
    model: type[Building] | type[Enterprise] = Building if building_id else Enterprise
    site = model.objects.filter(pk=int(building_id or enterprise_id or 0)).first()
    if site is None:
        raise ValidationError({"site": _("There is no such place.")}, code="unknown")
    if site.grid_id != grid_id:
        raise PermissionDenied(_("This place is not in your grid."))
    return site


def _template(site: Any) -> ChecklistTemplate:
    kind = BUILDING_SITE_KIND if isinstance(site, Building) else site.kind
    template = ChecklistTemplate.objects.filter(site_kind=kind, is_active=True).first()
    if template is None:
        raise ValidationError(
            _("There is no checklist for this kind of place (%(kind)s).") % {"kind": kind},
            code="no_checklist",
        )
    return template


def _record_results(
    user: Any, inspection: Inspection, template: ChecklistTemplate, site: Any, results: list
) -> None:
    items = {item.code: item for item in template.items.select_related("category")}
    seen: set[str] = set()
    for result in results:
        item = items.get(result["item"])
        if item is None or result["item"] in seen:
            raise ValidationError(
                {
                    "results": _("Unknown or repeated checklist item: %(code)s")
                    % {"code": result["item"]}
                }
            )
        seen.add(item.code)
        hazard = None
        if result["outcome"] == ItemOutcome.FAIL:
            hazard = hazard_report(
                user=user,
                category_code=item.category.code,
                description=f"{item.text}: {result.get('note', '')}".strip(": "),
                lat=site.lat,
                lng=site.lng,
                address=site.address,
                enterprise_id=site.pk if isinstance(site, Enterprise) else None,
                source=HazardSource.PATROL,
                inspection=inspection,
                attributes=result.get("attributes") or {},
            ).hazard
        ItemResult.objects.create(
            inspection=inspection,
            item=item,
            outcome=result["outcome"],
            note=result.get("note", ""),
            hazard=hazard,
        )
