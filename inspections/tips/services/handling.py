"""What tip handlers do: one service per step of new -> acknowledged -> investigating ->
substantiated | unsubstantiated -> closed, sharing one ``_transition``, plus notes,
messages, assignment and the recorded reveal of a confidential contact.

Every service takes the handler and the tip id and fetches the tip through the selector,
so a tip outside the handler's districts is a 404 here as everywhere. A stale ``version``
is a 409 with the current state, as for hazards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.errors import Conflict, DomainError
from grids.models import Enterprise, User
from inspections.tips.models import (
    RewardState,
    Tip,
    TipAccess,
    TipEvent,
    TipEventKind,
    TipMessage,
    TipOutcome,
    TipStatus,
)
from inspections.tips.selectors import tip_detail, tip_get, tip_handlers_for
from inspections.tips.services.outcomes import tip_hazard_create
from inspections.tips.services.timeline import tip_event_add


@dataclass(frozen=True)
class Step:
    to: str
    allowed_from: tuple[str, ...]


STEPS = {
    "acknowledge": Step(TipStatus.ACKNOWLEDGED, (TipStatus.NEW,)),
    "investigate": Step(TipStatus.INVESTIGATING, (TipStatus.ACKNOWLEDGED,)),
    "substantiate": Step(TipStatus.SUBSTANTIATED, (TipStatus.INVESTIGATING,)),
    "unsubstantiate": Step(TipStatus.UNSUBSTANTIATED, (TipStatus.INVESTIGATING,)),
    "close": Step(TipStatus.CLOSED, (TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED)),
}


def tip_current(tip: Tip) -> dict[str, Any]:
    return {"id": tip.pk, "status": tip.status, "version": tip.version}


def _transition(
    *,
    by: User,
    tip_id: int,
    version: int,
    step: str,
    note: str = "",
    apply: Callable[[Tip], None] | None = None,
) -> Tip:
    rule = STEPS[step]
    with transaction.atomic():
        tip = tip_get(user=by, tip_id=tip_id, lock=True)
        if tip.version != version:
            raise Conflict(current=tip_current(tip))
        if tip.status not in rule.allowed_from:
            raise Conflict(
                _("This tip cannot take this step in its current status."),
                code="wrong_status",
                current=tip_current(tip),
            )
        from_status = tip.status
        tip.status = rule.to
        if apply is not None:
            apply(tip)
        tip.version = F("version") + 1
        tip.save()
        tip.refresh_from_db(fields=["version"])
        tip_event_add(
            tip,
            by=by,
            kind=TipEventKind.TRANSITION,
            from_status=from_status,
            to_status=rule.to,
            note=note,
        )
        if tip.assignee_id is None:
            Tip.objects.filter(pk=tip.pk).update(assignee=by)
            tip.assignee = by
    return tip


def tip_acknowledge(*, by: User, tip_id: int, version: int, note: str = "") -> Tip:
    """Tell the whistleblower the tip was received and read (within 7 days)."""

    def apply(tip: Tip) -> None:
        tip.acknowledged_on = timezone.localdate()

    return _transition(
        by=by, tip_id=tip_id, version=version, step="acknowledge", note=note, apply=apply
    )


def tip_investigate(*, by: User, tip_id: int, version: int, note: str = "") -> Tip:
    return _transition(by=by, tip_id=tip_id, version=version, step="investigate", note=note)


def tip_unsubstantiate(*, by: User, tip_id: int, version: int, note: str) -> Tip:
    """Investigated and not borne out; the reason is required (kept for handlers)."""
    if not note.strip():
        raise ValidationError(
            {"note": _("Say why the tip was not substantiated.")}, code="required"
        )

    def apply(tip: Tip) -> None:
        tip.outcome = TipOutcome.UNSUBSTANTIATED
        tip.decided_on = timezone.localdate()

    return _transition(
        by=by, tip_id=tip_id, version=version, step="unsubstantiate", note=note, apply=apply
    )


def tip_substantiate(
    *,
    by: User,
    tip_id: int,
    version: int,
    hazard_description: str,
    is_major: bool,
    enterprise_id: int | None = None,
    category_code: str | None = None,
    note: str = "",
) -> Tip:
    """Borne out: a hazard is made through the hazard services, carrying only what the
    handler writes for it (``hazard_description``), with no reporter and the handler as
    the only actor; repeated major tips raise the enterprise's grade (see outcomes)."""
    if not hazard_description.strip():
        raise ValidationError(
            {"hazard_description": _("Describe the hazard for the people who will fix it.")},
            code="required",
        )

    def apply(tip: Tip) -> None:
        tip.outcome = TipOutcome.SUBSTANTIATED
        tip.decided_on = timezone.localdate()
        tip.is_major = is_major
        tip.reward_state = RewardState.AVAILABLE
        tip.hazard = tip_hazard_create(
            tip=tip,
            by=by,
            description=hazard_description.strip(),
            is_major=is_major,
            enterprise=_enterprise(tip, enterprise_id),
            category_code=category_code or tip.category.code,
        )

    return _transition(
        by=by, tip_id=tip_id, version=version, step="substantiate", note=note, apply=apply
    )


