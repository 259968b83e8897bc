"""A websocket ticket dies with the token that asked for it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.asgi import application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _client_with_ticket() -> tuple[APIClient, AuthToken, str]:
    instance, token = AuthToken.objects.create(UserFactory())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url = client.post("/api/v1/auth/ws-ticket/").json()["url"]
    return client, instance, url


async def _open(url: str) -> tuple[bool, Any]:
    communicator = WebsocketCommunicator(application, url)
    connected, code = await communicator.connect(timeout=5)
    if connected:
        await communicator.disconnect()
    return connected, code


@pytest.mark.parametrize("revoke", ["/api/v1/auth/logout/", "/api/v1/auth/logout-all/"])
async def test_a_ticket_asked_for_before_logout_opens_no_socket(revoke: str) -> None:
    client, _instance, url = await sync_to_async(_client_with_ticket)()

    assert (await sync_to_async(client.post)(revoke)).status_code == 204
    connected, code = await _open(url)

    assert (connected, code) == (False, 4401)


async def test_a_ticket_of_an_expired_token_opens_no_socket() -> None:
    _client, instance, url = await sync_to_async(_client_with_ticket)()
    await AuthToken.objects.filter(pk=instance.pk).aupdate(
        expiry=timezone.now() - timedelta(seconds=1)
    )

    connected, code = await _open(url)

    assert (connected, code) == (False, 4401)


async def test_a_ticket_of_a_live_token_still_opens_its_socket() -> None:
    _client, _instance, url = await sync_to_async(_client_with_ticket)()

    connected, _code = await _open(url)

    assert connected
