"""``LruMemo``: the one in-memory LRU of the project, safe for gunicorn's threads.

Used by the issue store (the last stores read), the results cache (report JSON) and
the dashboard runtime (page data and rendered pages). Every read and write of the
entries happens under one lock; ``get_or_make`` computes a missing value *outside*
the lock, so a slow computation never blocks readers of other keys. A thread missing
a key that another thread is computing waits for that result instead of computing it
again (the dashboard's background warm-up and the first page request ask for the same
page at start: computing it twice doubled the CPU before the first chart). When the
computing thread fails, each waiter computes for itself.

Hand-written (40 lines) rather than ``functools.lru_cache``, which cannot be keyed by
values computed from unhashable inputs or cleared per instance, or ``cachetools``,
whose caches are not thread-safe by themselves and would need this same lock around
them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruMemo(Generic[V]):
    """At most ``size`` values, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU memo needs a size of at least 1")
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Event] = {}  # keys being computed

    def get(self, key: Hashable) -> V | None:
        """The value of ``key`` (now the most recently used), or None."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: V) -> None:
        """Remember ``value`` as the most recently used; drop the oldest beyond ``size``."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value of ``key``, made (outside the lock) and remembered on a miss; or
        the result of the thread already making it."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            making = self._making.get(key)
            if making is None:
                self._making[key] = threading.Event()
        if making is not None:
            making.wait()
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
            return make()  # the other thread failed (or the entry is already gone)
        try:
            value = make()
            self.put(key, value)
            return value
        finally:
            with self._lock:
                self._making.pop(key).set()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
