"""A tiny HTTP server on 127.0.0.1 that plays back scripted answers, for the cases
the JIRA simulator has no reason to produce (a proxy's HTML page, a slow answer).

Terms:

- *reply*: ``Reply(status, body, headers, delay, hold)``; ``body`` is bytes or a
  JSON-able object. ``hold``, an event, keeps the answer back until the test sets it
  (a server that answers only after the client gave up, whatever the machine's load).
  Replies are served in order; the last one repeats.
- *hit*: ``(monotonic time, method, path)`` of every request received; ``headers``
  holds each request's headers, in the same order.
- *silent listener*: :class:`SilentListener`, a socket that accepts connections and
  never answers (a hung JIRA); it counts the connections.

Both servers here share :class:`_LocalServer`: a threaded HTTP server on a free port
of 127.0.0.1, started and stopped as a context manager.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hold: threading.Event | None = None


class _LocalServer:
    """A threaded HTTP server on a free port of 127.0.0.1; subclasses give ``_handler``."""

    def __init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


class ScriptedServer(_LocalServer):
    """Context manager: ``with ScriptedServer([Reply(...)]) as server: server.url``."""

    def __init__(self, replies: list[Reply]) -> None:
        self._replies = list(replies)
        self.hits: list[tuple[float, str, str]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        super().__init__()

    def _next(self, method: str, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.hits.append((time.monotonic(), method, path))
            self.headers.append(headers)
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                reply = server._next(self.command, self.path, dict(self.headers.items()))
                time.sleep(reply.delay)
                if reply.hold is not None:
                    reply.hold.wait(timeout=60)
                raw = reply.body if isinstance(reply.body, bytes) else json.dumps(
                    reply.body).encode()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                # The client may have timed out and gone away: that is the point.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(raw)

            do_GET = do_POST = _serve  # noqa: N815 - http.server's naming

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the default stderr log."""

        return Handler


class BlockingProxy(_LocalServer):
    """A forwarding proxy to ``target`` that answers 404 on ``blocked`` paths, to play
    an older JIRA that lacks an endpoint. ``blocked`` counts the requests refused."""

    def __init__(self, target: str, blocked_paths: set[str]) -> None:
        self.blocked = 0
        self._target = urlsplit(target)
        self._paths = frozenset(blocked_paths)
        super().__init__()

    def _forward(self, method: str, path: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        if urlsplit(path).path in self._paths:
            self.blocked += 1
            return 404, [("Content-Type", "application/json")], json.dumps(
                {"errorMessages": ["Not found"], "errors": {}}).encode()
        connection = http.client.HTTPConnection(self._target.hostname, self._target.port,
                                                timeout=10)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                wanted = {k: v for k, v in self.headers.items()
                          if k.lower() in {"authorization", "content-type", "accept"}}
                status, headers, raw = proxy._forward(self.command, self.path, wanted, body)
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in {"content-length", "connection", "server", "date"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _serve  # noqa: N815 - http.server's naming

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the default stderr log."""

        return Handler


class SilentListener:
    """A 127.0.0.1 socket that accepts connections and never answers; counts them.

    ``connections`` is exact whatever the machine's load: the client's connection is
    complete in the kernel before this thread accepts it, so a plain counter read
    right after the client gave up could still miss it. Reading ``connections``
    first connects a probe and waits until the probe itself is accepted: accept()
    takes the backlog in arrival order, so every earlier connection has been counted
    by then (the probe is not).
    """

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._peers: list[tuple[str, int]] = []
        self._changed = threading.Condition()
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                conn, peer = self._socket.accept()
            except OSError:  # closed by __exit__
                return
            self._open.append(conn)  # kept open, never read nor answered
            with self._changed:
                self._peers.append(peer[:2])
                self._changed.notify_all()

    @property
    def connections(self) -> int:
        """Connections made so far by others (see the class doc), waiting at most 30 s."""
        with socket.create_connection(self._socket.getsockname()[:2], timeout=30) as probe:
            me = probe.getsockname()[:2]
            with self._changed:
                if not self._changed.wait_for(lambda: me in self._peers, timeout=30):
                    raise AssertionError("the listener did not accept its probe")
                count = self._peers.index(me)
                self._peers.remove(me)
                return count

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone may not.
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        self._thread.join()
        for conn in self._open:
            conn.close()
