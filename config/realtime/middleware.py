"""Websocket authentication: a ticket for phones, the session cookie for the web app.

Origin rule: a browser always sends ``Origin``; when it does, it must be one of our hosts,
which stops other sites from riding a signed-in user's cookie (cross-site websocket
hijacking). Native clients send no ``Origin``; they must then use a ticket, and the cookie
is ignored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import validate_host

from config.realtime.tickets import ws_ticket_redeem


def _origin(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"origin":
            return value.decode("latin1")
    return None


def origin_allowed(origin: str) -> bool:
    """True when ``origin``'s host is one of ALLOWED_HOSTS (or a trusted CSRF origin)."""
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    host = urlparse(origin).hostname or ""
    allowed = settings.ALLOWED_HOSTS or (
        ["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else []
    )
    return validate_host(host, allowed) or validate_host(f"[{host}]", allowed)


class TicketAuthMiddleware:
    """Puts the ticket's user in ``scope["user"]``; falls back to the session cookie."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.session_stack = AuthMiddlewareStack(inner)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = _origin(scope)
        if origin is not None and not origin_allowed(origin):
            return await self._deny(send)
        ticket = parse_qs(scope.get("query_string", b"").decode()).get("ticket", [""])[0]
        if ticket:
            row = await database_sync_to_async(ws_ticket_redeem)(ticket=ticket)
            user = row.user if row else AnonymousUser()
            token_key = row.token_key if row else ""
            return await self.inner(dict(scope, user=user, token_key=token_key), receive, send)
        if origin is None:
            return await self.inner(dict(scope, user=AnonymousUser()), receive, send)
        return await self.session_stack(scope, receive, send)

    async def _deny(self, send: Any) -> None:
        await send({"type": "websocket.close", "code": 4403})
