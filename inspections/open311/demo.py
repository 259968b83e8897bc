"""Demo step: a civic app that filed a few reports through Open311.

Its key is never printed (no secret by default); operators make their own with
``manage.py open311_key create NAME``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from config.demo import DemoContext
from grids.models import Building
from inspections.models import Category
from inspections.open311.models import ApiKey
from inspections.open311.services import (
    Open311Report,
    Reporter,
    api_key_create,
    open311_request_create,
)
from inspections.selectors import category_list

DEMO_APP = "demo-civic-app"
DESCRIPTIONS = [
    "小区门口路灯旁电线裸露",
    "楼道里堆着纸箱，挡住了消防通道",
    "地下车库有电动车在充电",
]


def build_open311_requests(ctx: DemoContext) -> None:
    categories = list(category_list())
    buildings = list(Building.objects.order_by("pk")[:50])
    if ApiKey.objects.filter(name=DEMO_APP).exists() or not categories or not buildings:
        return
    api_key, _key = api_key_create(name=DEMO_APP, contact="demo@example.org")
    for number, description in enumerate(DESCRIPTIONS):
        building = ctx.rng.choice(buildings)
        category = categories[number * 3 % len(categories)]
        open311_request_create(
            api_key=api_key,
            report=Open311Report(
                service_code=category.code,
                description=description,
                lat=building.lat,
                lng=building.lng,
                attributes=sample_attributes(category),
                reporter=Reporter(first_name="演示", email=f"demo{number}@example.org"),
            ),
        )
    ctx.write(
        f"  {len(DESCRIPTIONS)} Open311 requests from {DEMO_APP!r}; "
        "get a key with `manage.py open311_key create NAME`"
    )


def sample_attributes(category: Category) -> dict[str, Any]:
    """A valid value for every required attribute of the category."""
    samples: dict[str, Any] = {
        "number": "2",
        "datetime": timezone.localtime().isoformat(timespec="seconds"),
        "string": "示例",
        "text": "示例",
    }
    values: dict[str, Any] = {}
    for definition in category.attributes or []:
        if not definition.get("required"):
            continue
        datatype = definition["datatype"]
        first_key = str((definition.get("values") or [{}])[0].get("key", ""))
        if datatype == "singlevaluelist":
            values[definition["code"]] = first_key
        elif datatype == "multivaluelist":
            values[definition["code"]] = [first_key]
        else:
            values[definition["code"]] = samples[datatype]
    return values
