"""Reporting a hazard (idempotent per client UUID), confirming one, commenting on one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.errors import DomainError
from config.idempotency import content_fingerprint, idempotent_replay
from grids.models import Enterprise, RiskColour
from grids.selectors import locate, user_active_grid, user_staff_communities
from inspections.events import (
    HAZARD_COMMENTED,
    HAZARD_DUPLICATE_SUGGESTED,
    HAZARD_REPORTED,
    hazard_publish,
    hazard_staff_audiences,
)
from inspections.models import (
    Category,
    EventKind,
    Hazard,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Inspection,
)
from inspections.models.attributes import clean_attribute_values
from inspections.selectors import hazard_duplicate_suggestions, hazard_get


@dataclass
class ReportResult:
    hazard: Hazard
    created: bool
    suggestions: list[Hazard] = field(default_factory=list)


def default_source(user: Any) -> str:
    """Workers patrol, staff file as staff, everyone else reports as a resident."""
    if user is None or not user.is_authenticated:
        return HazardSource.RESIDENT
    if user_active_grid(user) is not None:
        return HazardSource.PATROL
    if user_staff_communities(user).exists():
        return HazardSource.STAFF
    return HazardSource.RESIDENT


def hazard_report(
    *,
    user: Any,
    category_code: str,
    description: str,
    lat: float,
    lng: float,
    address: str = "",
    attributes: dict[str, Any] | None = None,
    enterprise_id: int | None = None,
    risk_colour: str | None = None,
    is_major: bool | None = None,
    source: str | None = None,
    client_uuid: uuid.UUID | None = None,
    inspection: Inspection | None = None,
) -> ReportResult:
    """File a hazard; the same client UUID with the same content returns the first one."""
    category = Category.objects.filter(code=category_code, is_active=True).first()
    if category is None:
        raise ValidationError({"category": _("There is no such category.")}, code="unknown")
    values = clean_attribute_values(category.attributes, attributes)
    reporter = user if user is not None and user.is_authenticated else None
    fingerprint = _fingerprint(
        category_code, description, lat, lng, address, values, enterprise_id, reporter
    )
    if (replay := _replay(client_uuid, fingerprint)) is not None:
        return ReportResult(hazard=replay, created=False)
    location = locate(lat=lat, lng=lng)
    enterprise = _enterprise(enterprise_id)
    try:
        with transaction.atomic():
            suggestions = hazard_duplicate_suggestions(category=category, lat=lat, lng=lng)
            hazard = _create(
                category=category,
                description=description,
                lat=lat,
                lng=lng,
                address=address or location.building.address,
                location=location,
                enterprise=enterprise,
                values=values,
                risk_colour=risk_colour or category.default_risk_colour,
                is_major=category.default_is_major if is_major is None else is_major,
                source=source or default_source(user),
                reporter=reporter,
                client_uuid=client_uuid,
                fingerprint=fingerprint,
                inspection=inspection,
            )
            _announce(hazard, suggestions)
    except IntegrityError:
        # A parallel retry with the same UUID won the race: answer with its record.
        if client_uuid is None or (replay := _replay(client_uuid, fingerprint)) is None:
            raise
        return ReportResult(hazard=replay, created=False)
    return ReportResult(hazard=hazard, created=True, suggestions=suggestions)


def _fingerprint(*parts: Any) -> str:
    category, description, lat, lng, address, values, enterprise_id, reporter = parts
    return content_fingerprint(
        category, description.strip(), round(lat, 6), round(lng, 6), address.strip(), values,
        enterprise_id, reporter.pk if reporter else None,
    )  # fmt: skip


def _replay(client_uuid: uuid.UUID | None, fingerprint: str) -> Hazard | None:
    return idempotent_replay(
        Hazard.objects.select_related("category"),
        client_uuid=client_uuid,
        fingerprint=fingerprint,
        conflict_message=_("This client UUID was already used for a different report."),
        current=lambda existing: {"id": existing.pk, "number": existing.number},
    )


def _enterprise(enterprise_id: int | None) -> Enterprise | None:
    if enterprise_id is None:
        return None
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise ValidationError({"enterprise": _("There is no such enterprise.")}, code="unknown")
    return enterprise


def _create(*, category: Category, location: Any, risk_colour: str, **fields: Any) -> Hazard:
    if risk_colour not in RiskColour.values:
        raise ValidationError({"risk_colour": _("Unknown risk grade.")})
    now = timezone.now()
    hazard = Hazard.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        category=category,
        community=location.community,
        grid=location.grid,
        building=location.building,
        risk_colour=risk_colour,
        created_at=now,
        due_at=category.due_from(now, risk_colour=risk_colour, is_major=fields["is_major"]),
        attribute_values=fields.pop("values"),
        **fields,
    )
    hazard.number = f"H-{timezone.localtime(hazard.created_at).year}-{hazard.pk:06d}"
    hazard.save(update_fields=["number"])
    HazardEvent.objects.create(
        hazard=hazard,
        actor=hazard.reporter,
        kind=EventKind.TRANSITION,
        to_status=HazardStatus.REPORTED,
    )
    return hazard


def _announce(hazard: Hazard, suggestions: list[Hazard]) -> None:
    hazard_publish(type=HAZARD_REPORTED, hazard=hazard)
    if suggestions:
        hazard_publish(
            type=HAZARD_DUPLICATE_SUGGESTED,
            hazard=hazard,
            extra={"suggestions": [s.pk for s in suggestions]},
            audiences=hazard_staff_audiences(hazard),
        )


@transaction.atomic
def hazard_me_too(*, user: Any, hazard_id: int) -> Hazard:
    """A resident confirms an open hazard instead of reporting it again (once per person)."""
    hazard = (
        Hazard.objects.select_for_update().select_related("category").filter(pk=hazard_id).first()
    )
    if hazard is None:
        raise Http404
    if not hazard.is_open:
        raise DomainError(_("This hazard is no longer open."), code="not_open")
    if hazard.reporter_id == user.pk:
        return hazard
    if HazardEvent.objects.filter(hazard=hazard, actor=user, kind=EventKind.ME_TOO).exists():
        return hazard
    HazardEvent.objects.create(hazard=hazard, actor=user, kind=EventKind.ME_TOO)
    Hazard.objects.filter(pk=hazard.pk).update(me_too_count=F("me_too_count") + 1)
    hazard.refresh_from_db(fields=["me_too_count"])
    return hazard


def hazard_comment(
    *, user: Any, hazard_id: int, note: str, client_uuid: uuid.UUID | None = None
) -> HazardEvent:
    """Anyone who may see the hazard may comment; the comment joins its timeline.

    A retry with the same client UUID returns the first comment (``_created`` False).
    """
    hazard = hazard_get(user=user, hazard_id=hazard_id)
    if not note.strip():
        raise ValidationError({"note": _("Write a comment.")}, code="required")
    fingerprint = content_fingerprint("comment", hazard.pk, user.pk, note.strip())
    replay = _comment_replay(hazard, client_uuid, fingerprint)
    if replay is None:
        try:
            with transaction.atomic():
                event = HazardEvent.objects.create(
                    hazard=hazard,
                    actor=user,
                    kind=EventKind.COMMENT,
                    note=note.strip(),
                    client_uuid=client_uuid,
                    fingerprint=fingerprint,
                )
                hazard_publish(type=HAZARD_COMMENTED, hazard=hazard, extra={"event": event.pk})
        except IntegrityError:
            # A parallel retry with the same UUID won the race: answer with its comment.
            if (replay := _comment_replay(hazard, client_uuid, fingerprint)) is None:
                raise
    if replay is not None:
        replay._created = False  # type: ignore[attr-defined]
        return replay
    event._created = True  # type: ignore[attr-defined]
    return event


def _comment_replay(
    hazard: Hazard, client_uuid: uuid.UUID | None, fingerprint: str
) -> HazardEvent | None:
    return idempotent_replay(
        HazardEvent.objects.select_related("actor").filter(hazard=hazard),
        client_uuid=client_uuid,
        fingerprint=fingerprint,
        conflict_message=_("This client UUID was already used for another line of a timeline."),
        current=lambda existing: {"id": existing.pk, "kind": existing.kind},
    )
