"""Checks on a request's own headers, before anyone is logged in: pure functions.

Terms:

- *netloc*: ``host[:port]`` as in a ``Host`` header or a URL (``[::1]:8050``).
- *site*: the names this server answers to for one connection (:class:`Site`):
  ``127.0.0.1``, ``localhost`` and ``[::1]`` when it is bound to loopback or to
  all addresses, the bound name when it is bound to one, and the IP address the
  client actually connected to, all on the listening port; plus the names of
  ``DASH_ALLOWED_HOSTS``. A *DNS rebinding* attack points a name of the
  attacker's at this machine, so the browser sends that name as ``Host``: an IP
  literal the client connected to, or a loopback name, cannot be such a name.
- *foreign origin*: the ``Origin`` of a state-changing request (or its
  ``Referer`` when there is no ``Origin``, as OWASP advises) names no host of the
  site. A request with neither header is no cross-site browser request: browsers
  send ``Origin`` on every POST, so it is allowed (``curl``, tests).
- *basic credentials*: the ``Authorization: Basic base64(user:password)`` header of
  RFC 7617; the scheme is case-insensitive (RFC 7235), the pair UTF-8.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from configuration.access import is_loopback

ALLOWED_HOSTS_VARIABLE = "DASH_ALLOWED_HOSTS"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
DEFAULT_PORTS = {"http": 80, "https": 443}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BadCredentials(ValueError):
    """An ``Authorization`` header that holds no usable user and password."""


def parse_basic(header: str) -> tuple[str, str]:
    """(user, password) of a basic ``Authorization`` header; :class:`BadCredentials` else.

    The reason in the exception is safe to log: it never contains the credentials.
    """
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.casefold() != "basic":
        raise BadCredentials("not the Basic scheme")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadCredentials("not base64") from None
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise BadCredentials("not UTF-8") from None
    user, colon, password = text.partition(":")
    if not colon:
        raise BadCredentials("no colon between user and password")
    return user, password


def split_netloc(netloc: str, default_port: int) -> tuple[str, int] | None:
    """(host, port) of ``host[:port]``, host lower-cased without brackets; None if bad."""
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^\[\]:/@\s]+)(?::(\d{1,5}))?", netloc.strip())
    if not match:
        return None
    host = match.group(1).strip("[]").rstrip(".").casefold()
    port = int(match.group(2)) if match.group(2) else default_port
    return (host, port) if host and port <= 65535 else None


def allowed_hosts(env: Mapping[str, str] | None = None) -> frozenset[str]:
    """``DASH_ALLOWED_HOSTS`` (comma or space separated ``host`` or ``host:port``).

    A name without a port matches that name on any port (a proxy in front usually
    serves it on 443 while the dashboard listens on another port).
    """
    env = os.environ if env is None else env
    names = re.split(r"[,\s]+", env.get(ALLOWED_HOSTS_VARIABLE, "").strip())
    return frozenset(name.casefold().rstrip(".") for name in names if name)


@dataclass(frozen=True)
class Site:
    """The names one connection may use (see the module's terms).

    ``bound_host`` is the address the server listens on (None: a Unix socket, whose
    clients are the proxies in front), ``connected`` the address the client reached.
    """

    port: int
    bound_host: str | None
    connected: str | None = None
    extra: frozenset[str] = frozenset()

    def names(self) -> frozenset[str]:
        bound = (self.bound_host or "").strip("[]").casefold()
        names = {self.connected.casefold()} if self.connected else set()
        if self.bound_host is not None and (bound in WILDCARDS or is_loopback(bound)):
            names |= LOOPBACK_NAMES
        if self.bound_host is not None and bound not in WILDCARDS:
            names.add(bound)
        return frozenset(names)

    def serves(self, netloc: str, scheme: str = "http") -> bool:
        """True when ``netloc`` (a ``Host`` header, or an origin's) names this site."""
        parsed = split_netloc(netloc, DEFAULT_PORTS.get(scheme, 80))
        if parsed is None:
            return False
        host, port = parsed
        shown = f"[{host}]" if _is_ipv6(host) else host
        if host in self.extra or f"{shown}:{port}" in self.extra:
            return True
        return self.bound_host is not None and port == self.port and host in self.names()

    def same_origin(self, origin: str | None, referer: str | None) -> bool:
        """False when the request's ``Origin`` (else ``Referer``) is foreign."""
        source = origin if origin is not None else referer
        if source is None:
            return True  # no browser sent this cross-site (see the module's terms)
        parts = urlsplit(source.strip())
        if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
            return False  # "null" (sandboxed frames, file: pages) is foreign too
        return self.serves(parts.netloc, parts.scheme)


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False
