"""Password-guess limit per account, on top of the per-address sign-in limit.

The per-address limit (``login`` scope) stops one client; this one stops many clients
guessing one account's password. Only failed sign-ins count, so the owner who types the
right password is never locked out by their own sign-ins.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


def _account_key(login: str) -> str:
    # Owned by grids (the user model and its phone numbers); config imports no app.
    resolve: Callable[[str], str] = import_string(settings.LOGIN_ACCOUNT_KEY)
    return resolve(login)


class PasswordGuessThrottle(SimpleRateThrottle):
    """Refuses sign-ins to an account after too many wrong passwords (``login_account``)."""

    scope = "login_account"
    duration: int

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data if hasattr(request.data, "get") else {}
        login = data.get("username") or data.get("phone")
        if not isinstance(login, str) or not login.strip():
            return None
        return self.cache_format % {"scope": self.scope, "ident": _account_key(login.strip())}

    def throttle_success(self) -> bool:
        # Checking does not count: only `record_failure` does.
        return True

    def record_failure(self) -> None:
        """Count one wrong password against the account checked by ``allow_request``."""
        if getattr(self, "key", None) is None:
            return
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
