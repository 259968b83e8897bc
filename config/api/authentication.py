"""Authentication classes: knox tokens for phones, sessions for the web app and admin.

Both switch the request to the user's preferred language once the user is known, which
LocaleMiddleware cannot do for tokens (it runs before DRF authenticates).
"""

from __future__ import annotations

from typing import Any

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import authentication
from rest_framework.request import Request

from config.api.language import activate_user_language


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <token>`` from ``POST /api/v1/auth/token/``."""

    def authenticate(self, request: Request) -> Any:
        result = super().authenticate(request)
        if result is not None:
            activate_user_language(request._request, result[0])
        return result


class SessionAuthentication(authentication.SessionAuthentication):
    """Django session cookie with CSRF, for the field app and staff pages."""

    def authenticate(self, request: Request) -> Any:
        result = super().authenticate(request)
        if result is not None:
            activate_user_language(request._request, result[0])
        return result
