"""Paths that must not learn who their visitor is (the whistleblower's page and API).

Three layers, each at the root of where an address or a browser could be recorded:

- ``AnonymousPathsMiddleware`` (first in ``MIDDLEWARE``): before any view, logger or
  error report sees the request, it removes the client address, user agent, cookies,
  referrer and forwarding headers from ``request.META``; it drops every cookie from the
  answer and marks it ``no-store`` and ``no-referrer``. What remains is a short
  per-client token (``request.client_token``), an HMAC of the address under a salt that
  lives only in this process's memory and is replaced every hour, so throttles can count
  a client without anyone being able to say, later or from the cache, who it was.
- ``PrivateAccessLog``: Daphne's access log writes ``-`` instead of the client address
  for these paths (``python -m config.serve`` runs Daphne with it).
- ``RedactClientAddressFilter``: Daphne's debug lines name connections by address;
  the filter on the console handler replaces those addresses with ``-``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from daphne.access import AccessLogGenerator
from django.conf import settings
from django.http import HttpRequest, HttpResponse

SALT_LIFETIME_S = 3600
# Every request header that says where a request came from or which browser sent it.
IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_COOKIE",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_VIA",
    "HTTP_FROM",
)
IDENTIFYING_META_PREFIXES = ("HTTP_SEC_CH_UA",)

_salt_lock = threading.Lock()
_salt: tuple[int, bytes] = (-1, b"")


def is_anonymous_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.ANONYMOUS_PATH_PREFIXES)


def _current_salt() -> bytes:
    """A random salt for this hour, in memory only; the previous one is forgotten."""
    global _salt
    period = int(time.time() // SALT_LIFETIME_S)
    with _salt_lock:
        if _salt[0] != period:
            _salt = (period, secrets.token_bytes(32))
        return _salt[1]


def client_token(address: str) -> str:
    """A short, unlinkable name for a client, valid until the salt is replaced."""
    return hmac.new(_current_salt(), address.encode(), hashlib.sha256).hexdigest()[:24]


def _client_address(meta: dict[str, Any]) -> str:
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[-1].strip() if forwarded else meta.get("REMOTE_ADDR", "")


class AnonymousPathsMiddleware:
    """Strips what identifies a visitor from requests to ``ANONYMOUS_PATH_PREFIXES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_anonymous_path(request.path):
            return self.get_response(request)
        request.client_token = client_token(_client_address(request.META))  # type: ignore[attr-defined]
        for key in list(request.META):
            if key in IDENTIFYING_META or key.startswith(IDENTIFYING_META_PREFIXES):
                del request.META[key]
        request.COOKIES = {}
        response = self.get_response(request)
        response.cookies.clear()
        # Follow-up answers carry the handlers' messages: no cache may keep them, and no
        # link followed from them may say where it came from.
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response


class PrivateAccessLog(AccessLogGenerator):
    """Daphne's access log, without the client address on anonymous paths."""

    def __call__(self, protocol: str, action: str, details: dict[str, Any]) -> None:
        if is_anonymous_path(str(details.get("path", ""))):
            details = {**details, "client": "-"}
        super().__call__(protocol, action, details)


def _looks_like_address(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[1], int)


class RedactClientAddressFilter(logging.Filter):
    """Daphne's own log lines carry ``[host, port]``; keep the line, drop the address."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("daphne") and isinstance(record.args, tuple):
            record.args = tuple("-" if _looks_like_address(arg) else arg for arg in record.args)
        return True
