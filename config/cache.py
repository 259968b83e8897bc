"""Django's Redis cache, degrading to this process's memory while Redis is unreachable.

The cache holds only what may be lost: request rate limits (DRF throttles, Open311 per-key
limits, whistleblower look-up limits) and nothing a request needs to be correct. With
Redis gone, Django's own backend raised ``ConnectionError`` from every throttled request,
so the whole API answered 500 (the fault test of Redis found it). Here every operation
falls back to a local-memory cache instead: the limits keep counting, per process as in
the embedded setup, until Redis answers again. After a failure Redis is not asked again
for ``RETRY_AFTER_S``, so an unreachable host costs one connect timeout per interval, not
one per request. That moment is shared by the process's threads (Django makes one cache
object per thread), as the local-memory counts are (they share the cache's name).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")
# Per Redis location: when this process may ask Redis again.
_down_until: dict[str, float] = {}


class DegradingRedisCache(RedisCache):
    """``RedisCache`` whose every operation falls back to local memory while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = str(server)
        self._fallback = LocMemCache(f"degraded-{server}", params)

    def _either(self, redis_call: Callable[[], T], local_call: Callable[[], T]) -> T:
        if time.monotonic() < _down_until.get(self._location, 0.0):
            return local_call()
        try:
            result = redis_call()
        except UNREACHABLE as error:
            if self._location not in _down_until:
                logger.warning("cache: Redis unreachable (%s); counting in memory", error)
            _down_until[self._location] = time.monotonic() + RETRY_AFTER_S
            return local_call()
        if _down_until.pop(self._location, None) is not None:
            logger.warning("cache: Redis answers again; counting in Redis")
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).add(key, value, timeout, version),
            lambda: self._fallback.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).get(key, default, version),
            lambda: self._fallback.get(key, default, version),
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._either(
            lambda: super(DegradingRedisCache, self).set(key, value, timeout, version),
            lambda: self._fallback.set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).touch(key, timeout, version),
            lambda: self._fallback.touch(key, timeout, version),
        )

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).delete(key, version),
            lambda: self._fallback.delete(key, version),
        )

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).get_many(keys, version),
            lambda: self._fallback.get_many(keys, version),
        )

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).has_key(key, version),
            lambda: self._fallback.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).incr(key, delta, version),
            lambda: self._fallback.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._either(
            lambda: super(DegradingRedisCache, self).set_many(data, timeout, version),
            lambda: self._fallback.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._either(
            lambda: super(DegradingRedisCache, self).delete_many(keys, version),
            lambda: self._fallback.delete_many(keys, version),
        )

    def clear(self) -> Any:
        return self._either(lambda: super(DegradingRedisCache, self).clear(), self._fallback.clear)
