"""Control messages to open sockets: close them (revoked token) or refresh their groups.

These are not events: they are not logged or replayed, since they only concern sockets
that are open right now.
"""

from __future__ import annotations

import logging

from channels.layers import get_channel_layer

from config.realtime.groups import audiences_module
from config.realtime.threads import call_layer
from config.realtime.tickets import ws_tickets_drop

logger = logging.getLogger(__name__)

CLOSE_MESSAGE_TYPE = "realtime.close"
REFRESH_MESSAGE_TYPE = "realtime.refresh"


def token_group(token_key: str) -> str:
    """A control channel of one token's sockets, not an audience: no event is published
    to it, so it is named here rather than in the audiences module."""
    return f"token.{token_key}"


def _send(group: str, message_type: str) -> None:
    try:
        call_layer(get_channel_layer().group_send, group, {"type": message_type})
    except Exception:
        logger.exception("realtime: could not send %s to %s", message_type, group)


def sockets_close(*, group: str) -> None:
    """Close every socket in ``group`` (a ``token.<key>`` or a ``user.<id>`` group)."""
    _send(group, CLOSE_MESSAGE_TYPE)


def sockets_refresh(*, user_id: int) -> None:
    """Make a user's sockets recompute their groups (a role or a grid changed).

    Unused tickets carry the old groups, so they are dropped: a phone holding one is
    refused and asks for a new ticket, as it does after any refusal.
    """
    ws_tickets_drop(user_id=user_id)
    _send(audiences_module().user_group(user_id), REFRESH_MESSAGE_TYPE)
