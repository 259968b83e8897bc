"""Reads about tips. Handlers see their districts' tips (city-wide handlers all of them);
everyone else, administrators included, sees none: every miss is a 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from grids.models import Role, RoleGrant, User
from grids.selectors import user_is_tip_handler, user_tip_district_ids
from inspections.tips.models import Tip, TipAttachment, TipEvent, TipMessage, TipStatus
from inspections.tips.receipts import receipt_hash


def tip_scope(user: Any) -> Q:
    """The tips ``user`` may open; nothing for anyone without the handler role."""
    if not user.is_authenticated or not user_is_tip_handler(user):
        return Q(pk__in=[])
    district_ids = user_tip_district_ids(user)
    return Q() if district_ids is None else Q(district_id__in=district_ids)


def tip_list(*, user: Any) -> QuerySet[Tip]:
    """The tips ``user`` handles (their districts', every one for city-wide handlers); the
    confidential contact and the receipt's hash are not even loaded."""
    queryset = Tip.objects.filter(tip_scope(user)).select_related(
        "category", "district", "enterprise", "assignee"
    )
    return queryset.defer("contact_name", "contact_phone", "receipt_hash")


def tip_get(*, user: Any, tip_id: int, lock: bool = False) -> Tip:
    queryset = Tip.objects.filter(tip_scope(user), pk=tip_id).select_related(
        "category", "district", "enterprise", "assignee", "hazard"
    )
    tip = (queryset.select_for_update(of=("self",)) if lock else queryset).first()
    if tip is None:
        raise Http404
    return tip


def tip_detail(*, user: Any, tip_id: int) -> Tip:
    """A tip with its timeline, messages and files (each fetched once)."""
    tip_get(user=user, tip_id=tip_id)
    return (
        Tip.objects.select_related("category", "district", "enterprise", "assignee", "hazard")
        .prefetch_related(
            Prefetch("events", queryset=TipEvent.objects.select_related("actor")),
            Prefetch("messages", queryset=TipMessage.objects.select_related("author")),
            "attachments",
        )
        .get(pk=tip_id)
    )


def tip_for_receipt(*, receipt: str) -> Tip:
    """The tip a receipt opens, or 404. A wrong receipt, a purged tip and a receipt past
    its life after closing all take this one query and end in the same 404."""
    cutoff = timezone.localdate() - timedelta(days=settings.TIPS_RECEIPT_VALID_DAYS)
    tip = (
        Tip.objects.filter(receipt_hash=receipt_hash(receipt))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=cutoff))
        .select_related("category", "enterprise")
        .prefetch_related(Prefetch("messages", queryset=TipMessage.objects.order_by("on", "id")))
        .first()
    )
    if tip is None:
        raise Http404
    return tip


def tip_attachment_get(*, user: Any, attachment_id: int) -> TipAttachment:
    attachment = (
        TipAttachment.objects.filter(pk=attachment_id, tip__in=Tip.objects.filter(tip_scope(user)))
        .select_related("tip")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def tip_handlers_for(*, district_id: int) -> QuerySet[User]:
    """Handlers who may take a tip of this district: its own and the city-wide ones."""
    grants = RoleGrant.objects.filter(role=Role.TIP_HANDLER).filter(
        Q(district_id=district_id)
        | Q(community__district_id=district_id)
        | Q(district__isnull=True, community__isnull=True)
    )
    return User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("pk")


OPEN_TIP_STATUSES = (TipStatus.NEW, TipStatus.ACKNOWLEDGED, TipStatus.INVESTIGATING)
