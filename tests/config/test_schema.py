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


@pytest.mark.parametrize(
    ("path", "method", "code"),
    [
        ("/api/v1/hazards/", "get", "404"),  # a cursor that is not ours
        ("/api/v1/grids/", "get", "404"),
        ("/api/v1/locate/", "get", "400"),
        ("/api/v1/coverage/", "get", "400"),
        ("/api/v1/coverage/", "get", "404"),
        ("/api/v1/hazards/metrics/", "get", "400"),
        ("/api/v1/my-grid/", "get", "404"),
        ("/api/v1/auth/token/", "post", "401"),
        ("/api/v1/grids/{grid_id}/worker/", "delete", "200"),
    ],
)
def test_answers_the_api_gives_are_documented(
    schema: dict, path: str, method: str, code: str
) -> None:
    assert code in schema["paths"][path][method]["responses"]


def test_a_delete_that_answers_with_a_body_is_not_documented_as_204(schema: dict) -> None:
    assert "204" not in schema["paths"]["/api/v1/grids/{grid_id}/worker/"]["delete"]["responses"]


def test_every_error_response_carries_an_example(schema: dict) -> None:
    missing = [
        f"{method.upper()} {path} {code}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if code >= "400"
        and not any(media.get("examples") for media in response.get("content", {}).values())
    ]

    assert missing == []


def test_redemption_lists_its_refusal_codes(schema: dict) -> None:
    responses = schema["paths"]["/api/v1/rewards/{reward_id}/redeem/"]["post"]["responses"]
    codes = {
        example["value"]["code"]
        for status in ("400", "409")
        for example in responses[status]["content"]["application/json"]["examples"].values()
    }

    assert codes >= {
        "insufficient_points", "reward_unavailable", "limit_reached", "out_of_stock",
        "idempotency_key_reused",
    }  # fmt: skip
