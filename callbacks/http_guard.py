"""Checks every request passes before the dashboard sees it, and the headers every
answer carries: a WSGI middleware around the Flask app, so no server skips it.

Terms (see :mod:`configuration.request_checks` for *site* and *foreign origin*):

- *exposure guard*: with no access control (``local`` mode) a request is served only
  when it arrived on a loopback socket: the address the server is bound to
  (``SERVER_NAME``, which gunicorn and werkzeug set from the listening socket) and
  the local address of the connection (``gunicorn.socket`` / ``werkzeug.socket``)
  are both loopback, or the connection is a Unix socket. Bound to ``0.0.0.0`` the
  server is exposed even to a client that came through ``127.0.0.1``. Otherwise:
  503 with one line, logged once per process. ``gunicorn.conf.py`` and ``app.py
  serve`` refuse such a bind before starting; this guard covers every other way of
  serving ``app:server`` (``gunicorn --chdir ... app:server`` without the conf file).
- *host check*: a ``Host`` that names no host of the site gets 400 (DNS rebinding).
- *origin check*: a state-changing request (not GET, HEAD or OPTIONS) with a
  foreign origin gets 403 (a page elsewhere driving the callbacks).
- *security headers*: ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin`` and a ``Content-Security-Policy`` that allows
  scripts from this server plus Dash's one inline renderer script (by its hash),
  inline styles (plotly and the React components set ``style`` attributes) and
  ``data:`` images and fonts.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any

from configuration.access import AccessPolicy, is_loopback
from configuration.request_checks import SAFE_METHODS, Site, allowed_hosts

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]
MAX_LOGGED_NAMES = 100  # distinct refused hosts / origins logged per process
EXPOSED = ("This dashboard has no login, so it answers only on a loopback address; "
           "set DASH_USERS or TRUST_PROXY_AUTH=1 to serve it on this address.")


def content_security_policy(script_hashes: Iterable[str]) -> str:
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join([
        "default-src 'self'", f"script-src {scripts}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(script_hashes: Iterable[str]) -> list[tuple[str, str]]:
    return [("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("Content-Security-Policy", content_security_policy(script_hashes))]


def connection_address(environ: dict) -> tuple[int, str, int] | None:
    """(family, local address, local port) of the request's socket, if the server says."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if sock is None:
        return None
    if sock.family == socket.AF_UNIX:
        return socket.AF_UNIX, "", 0
    try:
        address = sock.getsockname()
    except OSError:  # already closed: nothing to trust
        return socket.AF_INET, "", 0
    return sock.family, str(address[0]), int(address[1])


def on_loopback(environ: dict) -> bool:
    """True when the request arrived on a loopback (or Unix) socket; see the terms."""
    connection = connection_address(environ)
    if connection is not None:
        family, local, _ = connection
        if family == socket.AF_UNIX:
            return True
        if not is_loopback(local):
            return False
    return is_loopback(str(environ.get("SERVER_NAME", "")))


def site_of(environ: dict, extra: frozenset[str]) -> Site:
    connection = connection_address(environ)
    if connection is not None and connection[0] == socket.AF_UNIX:
        return Site(port=0, bound_host=None, extra=extra)  # gunicorn took SERVER_* from Host
    bound = str(environ.get("SERVER_NAME", ""))
    if connection is None:
        port = str(environ.get("SERVER_PORT", ""))
        return Site(int(port) if port.isdigit() else 0, bound, extra=extra)
    _, local, port = connection
    return Site(port, bound, connected=local.removeprefix("::ffff:"), extra=extra)


class HttpGuard:
    """The WSGI middleware: exposure guard, host and origin checks, headers."""

    def __init__(self, app: WsgiApp, policy: AccessPolicy,
                 script_hashes: Callable[[], Iterable[str]],
                 extra_hosts: frozenset[str] | None = None) -> None:
        self.app, self.policy = app, policy
        self._script_hashes = script_hashes
        self._headers: list[tuple[str, str]] | None = None
        self.extra = allowed_hosts() if extra_hosts is None else extra_hosts
        self._warned_exposed = False
        self._logged: set[str] = set()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        def with_headers(status: str, headers: list, *args: Any) -> Any:
            present = {name.casefold() for name, _ in headers}
            headers += [h for h in self.headers() if h[0].casefold() not in present]
            return start_response(status, headers, *args)

        refusal = self.refusal(environ)
        if refusal is None:
            return self.app(environ, with_headers)
        status, text = refusal
        with_headers(status, [("Content-Type", "text/plain; charset=utf-8"),
                              ("Cache-Control", "no-store")])
        return [text.encode() + b"\n"]

    def headers(self) -> list[tuple[str, str]]:
        # On first use, not at construction: the hashes cover the inline scripts of
        # clientside callbacks, registered after the guard is installed.
        if self._headers is None:
            self._headers = security_headers(self._script_hashes())
        return self._headers

    def refusal(self, environ: dict) -> tuple[str, str] | None:
        """(status, one line) when the request must not be served, else None."""
        if self.policy.mode == "local" and not on_loopback(environ):
            if not self._warned_exposed:
                self._warned_exposed = True
                log.warning("Refused a request on %s: %s", environ.get("SERVER_NAME"), EXPOSED)
            return "503 Service Unavailable", EXPOSED
        site = site_of(environ, self.extra)
        host = str(environ.get("HTTP_HOST", ""))
        if not site.serves(host, str(environ.get("wsgi.url_scheme", "http"))):
            self._log_once(f"host {host}", "Refused a request for the host %r: add it to "
                           "DASH_ALLOWED_HOSTS if the dashboard is meant to answer to it.", host)
            return "400 Bad Request", "This dashboard does not answer to that host name."
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        origin, referer = environ.get("HTTP_ORIGIN"), environ.get("HTTP_REFERER")
        if method not in SAFE_METHODS and not site.same_origin(origin, referer):
            source = origin if origin is not None else referer
            self._log_once(f"origin {source}", "Refused a %s from the foreign origin %r.",
                           method, source)
            return "403 Forbidden", "Requests from other sites are refused."
        return None

    def _log_once(self, key: str, message: str, *args: Any) -> None:
        # Each distinct host or origin once, and a bounded number of them: a flood of
        # forged headers must not flood the log.
        if key in self._logged or len(self._logged) >= MAX_LOGGED_NAMES:
            return
        self._logged.add(key)
        log.warning(message, *args)