def _enterprise(tip: Tip, enterprise_id: int | None) -> Enterprise:
    if enterprise_id is None and tip.enterprise is not None:
        return tip.enterprise
    enterprise = (
        Enterprise.objects.select_related("community").filter(pk=enterprise_id).first()
        if enterprise_id is not None
        else None
    )
    if enterprise is None:
        raise ValidationError(
            {
                "enterprise": _(
                    "Choose the enterprise from the registry: the hazard needs its place."
                )
            },
            code="required",
        )
    if enterprise.community.district_id != tip.district_id:
        raise ValidationError(
            {"enterprise": _("This enterprise is not in the tip's district.")},
            code="wrong_district",
        )
    return enterprise


def tip_close(*, by: User, tip_id: int, version: int, note: str = "") -> Tip:
    """The end: the receipt works 90 more days, the tip is purged after the retention."""

    def apply(tip: Tip) -> None:
        tip.closed_on = timezone.localdate()

    return _transition(by=by, tip_id=tip_id, version=version, step="close", note=note, apply=apply)


@transaction.atomic
def tip_assign(*, by: User, tip_id: int, version: int, assignee_id: int) -> Tip:
    """Give the tip to (or transfer it between) handlers of its district."""
    tip = tip_get(user=by, tip_id=tip_id, lock=True)
    if tip.version != version:
        raise Conflict(current=tip_current(tip))
    if tip.status == TipStatus.CLOSED:
        raise DomainError(_("A closed tip cannot be assigned."), code="closed")
    assignee = tip_handlers_for(district_id=tip.district_id).filter(pk=assignee_id).first()
    if assignee is None:
        raise ValidationError(
            {"assignee": _("Choose a tip handler of this tip's district.")}, code="not_a_handler"
        )
    previous = tip.assignee.public_name if tip.assignee else ""
    tip.assignee = assignee
    tip.version = F("version") + 1
    tip.save(update_fields=["assignee", "version"])
    tip.refresh_from_db(fields=["version"])
    note = f"{previous} → {assignee.public_name}" if previous else assignee.public_name
    tip_event_add(tip, by=by, kind=TipEventKind.ASSIGNED, note=note)
    return tip


@transaction.atomic
def tip_note_add(*, by: User, tip_id: int, note: str) -> TipEvent:
    """A handler's private note: on the handlers' timeline, never shown to the whistleblower."""
    tip = tip_get(user=by, tip_id=tip_id)
    if not note.strip():
        raise ValidationError({"note": _("Write a note.")}, code="required")
    return tip_event_add(tip, by=by, kind=TipEventKind.NOTE, note=note.strip()[:5000])


@transaction.atomic
def tip_message_send(*, by: User, tip_id: int, body: str) -> TipMessage:
    """A message the whistleblower reads with the receipt (signed "the handler", no name)."""
    tip = tip_get(user=by, tip_id=tip_id)
    if tip.status == TipStatus.CLOSED:
        raise DomainError(_("This tip is closed."), code="closed")
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")}, code="required")
    message = TipMessage.objects.create(
        tip=tip,
        from_whistleblower=False,
        author=by,
        body=body.strip()[:5000],
        on=timezone.localdate(),
    )
    tip_event_add(tip, by=by, kind=TipEventKind.MESSAGE)
    return message


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


@transaction.atomic
def tip_contact_reveal(*, by: User, tip_id: int, reason: str) -> Contact:
    """Show the confidential name and phone, recording who, when and why (全程留痕)."""
    tip = tip_get(user=by, tip_id=tip_id)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Say why you need to see the contact.")}, code="required"
        )
    if not (tip.contact_name or tip.contact_phone):
        raise DomainError(_("The whistleblower left no contact."), code="no_contact")
    tip_event_add(tip, by=by, kind=TipEventKind.REVEAL, note=reason.strip()[:2000])
    TipAccess.objects.create(tip=tip, user=by, what="reveal")
    return Contact(name=tip.contact_name, phone=tip.contact_phone)


def tip_open(*, by: User, tip_id: int, where: str = "open") -> Tip:
    """A handler opens a tip: the detail, and a record that they opened it (``where``:
    ``open`` through the API, ``admin`` on the admin's page)."""
    tip = tip_detail(user=by, tip_id=tip_id)
    TipAccess.objects.create(tip=tip, user=by, what=where)
    return tip


def tip_attachment_opened(*, by: User, attachment: Any) -> None:
    """Record that a handler opened one evidence file."""
    TipAccess.objects.create(tip=attachment.tip, user=by, what=f"file {attachment.pk}")
