"""Liveness and readiness."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import SettingsWrapper


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_channel_layer(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_503_naming_the_channel_layer_when_it_is_down(
    client: Client, settings: SettingsWrapper
) -> None:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Port 9 (discard) on loopback: nothing listens, so the connection is refused.
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/readyz")
    finally:
        channel_layers.backends.clear()

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["channel_layer"].startswith("error:")
