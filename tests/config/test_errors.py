"""One error format, including errors raised by Django itself inside services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from config.api.errors import Conflict
from config.urls import handler404, handler500  # noqa: F401 - used by this URLconf
from config.urls import urlpatterns as real_urlpatterns


class RaisesDjangoValidationError(APIView):
    permission_classes: list[type] = []

    def post(self, request: object) -> Response:
        raise ValidationError({"lat": ["Latitude must be between -90 and 90."]})


class RaisesPlainValidationError(APIView):
    permission_classes: list[type] = []

    def post(self, request: object) -> Response:
        raise ValidationError("This hazard is already closed.", code="already_closed")


class RaisesPermissionDenied(APIView):
    permission_classes: list[type] = []

    def post(self, request: object) -> Response:
        raise PermissionDenied("Only community staff may assign hazards.")


class RaisesConflict(APIView):
    permission_classes: list[type] = []

    def post(self, request: object) -> Response:
        raise Conflict(current={"status": "assigned"})


urlpatterns = [
    path("api/v1/test/django-validation/", RaisesDjangoValidationError.as_view()),
    path("api/v1/test/plain-validation/", RaisesPlainValidationError.as_view()),
    path("api/v1/test/denied/", RaisesPermissionDenied.as_view()),
    path("api/v1/test/conflict/", RaisesConflict.as_view()),
    *real_urlpatterns,
]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def test_django_validation_error_in_a_service_is_400_with_fields(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/test/django-validation/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Some fields are not valid. Correct them and send again.",
        "fields": {"lat": ["Latitude must be between -90 and 90."]},
    }


def test_plain_validation_error_keeps_its_code_and_message(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/test/plain-validation/")

    assert response.status_code == 400
    assert response.json() == {
        "code": "already_closed",
        "message": "This hazard is already closed.",
    }


def test_permission_denied_is_403_with_the_reason(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/test/denied/")

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Only community staff may assign hazards.",
    }


def test_conflict_carries_the_current_state(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/test/conflict/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "Someone else changed this record first. Reload it and try again.",
        "current": {"status": "assigned"},
    }


def test_unknown_api_url_is_json_404(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "There is nothing at this address.",
    }


def test_unauthenticated_is_401_in_chinese_by_default(
    api_client: APIClient, chinese_default: None
) -> None:
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message"] == "身份认证信息未提供。"


def test_a_json_parse_error_speaks_the_reader_s_language(chinese_default: None) -> None:
    from django.test import Client

    response = Client().post("/api/v1/auth/token/", b"{bad", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "message": "无法读取请求内容：请发送有效的 JSON（或表单）。",
    }
