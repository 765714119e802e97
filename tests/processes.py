"""The threads of a process, for tests about what a fork can inherit (issue 10)."""

from __future__ import annotations

import os
from pathlib import Path

# pyarrow's jemalloc keeps a native background thread; jemalloc makes its own locks
# fork-safe (pthread_atfork), and the thread runs no Python code, takes no Python lock.
ALLOCATOR_THREAD = "jemalloc_bg_thd"


def threads_but_the_allocator(pid: int) -> list[str]:
    """The names of ``pid``'s threads (Linux ``/proc``), without jemalloc's."""
    names = [Path(f"/proc/{pid}/task/{task}/comm").read_text().strip()
             for task in os.listdir(f"/proc/{pid}/task")]
    return [name for name in names if name != ALLOCATOR_THREAD]
