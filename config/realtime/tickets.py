"""Issue and redeem single-use websocket tickets.

A ticket carries the groups its socket will join, worked out when the ticket is issued
(an ordinary HTTP request with a thread of its own). Redeeming it is then one statement
(``DELETE ... RETURNING``), so a handshake costs one database round trip: after a deploy
or a network blip every phone of a district reconnects in the same second, and each
extra query per handshake is multiplied by all of them. A role change drops the user's
unused tickets (``ws_tickets_drop``), so a ticket never opens a socket with groups older
than its user's last role change; the phone just asks for a new one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from config.realtime.groups import audiences_module
from config.realtime.models import WsTicket


@dataclass(frozen=True)
class RedeemedTicket:
    """What a used-up ticket opens: whose socket, with which token, joining which groups."""

    user_id: int
    token_key: str
    groups: list[str]


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def ws_ticket_issue(*, user: Any, token_key: str = "") -> tuple[str, WsTicket]:
    """Create a ticket for ``user``; returns the clear ticket (shown once) and its row."""
    ticket = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(seconds=settings.WS_TICKET_TTL_SECONDS)
    row = WsTicket.objects.create(
        digest=_digest(ticket),
        user=user,
        token_key=token_key,
        groups=audiences_module().user_groups(user),
        expires_at=expires_at,
    )
    WsTicket.objects.filter(expires_at__lt=timezone.now()).delete()
    return ticket, row


def ws_ticket_redeem(*, ticket: str) -> RedeemedTicket | None:
    """Use up a ticket in one statement; None when it is unknown, used, expired or its
    user is inactive.

    The delete is the single-use guarantee: of two racing redeemers only one deletes it.
    """
    # The ORM has no DELETE ... RETURNING; SQLite (3.35+) and PostgreSQL both do.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {WsTicket._meta.db_table} WHERE digest = %s AND expires_at > %s"
            f" AND user_id IN (SELECT id FROM {get_user_model()._meta.db_table}"
            " WHERE is_active) RETURNING user_id, token_key, groups",
            [_digest(ticket), now],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    user_id, token_key, groups = row
    if isinstance(groups, str | bytes):
        groups = json.loads(groups)
    return RedeemedTicket(user_id=user_id, token_key=token_key, groups=list(groups))


def ws_tickets_drop(*, user_id: int) -> int:
    """Drop ``user_id``'s unused tickets (their groups are out of date); how many."""
    deleted, _ = WsTicket.objects.filter(user_id=user_id).delete()
    return deleted
