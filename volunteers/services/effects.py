"""The two effects other rooms carry out for volunteers: realtime events and points.

Every volunteer service goes through these two functions, so the seams they stand on
(``config.realtime.publish`` and the points award door) are named in one place.
"""

from __future__ import annotations

from typing import Any

from config.realtime.catalogue import EventType
from config.realtime.publish import publish
from grids.audiences import user_group
from points.awards import award
from points.models import EarnKind


def volunteer_notify(*, type: EventType, user_id: int, data: dict[str, Any]) -> None:
    """Tell one volunteer, in the caller's transaction; delivered after commit."""
    publish(type=type, data=data, audiences=[user_group(user_id)])


def volunteer_award(*, user_id: int, kind: str, source: str, note: str = "") -> None:
    """Pay points for ``source`` once, after the caller's transaction commits (award seam)."""
    award(user_id=user_id, kind=EarnKind(kind), source=source, note=note)
