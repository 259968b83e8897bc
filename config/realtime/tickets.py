"""Issue and redeem single-use websocket tickets."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from config.realtime.models import WsTicket


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def ws_ticket_issue(*, user: Any, token_key: str = "") -> tuple[str, WsTicket]:
    """Create a ticket for ``user``; returns the clear ticket (shown once) and its row."""
    ticket = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(seconds=settings.WS_TICKET_TTL_SECONDS)
    row = WsTicket.objects.create(
        digest=_digest(ticket), user=user, token_key=token_key, expires_at=expires_at
    )
    WsTicket.objects.filter(expires_at__lt=timezone.now()).delete()
    return ticket, row


def ws_ticket_redeem(*, ticket: str) -> WsTicket | None:
    """Use up a ticket: the user it was issued to, or None when unknown, used or expired."""
    row = (
        WsTicket.objects.select_related("user")
        .filter(digest=_digest(ticket), expires_at__gt=timezone.now())
        .first()
    )
    if row is None:
        return None
    # The delete is the single-use guarantee: of two racing redeemers only one deletes it.
    deleted, _ = WsTicket.objects.filter(pk=row.pk).delete()
    return row if deleted and row.user.is_active else None
