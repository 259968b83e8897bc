"""Moments sent by clients: ISO 8601, within the years the service can write back.

Before 1901 the city's time zone has a local-mean-time offset with seconds (+08:05:43),
which is not an RFC 3339 date-time: a far-past moment sent in came back as an invalid
one. Moments outside ``EARLIEST``..``LATEST`` are refused with a 400 instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class MomentField(serializers.DateTimeField):
    """A date-time from a client, between 2000 and 2100."""

    default_error_messages = {
        "out_of_range": _("Send a time between the years 2000 and 2100."),
    }

    def to_internal_value(self, value: Any) -> datetime:
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment < LATEST:
            self.fail("out_of_range")
        return moment
