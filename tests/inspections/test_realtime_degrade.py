"""With the channel layer down (Redis gone), REST keeps answering and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from channels.layers import channel_layers
from pytest_django.fixtures import SettingsWrapper

from config.realtime.models import Event
from inspections.models import Hazard
from tests.city import City
from tests.inspections.factories import HERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings: SettingsWrapper) -> Iterator[None]:
    working = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Port 9 (discard) on loopback: nothing listens, the connection is refused.
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }
    channel_layers.backends.clear()
    yield
    settings.CHANNEL_LAYERS = working
    channel_layers.backends.clear()


def test_report_succeeds_and_its_events_wait_in_the_log(
    city: City, client_for: Any, redis_down: None
) -> None:
    body = {
        "category": city.category.code,
        "description": "楼道堆放杂物",
        "lat": HERE[0],
        "lng": HERE[1],
    }

    response = client_for(city.resident).post("/api/v1/hazards/", body, format="json")

    assert response.status_code == 201, response.content
    assert Hazard.objects.count() == 1
    pending = Event.objects.filter(type="hazard.reported")
    assert pending.count() == 1
    assert pending.get().published_at is None
