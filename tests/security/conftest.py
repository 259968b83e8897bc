"""One city for the whole role matrix, built once per module and rolled back at its end.

Each cell of the matrix runs in a savepoint of its own (``tests.security.matrix.run_cell``),
so a write one role makes is gone before the next role asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import SettingsWrapper

from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def module_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("matrix") / "media"


@pytest.fixture(autouse=True)
def _media_root(settings: SettingsWrapper, module_media: Path) -> None:
    """The photos of the module's city stay readable in every test of the module."""
    settings.MEDIA_ROOT = module_media


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, module_media: Path
) -> Iterator[World]:
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=module_media, LANGUAGE_CODE="en"),
        transaction.atomic(),
    ):
        world = build_world()
        world.clients = {}
        for role, user in world.people.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            world.clients[role] = client
        cache.clear()
        yield world
        transaction.set_rollback(True)
