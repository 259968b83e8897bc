"""What a whistleblower does: submit a tip, then reply and add evidence with the receipt."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import District, Enterprise, normalize_phone, validate_phone
from inspections.models import Category
from inspections.tips.events import TIP_MESSAGE, TIP_RECEIVED, tip_publish
from inspections.tips.evidence import PreparedFile, evidence_prepare
from inspections.tips.models import (
    Tip,
    TipAttachment,
    TipEvent,
    TipEventKind,
    TipMessage,
    TipStatus,
)
from inspections.tips.receipts import receipt_hash, receipt_new

MAX_TEXT = 5000


@dataclass(frozen=True)
class SubmitResult:
    tip: Tip
    receipt: str  # shown once; only its keyed hash is stored


def _text(value: str, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")}, code="required")
    if len(value) > MAX_TEXT:
        raise ValidationError(
            {field: _("At most %(n)d characters.") % {"n": MAX_TEXT}}, code="too_long"
        )
    return value


def _place(
    *, enterprise_id: int | None, enterprise_name: str, district_id: int | None
) -> tuple[Enterprise | None, District]:
    """The registry's enterprise (its district follows), or a name in a chosen district."""
    if enterprise_id is not None:
        enterprise = (
            Enterprise.objects.select_related("community__district")
            .filter(pk=enterprise_id)
            .first()
        )
        if enterprise is None:
            raise ValidationError({"enterprise": _("There is no such enterprise.")}, code="unknown")
        return enterprise, enterprise.community.district
    if not enterprise_name.strip():
        raise ValidationError(
            {
                "enterprise_name": _(
                    "Choose the enterprise from the list, or write its name and address."
                )
            },
            code="required",
        )
    district = District.objects.filter(pk=district_id).first() if district_id else None
    if district is None:
        raise ValidationError(
            {"district": _("Choose the district the enterprise is in.")}, code="required"
        )
    return None, district


def _contact(name: str, phone: str) -> tuple[str, str]:
    phone = (phone or "").strip()
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            raise ValidationError({"contact_phone": error.messages}, code="invalid_phone") from None
        phone = normalize_phone(phone)
    return _text(name, "contact_name", required=False)[:64], phone


def tip_submit(
    *,
    category_code: str,
    description: str,
    enterprise_id: int | None = None,
    enterprise_name: str = "",
    enterprise_address: str = "",
    district_id: int | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    files: list[Any] | None = None,
) -> SubmitResult:
    """A new tip from someone with no account; returns it with its receipt (shown once)."""
    category = Category.objects.filter(code=category_code, is_active=True).first()
    if category is None:
        raise ValidationError({"category": _("There is no such category.")}, code="unknown")
    enterprise, district = _place(
        enterprise_id=enterprise_id, enterprise_name=enterprise_name, district_id=district_id
    )
    name, phone = _contact(contact_name, contact_phone)
    prepared = evidence_prepare(files or [])
    receipt = receipt_new()
    with transaction.atomic():
        tip = Tip.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            receipt_hash=receipt_hash(receipt),
            district=district,
            enterprise=enterprise,
            enterprise_name=""
            if enterprise
            else _text(enterprise_name, "enterprise_name", required=True)[:120],
            enterprise_address=""
            if enterprise
            else _text(enterprise_address, "enterprise_address", required=False)[:200],
            category=category,
            is_major=category.default_is_major,
            description=_text(description, "description", required=True),
            contact_name=name,
            contact_phone=phone,
            received_on=timezone.localdate(),
        )
        tip.number = f"T-{tip.received_on.year}-{tip.pk:06d}"
        tip.save(update_fields=["number"])
        TipEvent.objects.create(
            tip=tip, kind=TipEventKind.RECEIVED, to_status=TipStatus.NEW, on=tip.received_on
        )
        attachments_store(tip=tip, prepared=prepared)
        tip_publish(type=TIP_RECEIVED, tip=tip)
    return SubmitResult(tip=tip, receipt=receipt)


def attachments_store(*, tip: Tip, prepared: list[PreparedFile]) -> list[TipAttachment]:
    today = timezone.localdate()
    stored = []
    for item in prepared:
        suffix = "jpg" if item.kind == "photo" else "txt"
        attachment = TipAttachment(
            tip=tip,
            kind=item.kind,
            size=len(item.content),
            width=item.width,
            height=item.height,
            on=today,
        )
        attachment.file.save(f"evidence.{suffix}", ContentFile(item.content), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def tip_reply(*, tip: Tip, body: str = "", files: list[Any] | None = None) -> TipMessage | None:
    """The whistleblower answers and/or adds evidence; refused once the tip is closed."""
    if tip.status == TipStatus.CLOSED:
        raise ValidationError(
            _("This tip is closed: it takes no more messages or evidence."), code="closed"
        )
    body = _text(body, "body", required=False)
    prepared = evidence_prepare(files or [])
    if not body and not prepared:
        raise ValidationError({"body": _("Write a message or add a file.")}, code="required")
    today = timezone.localdate()
    with transaction.atomic():
        message = None
        if body:
            message = TipMessage.objects.create(
                tip=tip, from_whistleblower=True, body=body, on=today
            )
            TipEvent.objects.create(tip=tip, kind=TipEventKind.MESSAGE, on=today)
        if prepared:
            attachments_store(tip=tip, prepared=prepared)
            TipEvent.objects.create(
                tip=tip, kind=TipEventKind.EVIDENCE, on=today, note=str(len(prepared))
            )
        tip_publish(type=TIP_MESSAGE, tip=tip, extra={"evidence": bool(prepared)})
    return message
