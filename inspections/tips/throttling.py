"""Throttles for the whistleblower's endpoints that never learn who the client is.

A client is its ``client_token`` (config.privacy: an HMAC of the address under a salt
that lives in this process's memory for an hour); the counters live in the cache for a
minute. Past the per-client or the overall limit, every receipt look-up is refused, a
right one as much as a wrong one, so guessing costs the same as typing.
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


class TipThrottle(BaseThrottle):
    """Per client and overall, per minute; no address, no user agent, nothing stored."""

    scope = "tips"

    def allow_request(self, request: Any, view: Any) -> bool:
        window = int(time.time() // WINDOW_S)
        token = getattr(request._request, "client_token", "unknown")
        per_client = _count(f"tips:throttle:{self.scope}:{token}:{window}")
        overall = _count(f"tips:throttle:{self.scope}:all:{window}")
        self._wait = WINDOW_S - time.time() % WINDOW_S
        return (
            per_client <= settings.TIPS_LOOKUPS_PER_CLIENT
            and overall <= settings.TIPS_LOOKUPS_OVERALL
        )

    def wait(self) -> float | None:
        return getattr(self, "_wait", WINDOW_S)
