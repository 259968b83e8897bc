"""Idempotent writes from phones: one client UUID, one effect, however often it is sent.

A phone with a weak signal cannot tell "the server never got it" from "the answer was
lost", so the field app sends every write with a UUID made when the user tapped, and
retries with the same UUID. The row the write creates stores that UUID (unique) and a
fingerprint of the content: a retry with the same content finds the row and answers as the
first time did; the same UUID with other content is a 409, never a silent second write.

Used by hazard reports, patrol inspections and hazard timeline lines (comments and
transitions) through ``idempotent_replay``; redemptions store their ``Idempotency-Key``
header on the voucher and replay through the same core, ``replay_by_key``. A new program
with a write a phone may retry gives its row a unique ``client_uuid`` and a
``fingerprint`` (``content_fingerprint`` of what was sent), and calls
``idempotent_replay`` first in its service; a key that races (IntegrityError on the
unique key) is answered by replaying once more. Its API takes the key with
``client_uuid_field()`` and answers a replay 200 where a new write is 201.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api.errors import Conflict

M = TypeVar("M", bound=Model)


def content_fingerprint(*parts: Any) -> str:
    """A stable hash of a write's content (order of dict keys does not matter)."""
    canonical = json.dumps(list(parts), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay_by_key(
    rows: QuerySet[M],
    *,
    key: dict[str, Any],
    same: Callable[[M], bool],
    conflict: Callable[[M], Exception],
) -> M | None:
    """The row an earlier send under ``key`` created, or None if there is none yet; one
    made from other content (``same`` is False) raises ``conflict(row)``, never a second
    write."""
    existing = rows.filter(**key).first()
    if existing is not None and not same(existing):
        raise conflict(existing)
    return existing


def idempotent_replay(
    rows: QuerySet[M],
    *,
    client_uuid: uuid.UUID | None,
    fingerprint: str,
    conflict_message: str,
    current: Callable[[M], dict[str, Any]],
) -> M | None:
    """The row an earlier send of this write created, or None if there is none yet.

    ``rows`` must have ``client_uuid`` and ``fingerprint`` fields. The same UUID with other
    content raises 409 with ``current(row)`` so the phone can show what the server holds.
    """
    if client_uuid is None:
        return None
    return replay_by_key(
        rows,
        key={"client_uuid": client_uuid},
        same=lambda row: getattr(row, "fingerprint") == fingerprint,  # noqa: B009 - any model
        conflict=lambda row: Conflict(
            conflict_message, code="client_uuid_reused", current=current(row)
        ),
    )


def client_uuid_field() -> serializers.UUIDField:
    """The ``client_uuid`` of a request body, described once for every API that takes it."""
    return serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Made by the phone when the user tapped; a retry with the same UUID answers as "
            "the first send did, instead of doing it twice or answering 409."
        ),
    )
