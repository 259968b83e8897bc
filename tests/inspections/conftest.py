"""Hazards of the root small city (tests/city.py), reported through the service."""

from __future__ import annotations

from typing import Any

import pytest

from grids.models import User
from inspections.models import Hazard
from inspections.services import hazard_report
from tests.city import City
from tests.inspections.factories import HERE


@pytest.fixture
def report(city: City) -> Any:
    """Report a hazard near the test building as ``user`` (the resident by default)."""

    def make(user: User | None = None, **fields: Any) -> Hazard:
        values = {
            "category_code": city.category.code,
            "description": "楼道堆放杂物",
            "lat": HERE[0],
            "lng": HERE[1],
            **fields,
        }
        return hazard_report(user=user or city.resident, **values).hazard

    return make
