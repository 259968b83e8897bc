"""The one way a handler's action joins a tip's timeline (the exact time is theirs)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from grids.models import User
from inspections.tips.models import Tip, TipEvent


def tip_event_add(
    tip: Tip, *, by: User | None, kind: str, note: str = "", **fields: Any
) -> TipEvent:
    now = timezone.now()
    return TipEvent.objects.create(
        tip=tip,
        kind=kind,
        actor=by,
        note=note,
        on=timezone.localdate(now),
        at=now if by else None,
        **fields,
    )
