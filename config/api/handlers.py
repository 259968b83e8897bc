"""Django-level 404/500 pages: JSON in the shared error format under /api/ and /open311/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

JSON_PREFIXES = ("/api/", "/open311/")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PREFIXES)


def json_or_html_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        body = {"code": "not_found", "message": _("There is nothing at this address.")}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def json_or_html_500(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        body = {
            "code": "server_error",
            "message": _("Something went wrong on our side. Try again in a minute."),
        }
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
