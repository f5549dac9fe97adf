"""Sliding-window rate limits per key (the web session): in one process's memory, or in Redis.

One web process keeps its counts in memory (:class:`SlidingWindowLimiter`). Several workers must
share them, or each would allow the full rate: with ``REDIS_URL`` set, :class:`RedisWindowLimiter`
keeps each key's recent events in a Redis sorted set, checked and updated in one atomic script
against Redis's own clock, so every worker sees the same count. :func:`chat_limiter` picks one.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from typing import Protocol

logger = logging.getLogger(__name__)


class Limiter(Protocol):
    def hit(self, key: str) -> float | None:
        """Record an event for ``key``; return None if allowed, else seconds until it would be."""


class SlidingWindowLimiter:
    """Allow at most ``limit`` events per key within any ``window`` seconds, in this process.

    Parameters
    ----------
    limit : int
        Events allowed within the window.
    window : float
        Length of the window in seconds.
    clock : callable, optional
        Returns the time in seconds (monotonic by default).
    """

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Record an event for ``key``; return None if allowed, else seconds until it would be."""
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return events[0] + self.window - now
            events.append(now)
            if len(self._events) > 10_000:  # forget idle keys so memory stays bounded
                self._forget_idle(now)
            return None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window]:
            del self._events[key]


# KEYS[1]: the key's sorted set of event times; ARGV: window (s), limit, a unique member.
# Returns nil when allowed, else the seconds to wait as a string (Redis would truncate a number).
_HIT_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1e6
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return false
"""


class RedisWindowLimiter:
    """Allow at most ``limit`` events per key within any ``window`` seconds, counted in Redis.

    Parameters
    ----------
    url : str
        ``redis://host:port/db`` of the shared Redis server.
    limit : int
        Events allowed within the window.
    window : float
        Length of the window in seconds.
    prefix : str, optional
        Prefix of the Redis keys, so that several limits can share one database.
    """

    def __init__(self, url: str, limit: int, window: float, prefix: str = "chat-rate:"):
        import redis  # only deployments with REDIS_URL need the client

        self.limit = limit
        self.window = window
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._hit = self._redis.register_script(_HIT_SCRIPT)

    def hit(self, key: str) -> float | None:
        """Record an event for ``key``; return None if allowed, else seconds until it would be.

        With Redis unreachable the event is allowed (and logged): the limit stops runaway clients,
        and refusing every visitor's chat would be the worse failure.
        """
        from redis import RedisError

        try:
            wait = self._hit(keys=[self.prefix + key],
                             args=[self.window, self.limit, uuid.uuid4().hex])
        except RedisError as exc:
            logger.warning("chat rate limit not checked, Redis failed: %s", exc)
            return None
        return None if wait is None else max(0.0, float(wait))


def chat_limiter(limit: int, window: float, redis_url: str | None = None,
                 prefix: str = "chat-rate:") -> Limiter:
    """The chat's limiter: shared in Redis when ``redis_url`` is given, else in this process.

    ``prefix`` keeps the keys of each limit apart in Redis (per session, per address).
    """
    if redis_url:
        return RedisWindowLimiter(redis_url, limit, window, prefix=prefix)
    return SlidingWindowLimiter(limit, window)
