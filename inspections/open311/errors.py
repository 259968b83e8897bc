"""Open311's error body: a list of ``{code, description}``, ``<errors><error>`` in XML.

The rest of the API has its own error format; Open311 clients expect this one instead.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404
from rest_framework import exceptions, status

from config.api.errors import to_drf
from inspections.open311.renderers import Open311Response

GENERAL_FIELDS = {"non_field_errors", "__all__"}


def descriptions(detail: Any, field: str = "") -> list[str]:
    """One sentence per problem, prefixed with the parameter it is about."""
    if isinstance(detail, dict):
        return [
            line
            for name, value in detail.items()
            for line in descriptions(value, "" if name in GENERAL_FIELDS else str(name))
        ]
    if isinstance(detail, list):
        return [line for item in detail for line in descriptions(item, field)]
    return [f"{field}: {detail}" if field else str(detail)]


def open311_exception_handler(exc: Exception, context: dict[str, Any]) -> Open311Response | None:
    if isinstance(exc, Http404):  # Open311 clients show the reason (unlike the REST API)
        exc = exceptions.NotFound(str(exc) or None)
    exc = to_drf(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    code = exc.status_code
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = status.HTTP_403_FORBIDDEN  # the spec: a missing or bad api_key is a 403
    headers = {}
    if (wait := getattr(exc, "wait", None)) is not None:
        headers["Retry-After"] = str(math.ceil(wait))
    body = [{"code": code, "description": line} for line in descriptions(exc.detail)]
    return Open311Response(body, root="errors", item="error", status=code, headers=headers)
