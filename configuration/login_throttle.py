"""Failed logins per client: a limit, and a log that a flood cannot flood.

Terms:

- *client*: the address the request came from (``REMOTE_ADDR``). Behind a proxy
  every user shares the proxy's address, hence its limit.
- *window*: ``window_seconds`` (60) from a client's first failed login; within it
  the first ``limit`` (10) failures are answered 401 and every later attempt 429
  without the password being checked, until the window ends.
- *log lines*: the first failure of a window logs one warning naming the client
  and the reason; the rest of the window is counted silently and summarised in one
  line ("N more failed logins from C in the last minute") when the client's next
  failure after the window, or any client's failure after that, closes it. So a
  client costs at most two lines a minute whatever it sends.

Kept per process (each gunicorn worker counts on its own); ``clock`` is injected
for tests. Hand-written rather than a rate-limit library: it is one small dict,
and none of them offers the summarised logging.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Window:
    started: float
    failures: int = 1
    unlogged: int = 0


class FailedLogins:
    """Counts failed logins per client; thread-safe (gunicorn threads share it)."""

    def __init__(self, limit: int = 10, window_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window_seconds, self.clock = limit, window_seconds, clock
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        """True while ``client`` has used up its failures; counts the attempt too."""
        with self._lock:
            window = self._open_window(client)
            if window is None or window.failures < self.limit:
                return False
            window.unlogged += 1
            return True

    def failed(self, client: str, reason: str) -> None:
        """Record one failed login by ``client`` (``reason`` must hold no secret)."""
        with self._lock:
            self._close_ended()
            window = self._windows.get(client)
            if window is None:
                self._windows[client] = _Window(self.clock())
                log.warning("Failed login from %s: %s; further failures from this client "
                            "are summarised once a minute.", client, reason)
                return
            window.failures += 1
            window.unlogged += 1

    def _open_window(self, client: str) -> _Window | None:
        window = self._windows.get(client)
        if window is not None and self.clock() - window.started >= self.window_seconds:
            self._close(client, window)
            return None
        return window

    def _close_ended(self) -> None:
        now = self.clock()
        for client, window in list(self._windows.items()):
            if now - window.started >= self.window_seconds:
                self._close(client, window)

    def _close(self, client: str, window: _Window) -> None:
        del self._windows[client]
        if window.unlogged:
            log.warning("%d more failed logins from %s in the last minute.",
                        window.unlogged, client)
