"""OpenAPI generation: every operation documents the shared error body for its 4xx codes."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension  # noqa: F401
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (see ``config.api.errors``)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="A sentence a person can act on, translated.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a body key, not .fields
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages, only when input fields were at fault.",
    )
    current = serializers.DictField(
        required=False, help_text="On 409: the current state of the record."
    )


ERROR_DESCRIPTIONS = {
    "400": "The input is not valid; `fields` says which fields and why.",
    "401": "No valid credentials: sign in or send `Authorization: Token <token>`.",
    "403": "Signed in, but this role or scope may not do this.",
    "404": "No such record, or not one this user may see; on a list, a `cursor` that is "
    "not one of ours.",
    "409": "The record changed meanwhile; `current` holds its state now.",
    "429": "Too many requests; wait the number of seconds in `Retry-After`.",
    "503": "The database cannot be reached right now (a restart, every pooled connection "
    "busy); nothing is wrong with the request: send it again after `Retry-After` seconds.",
}

# One real answer per error status, shown with every operation that can answer it.
ERROR_EXAMPLES: dict[str, dict[str, Any]] = {
    "400": {
        "code": "invalid",
        "message": "Some fields are not valid. Correct them and send again.",
        "fields": {"lat": ["Ensure this value is less than or equal to 90."]},
    },
    "401": {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
    },
    "403": {
        "code": "permission_denied",
        "message": "You do not have permission to perform this action.",
    },
    "404": {"code": "not_found", "message": "Not found."},
    "409": {
        "code": "conflict",
        "message": "Someone else changed this record first. Reload it and try again.",
        "current": {
            "id": 42,
            "status": "assigned",
            "version": 3,
            "updated_at": "2026-11-23T09:30:00+08:00",
        },
    },  # fmt: skip
    "429": {
        "code": "throttled",
        "message": "Request was throttled. Expected available in 42 seconds.",
    },
    "503": {
        "code": "service_unavailable",
        "message": "The service cannot reach its database right now. Try again in a minute.",
    },
}

# Kept as a module constant so every view documents errors with the same component.
ERROR_COMPONENT = ErrorSerializer


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`, from `POST /api/v1/auth/token/`.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class AutoSchema(openapi.AutoSchema):
    """Adds the error responses that the view can really answer with.

    Also names nested ``InputSerializer``/``OutputSerializer`` classes after their view
    (``MeApi.OutputSerializer`` -> ``MeOutput``) so components never collide.
    """

    def _get_serializer_name(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> str:
        name: str = super()._get_serializer_name(serializer, direction, bypass_extensions)
        qualname = type(serializer).__qualname__
        if "." in qualname and not getattr(getattr(serializer, "Meta", None), "ref_name", None):
            owner, inner = qualname.rsplit(".", 1)
            owner = owner.split(".")[-1].removesuffix("Api").removesuffix("View")
            inner = inner.removesuffix("Serializer")
            name = name.replace(inner, owner + inner, 1) if name.startswith(inner) else name
        return name

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ERROR_COMPONENT, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                for media in response.get("content", {}).values():
                    media["examples"] = {code: {"value": ERROR_EXAMPLES[code]}}
                responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["429", "503"]  # every operation: rate limits, the database unreachable
        if self.method in {"POST", "PUT", "PATCH"} or self._has_query_input():
            codes.append("400")
        if not self._is_public():
            codes += ["401", "403"]
        if "{" in self.path or self._is_paginated():
            codes.append("404")  # no such record; on a paginated list, a foreign cursor
        codes += [str(code) for code in getattr(self.view, "extra_error_codes", [])]
        return sorted(set(codes))

    def _is_public(self) -> bool:
        classes = getattr(self.view, "permission_classes", [])
        return bool(classes) and all(cls is permissions.AllowAny for cls in classes)

    def _has_query_input(self) -> bool:
        if getattr(self.view, "filterset_class", None) or (
            self.method == "GET" and self._is_list_view()
        ):
            return True
        # Any documented query parameter can be sent wrong (a serializer of parameters).
        return any(parameter.get("in") == "query" for parameter in self._get_parameters())

    def _is_paginated(self) -> bool:
        return (
            self.method == "GET"
            and self._is_list_view()
            and getattr(self.view, "pagination_class", None) is not None
        )


__all__ = ["AutoSchema", "ErrorSerializer", "inline_serializer"]
