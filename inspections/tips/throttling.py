"""Throttles for the whistleblower's endpoints that never learn who the client is.

A client is its ``client_token`` (config.privacy: an HMAC of the address under a salt
that lives in this process's memory for an hour); the counters live in the cache for a
minute. Past the per-client or the overall limit, every receipt look-up is refused, a
right one as much as a wrong one, so guessing costs the same as typing.

The window slides: the count is this minute's plus the previous minute's weighted by how
much of it still lies within the last sixty seconds. A fixed window gave a guesser a fresh
allowance the moment the clock turned, twice the limit across the boundary.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

WINDOW_S = 60


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_S * 2)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_S * 2)
        return 1


def _estimate(current: int, previous: int, now: float, later: float) -> float:
    """The sliding count at ``later`` if nothing more arrives after ``now``."""
    window = int(now // WINDOW_S)
    shift = int(later // WINDOW_S) - window
    if shift == 0:
        return current + previous * (1 - (later % WINDOW_S) / WINDOW_S)
    if shift == 1:
        return current * (1 - (later % WINDOW_S) / WINDOW_S)
    return 0.0


def _sliding(prefix: str, now: float, limit: int) -> tuple[float, float]:
    """The count with this request, and the seconds until one more would be let in."""
    window = int(now // WINDOW_S)
    current = _count(f"{prefix}:{window}")
    previous = int(cache.get(f"{prefix}:{window - 1}") or 0)
    count = _estimate(current, previous, now, now)
    wait = 0.0
    while wait < 2 * WINDOW_S and _estimate(current, previous, now, now + wait) + 1 > limit:
        wait += 1
    return count, wait


class TipThrottle(BaseThrottle):
    """Per client and overall, per minute; no address, no user agent, nothing stored."""

    scope = "tips"

    def allow_request(self, request: Any, view: Any) -> bool:
        now = time.time()
        token = getattr(request._request, "client_token", "unknown")
        per_client, client_wait = _sliding(
            f"tips:throttle:{self.scope}:{token}", now, settings.TIPS_LOOKUPS_PER_CLIENT
        )
        overall, overall_wait = _sliding(
            f"tips:throttle:{self.scope}:all", now, settings.TIPS_LOOKUPS_OVERALL
        )
        self._wait = max(client_wait, overall_wait, 1.0)
        return (
            per_client <= settings.TIPS_LOOKUPS_PER_CLIENT
            and overall <= settings.TIPS_LOOKUPS_OVERALL
        )

    def wait(self) -> float | None:
        return getattr(self, "_wait", WINDOW_S)
