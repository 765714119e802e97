"""The HTTP side of the simulator: one ``BaseHTTPRequestHandler`` per connection.

Order of checks for every request, as a JIRA behind a gateway behaves: count it,
serve an injected fault if one is queued, apply the rate limit, check credentials,
then route. Speaks HTTP/1.1 with keep-alive so a ``requests.Session`` reuses its
connection. Logs method, path and status only: never headers, so never credentials.
"""

from __future__ import annotations

import json
import logging
import math
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from data.simulator.api import Reply, Request, error
from data.simulator.routes import UNAUTHENTICATED, authenticated, dispatch
from data.simulator.traffic import Fault

if TYPE_CHECKING:
    from data.simulator.server import JiraSimulator

LOG = logging.getLogger("data.simulator")
BAD_PAYLOAD = "Invalid request payload. Refer to the REST API documentation and try again."
PROXY_PAGE = (  # what nginx in front of JIRA sends when JIRA is down
    "<html><head><title>{status} {phrase}</title></head><body><center>"
    "<h1>{status} {phrase}</h1></center><hr><center>nginx</center></body></html>"
)


def make_handler(simulator: JiraSimulator) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to ``simulator``."""

    class Handler(_Handler):
        sim = simulator

    return Handler


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` as JIRA sends it: whole seconds, rounded up; fractions kept below 1 s.

    Sub-second values only occur when a test sets ``retry_after_seconds`` (e.g. 0.2) to
    stay fast; they are written as a decimal.
    """
    if seconds >= 1 or seconds <= 0:
        return str(max(0, math.ceil(seconds)))
    return f"{seconds:g}"


class _Handler(BaseHTTPRequestHandler):
    sim: JiraSimulator
    protocol_version = "HTTP/1.1"
    server_version = "JiraSimulator/1.0"
    timeout = 30  # seconds an idle keep-alive connection is kept

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:  # stdlib's signature
        LOG.debug("simulator: " + format, *args)

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        recorder = self.sim.recorder
        recorder.enter(parts.path)
        status, counted = 500, False
        try:
            body = self._read_body()
            try:
                reply = self._answer(method, parts.path, parse_qs(parts.query), body)
            except Exception:  # a simulator bug must still answer, as JIRA's 500 does
                LOG.exception("simulator: %s %s failed", method, parts.path)
                reply = error(500, "Internal server error.")
            status = reply.status
            recorder.answered(status)
            counted = True
            self._send(reply)
        finally:
            if not counted:
                recorder.answered(status)
            recorder.leave()
            LOG.debug("%s %s -> %s", method, parts.path, status)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, method: str, path: str, query: dict[str, list[str]],
                raw_body: bytes) -> Reply:
        if self.sim.delay_seconds > 0:
            time.sleep(self.sim.delay_seconds)
        refused = self._refusal()
        if refused is not None:
            return refused
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            return error(400, BAD_PAYLOAD)
        assert self.sim.api is not None  # set by start() before serving
        return dispatch(self.sim.api, Request(method, path, query, body))

    def _refusal(self) -> Reply | None:
        """A queued fault, a 429 or a 401, in that order; ``None`` lets the request in."""
        fault = self.sim.faults.pop()
        if fault is not None:
            return _fault_reply(fault)
        wait = self.sim.gate.take()
        if wait is not None:
            fixed = self.sim.retry_after_seconds
            header = str(math.ceil(wait)) if fixed is None else retry_after_header(fixed)
            return Reply(429, {"errorMessages": ["Rate limit exceeded."], "errors": {}},
                         headers=(("Retry-After", header),))
        email, token, pat = self.sim.credentials()
        if not authenticated(self.headers.get("Authorization"), email=email, token=token,
                             pat=pat):
            return error(401, UNAUTHENTICATED)
        return None

    def _send(self, reply: Reply) -> None:
        if reply.html is not None:
            data, content_type = reply.html.encode(), "text/html; charset=utf-8"
        else:
            data = json.dumps(reply.payload, separators=(",", ":")).encode()
            content_type = "application/json;charset=UTF-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _fault_reply(fault: Fault) -> Reply:
    headers = () if fault.retry_after is None else (
        ("Retry-After", retry_after_header(fault.retry_after)),)
    if fault.html:
        phrase = HTTPStatus(fault.status).phrase
        return Reply(fault.status, headers=headers,
                     html=PROXY_PAGE.format(status=fault.status, phrase=phrase))
    return Reply(fault.status, {"errorMessages": ["Service Unavailable"], "errors": {}},
                 headers=headers)
