"""A JIRA stand-in on 127.0.0.1 that holds every request until the test releases it.

It lets a browser test look at the page *while* a request to JIRA is pending, for as
long as it needs, without depending on a timeout: after :meth:`HeldJira.release`
every request (held or new) is answered ``401`` (credentials rejected).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HeldJira:
    def __init__(self) -> None:
        self.released = threading.Event()
        self.arrived = threading.Event()
        held = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                held.arrived.set()
                held.released.wait()
                body = b'{"errorMessages": ["Unauthorized"]}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 (http.server's naming)

            def log_message(self, *_args) -> None:  # keep the test output quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HeldJira:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def release(self) -> None:
        self.released.set()
