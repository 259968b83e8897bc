"""Token sign-in, sign-out and the phone-number login."""

from __future__ import annotations

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_username_and_password_give_a_token_that_authenticates(api_client: APIClient) -> None:
    user = UserFactory(username="li.wei")

    response = api_client.post(TOKEN_URL, {"username": "li.wei", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert response.json()["user_id"] == user.pk
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/me/").json()["username"] == "li.wei"


@pytest.mark.parametrize("typed", ["13812345678", "+86 138-1234-5678", "008613812345678"])
def test_phone_number_signs_in_in_any_common_spelling(api_client: APIClient, typed: str) -> None:
    user = UserFactory(phone="138 1234 5678")

    response = api_client.post(TOKEN_URL, {"phone": typed, "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert response.json()["user_id"] == user.pk


def test_wrong_password_is_401_in_the_shared_error_format(api_client: APIClient) -> None:
    UserFactory(username="li.wei")

    response = api_client.post(
        TOKEN_URL, {"username": "li.wei", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_credentials",
        "message": "Wrong username, phone number or password.",
    }
    assert AuthToken.objects.count() == 0


def test_missing_credentials_are_400_naming_the_field(api_client: APIClient) -> None:
    response = api_client.post(TOKEN_URL, {}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"password"}


def test_inactive_user_gets_no_token(api_client: APIClient) -> None:
    UserFactory(username="gone", is_active=False)

    response = api_client.post(TOKEN_URL, {"username": "gone", "password": TEST_PASSWORD})

    assert response.status_code == 401


def test_logout_revokes_only_the_token_used(api_client: APIClient) -> None:
    UserFactory(username="li.wei")
    tokens = [
        api_client.post(TOKEN_URL, {"username": "li.wei", "password": TEST_PASSWORD}).json()[
            "token"
        ]
        for _ in range(2)
    ]
    phone, tablet = APIClient(), APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    tablet.credentials(HTTP_AUTHORIZATION=f"Token {tokens[1]}")

    assert phone.post("/api/v1/auth/logout/").status_code == 204

    assert phone.get("/api/v1/me/").status_code == 401
    assert tablet.get("/api/v1/me/").status_code == 200


def test_logout_all_revokes_every_token(api_client: APIClient) -> None:
    user = UserFactory()
    AuthToken.objects.create(user)
    _, token = AuthToken.objects.create(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.post("/api/v1/auth/logout-all/").status_code == 204

    assert AuthToken.objects.filter(user=user).count() == 0


def test_session_sign_in_works_for_the_web_app(api_client: APIClient) -> None:
    user = UserFactory()
    api_client.force_login(user)

    assert api_client.get("/api/v1/me/").json()["id"] == user.pk
