"""Django-level 404/500 pages: JSON in the shared error format under /api/ and /open311/.

An error of the database connection (PostgreSQL restarting, the pool out of connections
for its whole timeout) is no bug of ours and passes by itself: it is answered 503 with
``Retry-After`` instead of 500, wherever it was raised (a view, a middleware, DRF).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

JSON_PREFIXES = ("/api/", "/open311/")
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_S = 5


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PREFIXES)


def json_or_html_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        body = {"code": "not_found", "message": _("There is nothing at this address.")}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def json_or_html_500(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if _wants_json(request):
        body = {
            "code": "server_error",
            "message": _("Something went wrong on our side. Try again in a minute."),
        }
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503: the database did not answer; nothing was changed, the same request may be sent
    again in a few seconds."""
    message = _("The service cannot reach its database right now. Try again in a minute.")
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"code": "service_unavailable", "message": message}, status=503)
    else:
        page = f"<!doctype html><title>503</title><h1>503</h1><p>{escape(message)}</p>"
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
