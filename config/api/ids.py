"""Row ids in filters, paths and request bodies: whole numbers within the 64-bit range.

One definition for every place that reads an id from a client, so that a number past
what the database stores is answered as bad input (a 400 naming the field, a 404 in a
path) instead of overflowing in SQLite or being refused by PostgreSQL mid-query.
"""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# The largest value of a signed 64-bit column (BigAutoField, bigint).
MAX_ID = 2**63 - 1


class IdConverter:
    """``<id:pk>`` in a URL: digits within the 64-bit range; anything else does not match."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # no match: the URL resolves to a 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class SegmentConverter:
    """``<segment:code>`` in a URL: what ``<str:...>`` takes but a NUL byte, which no code or
    name contains and PostgreSQL refuses in a text value: such a path is a 404."""

    regex = "[^/\\x00]{1,200}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdFormField(forms.IntegerField):
    """A form field for an id: a whole number from 1 to ``MAX_ID``."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)  # type: ignore[arg-type]


class IdFilter(django_filters.NumberFilter):
    """A django-filter filter on an id column (``grid``, ``community``, ``assignee``...)."""

    field_class = IdFormField


@extend_schema_field(OpenApiTypes.INT64)
class IdField(serializers.IntegerField):
    """A serializer field for an id sent by a client: a whole number from 1 to ``MAX_ID``."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)  # type: ignore[arg-type]
