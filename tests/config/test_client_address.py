"""Rate limits count the client's real address, taken only from the configured proxies."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import SettingsWrapper
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Rates small enough to reach in a test (the test settings switch them off)."""
    from django.core.cache import cache

    cache.clear()
    rates = {
        "anon": "3/minute",
        "user": "100000/minute",
        "login": "3/minute",
        "login_account": "5/hour",
    }
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


def _proxies(settings: SettingsWrapper, count: int) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}


def _guess(client: APIClient, username: str, password: str = "wrong", **headers: str) -> int:
    response = client.post(TOKEN_URL, {"username": username, "password": password}, **headers)
    return int(response.status_code)


def test_a_made_up_forwarded_for_does_not_escape_the_sign_in_limit(
    api_client: APIClient, rates: dict[str, str]
) -> None:
    statuses = [
        _guess(api_client, f"user{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(4)
    ]

    assert statuses == [401, 401, 401, 429]


def test_the_right_password_with_a_spoofed_address_is_still_refused_while_limited(
    api_client: APIClient, rates: dict[str, str]
) -> None:
    UserFactory(username="li.wei")
    for n in range(3):
        _guess(api_client, f"user{n}")

    status = _guess(api_client, "li.wei", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert status == 429


def test_anonymous_limits_ignore_a_spoofed_forwarded_for(
    api_client: APIClient, rates: dict[str, str]
) -> None:
    statuses = [
        api_client.get(
            "/open311/v2/services.json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]


def test_behind_one_configured_proxy_the_address_it_appends_counts(
    api_client: APIClient, rates: dict[str, str], settings: SettingsWrapper
) -> None:
    _proxies(settings, 1)
    # The proxy appends the address it saw; what the client wrote before it is ignored.
    first = [
        _guess(api_client, f"u{n}", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.1")
        for n in range(4)
    ]
    other_client = _guess(api_client, "u9", HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert first == [401, 401, 401, 429]
    assert other_client == 401


def test_password_guesses_are_limited_per_account_from_any_address(
    api_client: APIClient, rates: dict[str, str], settings: SettingsWrapper
) -> None:
    _proxies(settings, 1)
    UserFactory(username="li.wei", phone="13812345678")
    guesses = [
        _guess(api_client, login, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n, login in enumerate(
            ["li.wei", "li.wei", "13812345678", "+86 138 1234 5678", "li.wei"]
        )
    ]

    refused = api_client.post(
        TOKEN_URL,
        {"username": "li.wei", "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )

    assert guesses == [401] * 5
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0


def test_a_right_password_does_not_count_as_a_guess(
    api_client: APIClient, rates: dict[str, str], settings: SettingsWrapper
) -> None:
    _proxies(settings, 1)
    UserFactory(username="li.wei")
    for n in range(8):
        status = _guess(api_client, "li.wei", TEST_PASSWORD, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert status == 200
