"""A sliding-window rate limit kept in memory, per key (the web session).

One web process holds the counts; several workers would each allow the full rate, which is
acceptable for a per-session limit whose purpose is to stop a runaway client, not to meter use.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindowLimiter:
    """Allow at most ``limit`` events per key within any ``window`` seconds.

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
