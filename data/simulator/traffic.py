"""Traffic control for the simulator: request statistics, a rate limit and injected faults.

Terms:

- *rate gate*: a token bucket holding at most ``capacity`` tokens, refilled
  continuously at ``capacity / per_seconds`` tokens a second; a request takes one
  token or is refused (429) with the seconds until a token is free. Hand-written
  (a dozen lines) because the server must refuse rather than wait, which the
  client-side bucket in ``data/jira`` does not offer.
- *fault*: an answer forced on the next request whatever it asks: an HTTP status
  (503 by default, with ``Retry-After``) or a proxy's HTML error page.
- *stats*: counts since the last reset, returned as a frozen :class:`SimulatorStats`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class SimulatorStats:
    """What the simulator answered since the last reset."""

    requests: int = 0
    by_path: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    by_status: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    max_concurrent: int = 0

    @property
    def rate_limited(self) -> int:
        """429 answers sent."""
        return self.by_status.get(429, 0)

    @property
    def unavailable(self) -> int:
        """503 answers sent."""
        return self.by_status.get(503, 0)


class StatsRecorder:
    """Thread-safe counters behind :class:`SimulatorStats`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0  # requests in flight; survives resets
        self.reset()

    def reset(self) -> None:
        """Zero the counts; requests in flight still finish (and count their status)."""
        with self._lock:
            self._requests = 0
            self._paths: Counter[str] = Counter()
            self._statuses: Counter[int] = Counter()
            self._max_active = self._active

    def enter(self, path: str) -> None:
        """A request for ``path`` started."""
        with self._lock:
            self._requests += 1
            self._paths[path] += 1
            self._active += 1
            self._max_active = max(self._max_active, self._active)

    def answered(self, status: int) -> None:
        """The request is answered with ``status``: counted before the answer is sent,
        so a client that has read it finds it in the stats, whatever the load."""
        with self._lock:
            self._statuses[status] += 1

    def leave(self) -> None:
        """The request finished (its answer sent, or the connection failed)."""
        with self._lock:
            self._active -= 1

    def snapshot(self) -> SimulatorStats:
        with self._lock:
            return SimulatorStats(
                requests=self._requests,
                by_path=MappingProxyType(dict(self._paths)),
                by_status=MappingProxyType(dict(self._statuses)),
                max_concurrent=self._max_active,
            )


class RateGate:
    """A refusing token bucket; ``None`` capacity means unlimited."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.configure(None)

    def configure(self, limit: tuple[int, float] | None) -> None:
        """Set ``(requests, per_seconds)``, or ``None`` for no limit; the bucket starts full."""
        with self._lock:
            self._limit = limit
            self._tokens = float(limit[0]) if limit else 0.0
            self._stamp = self._clock()

    def take(self) -> float | None:
        """Take a token: ``None`` when allowed, else the seconds until one is free."""
        with self._lock:
            if self._limit is None:
                return None
            capacity, per_seconds = self._limit
            rate = capacity / per_seconds
            now = self._clock()
            self._tokens = min(float(capacity), self._tokens + (now - self._stamp) * rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            return (1.0 - self._tokens) / rate


@dataclass(frozen=True)
class Fault:
    """One forced answer. ``html`` means a proxy's HTML page instead of JSON."""

    status: int = 503
    retry_after: float | None = 1.0
    html: bool = False


class FaultQueue:
    """Faults to serve, in order, to the next requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: deque[Fault] = deque()

    def add(self, count: int, fault: Fault) -> None:
        with self._lock:
            self._pending.extend([fault] * count)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pop(self) -> Fault | None:
        """The next fault to serve, if any."""
        with self._lock:
            return self._pending.popleft() if self._pending else None
