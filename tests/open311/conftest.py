"""A small city with one building at HERE, two categories, residents' hazards, a key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from inspections.models import Category, Hazard
from inspections.open311.models import ApiKey
from inspections.open311.services import api_key_create
from inspections.services import hazard_report
from tests.city import City as RootCity
from tests.city import build_city
from tests.inspections.factories import HERE
from tests.open311.factories import FORM, blocked_exit_category, form, pothole_category

ADDRESS = "幸福路1号"


@dataclass
class City(RootCity):
    """The root small city with Open311's two services: its category is the pothole."""

    blocked_exit: Category


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(db: None) -> City:
    root = build_city(community_name="幸福社区", address=ADDRESS, category=pothole_category())
    return City(**vars(root), blocked_exit=blocked_exit_category())


@pytest.fixture
def report(city: City) -> Callable[..., Hazard]:
    """A hazard reported through the REST path's service, by the resident."""

    def make(**fields: Any) -> Hazard:
        values: dict[str, Any] = {
            "category_code": city.category.code,
            "description": "路面有坑",
            "lat": HERE[0],
            "lng": HERE[1],
            **fields,
        }
        return hazard_report(user=values.pop("user", city.resident), **values).hazard

    return make


@dataclass
class Key:
    api_key: ApiKey
    raw: str


@pytest.fixture
def key(db: None) -> Key:
    api_key, raw = api_key_create(name="fixmystreet", rate_limit_per_minute=100)
    return Key(api_key=api_key, raw=raw)


@pytest.fixture
def post(client: Client) -> Callable[..., Any]:
    """POST requests.<fmt> form-encoded, as a civic app's server does."""

    def send(fmt: str = "json", query: str = "", **fields: Any) -> Any:
        path = f"/open311/v2/requests.{fmt}" + (f"?{query}" if query else "")
        return client.post(path, data=form(**fields), content_type=FORM)

    return send


@pytest.fixture(autouse=True)
def _chinese_default(chinese_default: None) -> None:
    """Open311 clients send no Accept-Language: they get the product default, Chinese."""
