"""The listening socket: a ``ThreadingHTTPServer`` that can drop its open connections.

Stdlib on purpose: no extra dependency, and clients talk real HTTP over a real
socket, so their retry, paging and error handling run exactly as against JIRA.

Terms: a *connection* is one accepted client socket; with HTTP/1.1 keep-alive a
``requests.Session`` holds it open between requests. ``close_connections`` shuts
them all down, so after ``JiraSimulator.stop()`` a client sees JIRA gone (a
connection error), not an orphaned handler thread still answering.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import ThreadingHTTPServer
from typing import Any


class SimulatorHTTPServer(ThreadingHTTPServer):
    """One thread per connection (daemon threads), with the open connections tracked."""

    daemon_threads = True  # idle keep-alive connections must never block stop()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open client connection (their handler threads then end)."""
        with self._connections_lock:
            open_now = list(self._connections)
        for connection in open_now:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)
