"""Idempotent writes from phones: one client UUID, one effect, however often it is sent.

A phone with a weak signal cannot tell "the server never got it" from "the answer was
lost", so the field app sends every write with a UUID made when the user tapped, and
retries with the same UUID. The row the write creates stores that UUID (unique) and a
fingerprint of the content: a retry with the same content finds the row and answers as the
first time did; the same UUID with other content is a 409, never a silent second write.

Used by hazard reports, patrol inspections and hazard timeline lines (comments and
transitions); redemptions use the ``Idempotency-Key`` header on the voucher the same way.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from config.api.errors import Conflict

M = TypeVar("M", bound=Model)


def content_fingerprint(*parts: Any) -> str:
    """A stable hash of a write's content (order of dict keys does not matter)."""
    canonical = json.dumps(list(parts), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    existing = rows.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if getattr(existing, "fingerprint") != fingerprint:  # noqa: B009 - any model with the field
        raise Conflict(conflict_message, code="client_uuid_reused", current=current(existing))
    return existing
