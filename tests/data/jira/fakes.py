"""Test doubles for time: a fake monotonic clock whose sleep advances it and records.

``FakeClock.sleep(s)`` returns at once, advances ``now`` by ``s`` and appends ``s``
to ``sleeps``, so tests can assert a whole wait schedule without waiting.
"""

from __future__ import annotations


class FakeClock:
    """A monotonic clock for tests; ``sleep`` advances it instead of blocking."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
