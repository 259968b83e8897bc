"""Websocket authentication: a ticket for phones, the session cookie for the web app.

Origin rule: a browser always sends ``Origin``; when it does, it must be one of our hosts,
which stops other sites from riding a signed-in user's cookie (cross-site websocket
hijacking). Native clients send no ``Origin``; they must then use a ticket, and the cookie
is ignored.

Both paths make one call to the thread pool (``config.realtime.threads``), never a queue
shared with other sockets: a ticket costs one statement and brings its groups along; a
cookie loads the session, the user and the user's groups in that one call.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.http.request import validate_host

from config.realtime.groups import audiences_module
from config.realtime.threads import in_thread_pool
from config.realtime.tickets import ws_ticket_redeem


def _header(scope: dict[str, Any], wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin1"))
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


def ticket_user(user_id: int) -> Any:
    """The ticket's user without a query: only the id is known (all the socket needs);
    any other field would be a lazy query, which fails loudly in async code."""
    return get_user_model().from_db("default", ["id"], [user_id])


def session_user_and_groups(session_key: str) -> tuple[Any, list[str]]:
    """The session's user (Django's own checks, session hash included) and their groups."""
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(request)
    return user, (audiences_module().user_groups(user) if user.is_authenticated else [])


class TicketAuthMiddleware:
    """Puts the socket's user, token and groups in the scope; a ticket, else the cookie."""

    def __init__(self, inner: Any):
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = _header(scope, b"origin")
        if origin is not None and not origin_allowed(origin):
            return await self._deny(send)
        ticket = parse_qs(scope.get("query_string", b"").decode()).get("ticket", [""])[0]
        session_key = self._session_key(scope)
        if ticket:
            redeemed = await in_thread_pool(ws_ticket_redeem)(ticket=ticket)
            if redeemed is None:
                return await self.inner(dict(scope, user=AnonymousUser()), receive, send)
            scope = dict(
                scope,
                user=ticket_user(redeemed.user_id),
                token_key=redeemed.token_key,
                realtime_groups=redeemed.groups,
            )
        elif origin is not None and session_key:
            user, groups = await in_thread_pool(session_user_and_groups)(session_key)
            scope = dict(scope, user=user, realtime_groups=groups)
        else:
            scope = dict(scope, user=AnonymousUser())
        return await self.inner(scope, receive, send)

    def _session_key(self, scope: dict[str, Any]) -> str:
        cookies = parse_cookie(_header(scope, b"cookie") or "")
        return cookies.get(settings.SESSION_COOKIE_NAME, "")

    async def _deny(self, send: Any) -> None:
        await send({"type": "websocket.close", "code": 4403})
