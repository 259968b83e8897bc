"""One error format for every 4xx answer of the API.

Body: ``{"code": "...", "message": "...", "fields": {"name": ["..."]}}``; ``fields`` only
when input fields were at fault, and extra keys (for example ``current`` on a 409) when the
exception carries them. Django's own ``ValidationError`` and ``PermissionDenied``, raised in
services, map here too, so services never need to know about HTTP.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """The resource changed under the caller: a 409 with the current state attached."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Someone else changed this record first. Reload it and try again.")
    default_code = "conflict"

    def __init__(self, detail: Any = None, *, current: Any = None, code: str | None = None):
        super().__init__(detail, code)
        self.extra = {"current": current} if current is not None else {}


class DomainError(exceptions.APIException):
    """A request that is well-formed but not allowed by a business rule (400)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("This request cannot be carried out.")
    default_code = "invalid"


def _local_times(value: Any) -> Any:
    """Datetimes in extra keys (a 409's ``current``) as the API writes every time: +08:00."""
    if isinstance(value, datetime):
        return serializers.DateTimeField().to_representation(value)
    if isinstance(value, dict):
        return {key: _local_times(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_local_times(item) for item in value]
    return value


def to_drf(exc: Exception) -> Exception:
    """Django's domain errors (raised by services and selectors) as DRF's exceptions; the
    one translation every exception handler of the project starts from."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=get_error_detail(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ParseError):
        # DRF's message embeds the parser's own English text ("Expecting value: line 1").
        if str(exc.detail).startswith("Multipart form parse error"):
            # Django refuses a part whose headers pass 1 KB: in practice a file name of
            # more than about 300 Chinese characters.
            return exceptions.ParseError(
                _(
                    "The upload could not be read: the form is malformed or a file name is "
                    "too long. Rename the file (at most 200 characters) and send it again."
                ),
                code="upload_unreadable",
            )
        return exceptions.ParseError(
            _("The request body could not be read: send valid JSON (or a form)."),
            code="parse_error",
        )
    return exc


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


def _first_code(detail: Any, fallback: str) -> str:
    if isinstance(detail, exceptions.ErrorDetail):
        return str(detail.code or fallback)
    if isinstance(detail, list) and detail:
        return _first_code(detail[0], fallback)
    return fallback


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    """Translate any APIException into the shared error body."""
    detail = exc.detail
    body: dict[str, Any]
    if isinstance(exc, exceptions.ValidationError):
        body = _validation_body(detail)
    else:
        body = {
            "code": _first_code(detail, exc.default_code),
            "message": " ".join(_flatten(detail)),
        }
    body.update(_local_times(getattr(exc, "extra", {})))
    return body


def _validation_body(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        general = detail.get("non_field_errors") or detail.get("__all__") or []
        fields = {
            name: _flatten(value)
            for name, value in detail.items()
            if name not in {"non_field_errors", "__all__"}
        }
        message = " ".join(_flatten(general)) or str(
            _("Some fields are not valid. Correct them and send again.")
        )
        body: dict[str, Any] = {"code": _first_code(general, "invalid"), "message": message}
        if fields:
            body["fields"] = fields
        return body
    return {"code": _first_code(detail, "invalid"), "message": " ".join(_flatten(detail))}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that answers every error in the shared format."""
    exc = to_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = error_body(exc)
    return response
