"""API keys: created and revoked by command and in the admin; only a hash is stored."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import Client

from grids.models import User
from inspections.open311.models import ApiKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def create(name: str, *args: str) -> str:
    out = StringIO()
    call_command("open311_key", "create", name, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()[-1]


def test_create_prints_the_key_alone_on_its_last_line_and_stores_its_hash() -> None:
    raw = create("civic-app", "--rate", "30")

    api_key = ApiKey.objects.get(name="civic-app")
    assert raw.startswith("o311_") and " " not in raw
    assert api_key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {api_key.key_hash, api_key.key_prefix}
    assert (api_key.rate_limit_per_minute, api_key.is_active) == (30, True)


def test_the_keys_service_account_cannot_sign_in() -> None:
    create("civic-app")

    account = ApiKey.objects.get(name="civic-app").user
    assert not account.is_active
    assert not account.has_usable_password()


def test_a_second_key_with_the_same_name_is_refused() -> None:
    create("civic-app")

    with pytest.raises(CommandError):
        create("civic-app")
    assert ApiKey.objects.count() == 1


def test_revoke_marks_the_key_inactive_with_its_time() -> None:
    create("civic-app")

    call_command("open311_key", "revoke", "civic-app", stdout=StringIO())

    api_key = ApiKey.objects.get()
    assert not api_key.is_active
    assert api_key.revoked_at is not None


def test_revoking_an_unknown_key_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command("open311_key", "revoke", "nobody", stdout=StringIO())


@pytest.fixture
def admin_client(client: Client) -> Client:
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_shows_a_new_key_once(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/open311/apikey/add/",
        {"name": "city-app", "rate_limit_per_minute": "120", "contact": "ops@example.com"},
        follow=True,
    )

    api_key = ApiKey.objects.get(name="city-app")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    shown = [m for m in messages if api_key.key_prefix in m]
    # The key ends the message in every language (token_urlsafe characters).
    raw = re.findall(r"[A-Za-z0-9_-]+$", shown[0])[0]
    assert api_key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert api_key.rate_limit_per_minute == 120
    page = admin_client.get(f"/admin/open311/apikey/{api_key.pk}/change/").content.decode()
    assert raw not in page


def test_the_admin_revokes_keys(admin_client: Client) -> None:
    create("city-app")
    api_key = ApiKey.objects.get()

    admin_client.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [str(api_key.pk)]},
    )

    api_key.refresh_from_db()
    assert not api_key.is_active
    assert User.objects.filter(pk=api_key.user_id).exists()
