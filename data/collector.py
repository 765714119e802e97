"""Pausing Python's cyclic garbage collector while building many acyclic objects.

Decoding or generating issues allocates millions of small containers; the collector
runs a pass every few hundred allocations and, as the heap grows, full passes over
all of it, which can double the time of the whole build. Nothing built under the
pause forms a reference cycle, so reference counting frees it all anyway.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block (re-enabled after, if it was on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
