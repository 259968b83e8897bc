"""Apply a signed-in user's preferred language over the browser's Accept-Language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def activate_user_language(request: HttpRequest, user: object) -> None:
    """Switch the request to ``user.preferred_language`` when the user chose one."""
    language = getattr(user, "preferred_language", "") or ""
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """For session users; token users get the same from ``config.api.authentication``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(request, user)
        return self.get_response(request)
