"""Builders for Open311 tests: categories with and without attributes, form bodies."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from inspections.models import Category
from tests.inspections.factories import CategoryFactory

BLOCKED_EXIT_ATTRIBUTES = [
    {
        "code": "floor",
        "datatype": "number",
        "required": True,
        "description": "楼层",
        "description_en": "Floor",
    },
    {
        "code": "blocked_by",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "堵塞物",
        "values": [
            {"key": "bikes", "name": "电动车", "name_en": "E-bikes"},
            {"key": "boxes", "name": "杂物", "name_en": "Boxes"},
        ],
    },
    {
        "code": "signs",
        "datatype": "multivaluelist",
        "required": False,
        "description": "缺少的标志",
        "values": [{"key": "exit", "name": "出口"}, {"key": "light", "name": "应急灯"}],
    },
]


def blocked_exit_category() -> Category:
    return CategoryFactory(
        code="blocked-exit",
        name_zh="消防通道堵塞",
        name_en="Blocked fire exit",
        description="楼道、消防通道被占用",
        attributes=BLOCKED_EXIT_ATTRIBUTES,
    )


def pothole_category() -> Category:
    return CategoryFactory(code="pothole", name_zh="路面坑洼", name_en="Pothole")


def form(**fields: Any) -> str:
    """A body as ``application/x-www-form-urlencoded``, as Open311 clients send it.

    Pass ``attribute[code]`` keys through ``**{"attribute[floor]": "3"}``; a list value
    becomes a repeated key.
    """
    return urlencode(fields, doseq=True)


FORM = "application/x-www-form-urlencoded"
