"""Shared fixtures: a temporary MEDIA_ROOT, API clients, and a signed-in client factory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from knox.models import AuthToken
from pytest_django.fixtures import SettingsWrapper
from rest_framework.test import APIClient

from grids.models import User
from tests.city import City, build_city

# Processes the tests start (management commands, a second server, a process that dies on
# purpose) run on the test settings too, however pytest itself was started.
os.environ.setdefault("SAFEGRID_TESTING", "1")


@pytest.fixture(autouse=True)
def _media_root(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_unless_asked(settings: SettingsWrapper) -> None:
    """Tests read messages in English; tests about language ask for `chinese_default`."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def chinese_default(settings: SettingsWrapper) -> None:
    """The product's own default: Simplified Chinese when nothing else decides."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    """An API client that sends a real token for ``user`` (as a phone would)."""

    def make(user: User) -> APIClient:
        _instance, token = AuthToken.objects.create(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def city(db: None) -> City:
    """The one small city (tests/city.py); an app's conftest may extend it."""
    return build_city()
