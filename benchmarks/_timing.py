"""Timing helpers shared by the benchmark scripts (not a benchmark: ``make bench``
skips modules whose name starts with ``_``).

Terms:

- *median run*: the median wall-clock seconds of ``repeat`` calls of one action,
  measured with ``time.perf_counter``; the median, not the mean, so that one run
  disturbed by the other processes on the shared cores does not move the figure.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def median_run(action: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The median seconds of ``repeat`` calls of ``action`` and the last call's result."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def median_seconds(action: Callable[[], object], repeat: int = 5) -> float:
    """The median seconds of ``repeat`` calls of ``action``."""
    return median_run(action, repeat)[0]
