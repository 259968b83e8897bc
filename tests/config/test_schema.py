"""The OpenAPI schema documents every endpoint and its errors."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client: Client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_documents_its_error_responses(schema: dict) -> None:
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if "429" not in codes:
                missing.append(f"{method.upper()} {path} lacks 429")
            if method in {"post", "put", "patch"} and "400" not in codes:
                missing.append(f"{method.upper()} {path} lacks 400")
            needs_auth = "tokenAuth" in str(operation.get("security"))
            if needs_auth and not {"401", "403"} <= codes:
                missing.append(f"{method.upper()} {path} lacks 401/403")
    assert missing == []


def test_error_component_has_code_message_and_fields(schema: dict) -> None:
    error = schema["components"]["schemas"]["Error"]

    assert set(error["properties"]) >= {"code", "message", "fields"}
    assert set(error["required"]) == {"code", "message"}


def test_token_endpoint_is_documented_as_public(schema: dict) -> None:
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]

    assert "200" in operation["responses"]
    assert "401" not in operation["responses"] or operation.get("security") is not None


def test_interactive_docs_render_from_our_own_static_files(client: Client) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"unpkg.com" not in response.content
