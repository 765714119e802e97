"""Which addresses the JIRA client may connect to when others can drive it (SSRF).

Terms:

- *guarded*: the dashboard is reachable by people other than the one running it:
  team mode (``REDIS_URL``), a login (``DASH_USERS``), an authenticating proxy
  (``TRUST_PROXY_AUTH`` or ``--behind-auth-proxy``), or ``JIRA_ADDRESS_GUARD=1``.
  Anyone who may save a JIRA URL could otherwise make the server fetch from the
  cloud metadata service or scan the internal network. Loopback single-user use and
  the command line are not guarded: their user can reach those addresses anyway.
- *forbidden*: link-local (169.254.0.0/16, fe80::/10, where cloud metadata lives),
  the known metadata addresses outside it (100.100.100.200, fd00:ec2::254), and
  addresses that are never a JIRA (unspecified, multicast, broadcast, reserved).
  Never contacted when guarded.
- *private*: loopback, RFC 1918, shared (100.64.0.0/10), unique-local (fc00::/7) and
  the other non-global ranges. Contacted when guarded only if
  ``JIRA_ALLOW_PRIVATE_ADDRESSES=1`` says the JIRA lives there.

How: a requests adapter checks every address the URL's host resolves to before any
connection, then each new connection resolves again, checks, and connects to exactly
the addresses it checked, so DNS rebinding between the two cannot slip through.
Numeric tricks (``0x7f000001``, ``2130706433``, ``0177.0.0.1``) are resolved by the
system resolver like any name, so the check sees the address they really mean. An
IPv4 address inside IPv6 (``::ffff:a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d``) is judged
as the IPv4 address. Through an HTTP(S) proxy only the first check applies (the proxy
resolves the name); see docs/security.md.

Written by hand (no library does this for requests with a connection-time check);
the connection code mirrors ``urllib3.util.connection.create_connection``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from configuration.errors import ConfigError

GUARD_VARIABLE = "JIRA_ADDRESS_GUARD"
ALLOW_PRIVATE_VARIABLE = "JIRA_ALLOW_PRIVATE_ADDRESSES"
# Variables whose presence means other people reach this dashboard.
EXPOSURE_VARIABLES = ("REDIS_URL", "DASH_USERS", "TRUST_PROXY_AUTH", GUARD_VARIABLE)
_TRUE = frozenset({"1", "true", "yes", "on"})
METADATA = frozenset(ipaddress.ip_address(a) for a in ("100.100.100.200", "fd00:ec2::254"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # 0.0.0.0 reaches this very machine
SockAddr = tuple[Any, ...]
# (family, type, proto, sockaddr), as socket.getaddrinfo gives without canonname.
Resolved = tuple[int, int, int, SockAddr]
Resolver = Callable[[str, int], list[Resolved]]


class AddressNotAllowed(ConfigError):
    """The JIRA URL's host resolves to an address this deployment never contacts."""


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool = False


def _on(value: str | None) -> bool:
    return (value or "").strip().casefold() in _TRUE


def policy_from_env(env: Mapping[str, str] | None = None) -> AddressPolicy | None:
    """The policy when guarded (see the module docstring), None when not guarded."""
    env = os.environ if env is None else env
    guarded = any((env.get(v) or "").strip() not in ("", "0") for v in EXPOSURE_VARIABLES)
    return AddressPolicy(_on(env.get(ALLOW_PRIVATE_VARIABLE))) if guarded else None


def _unwrapped(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Any:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def classify(address: str) -> str:
    """``forbidden``, ``private`` or ``public`` (see the module docstring)."""
    ip = _unwrapped(ipaddress.ip_address(address.split("%", 1)[0]))
    if ip.is_loopback:  # before is_reserved, which ::1 (in ::/8) also is
        return "private"
    if (ip in METADATA or ip.is_link_local or ip.is_unspecified or ip.is_multicast
            or ip.is_reserved or ip == ipaddress.IPv4Address("255.255.255.255")
            or (ip.version == 4 and ip in THIS_NETWORK)):
        return "forbidden"
    if ip.is_private or not ip.is_global:
        return "private"
    return "public"


def check_address(address: str, policy: AddressPolicy) -> None:
    """AddressNotAllowed unless ``policy`` lets the client connect to ``address``.

    The message never says whether anything listens there: nothing was contacted.
    """
    kind = classify(address)
    if kind == "forbidden":
        raise AddressNotAllowed(
            "points to a link-local, cloud metadata or other reserved address, which "
            "this dashboard never contacts.", "jira.url")
    if kind == "private" and not policy.allow_private:
        raise AddressNotAllowed(
            "points to a loopback or private network address; a shared dashboard "
            f"contacts those only when {ALLOW_PRIVATE_VARIABLE}=1 is set where it is "
            "started (see docs/security.md).", "jira.url")


def system_resolver(host: str, port: int) -> list[Resolved]:
    return [(family, kind, proto, address) for family, kind, proto, _, address
            in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def checked(host: str, port: int, policy: AddressPolicy,
            resolver: Resolver | None = None) -> list[Resolved]:
    """Every address ``host`` resolves to, each checked; raises on the first refused one.

    ``resolver`` None is :func:`system_resolver` (looked up now, so tests can swap it).
    ``socket.gaierror`` when the name does not resolve.
    """
    found = (resolver or system_resolver)(host.strip("[]"), port)
    for resolved in found:
        check_address(str(resolved[3][0]), policy)
    return found


def _connect(found: list[Resolved], timeout: Any, options: Any) -> socket.socket:
    """A socket connected to the first of ``found`` that answers (the last error else)."""
    error: OSError | None = None
    for family, kind, proto, address in found:
        sock = socket.socket(family, kind, proto)
        try:
            for option in options or ():
                sock.setsockopt(*option)
            if timeout is None or isinstance(timeout, int | float):
                sock.settimeout(timeout)
            sock.connect(address)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError("the host name resolved to no address")


def _guarded_connection(base: type[HTTPConnection], policy: AddressPolicy,
                        resolver: Resolver | None) -> type[HTTPConnection]:
    class GuardedConnection(base):  # type: ignore[misc, valid-type]
        def _new_conn(self) -> socket.socket:
            try:
                found = checked(self._dns_host, self.port, policy, resolver)
            except socket.gaierror as exc:
                raise NameResolutionError(self.host, self, exc) from exc
            try:
                return _connect(found, self.timeout, self.socket_options)
            except TimeoutError as exc:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout="
                    f"{self.timeout})") from exc
            except OSError as exc:
                raise NewConnectionError(
                    self, f"Failed to establish a new connection: {exc}") from exc

    return GuardedConnection


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose direct connections go only where ``policy`` allows."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver | None = None) -> None:
        self._policy, self._resolver = policy, resolver
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http = type("GuardedPool", (HTTPConnectionPool,), {"ConnectionCls": _guarded_connection(
            HTTPConnection, self._policy, self._resolver)})
        https = type("GuardedTLSPool", (HTTPSConnectionPool,), {
            "ConnectionCls": _guarded_connection(HTTPSConnection, self._policy,
                                                 self._resolver)})
        self.poolmanager.pool_classes_by_scheme = {"http": http, "https": https}

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        # Before any connection, to the JIRA or to a proxy: the name must resolve to
        # allowed addresses (the connection checks again what it really connects to).
        parts = urlsplit(request.url or "")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        # A name that does not resolve: the connection reports JIRA as unreachable.
        with contextlib.suppress(socket.gaierror):
            checked(parts.hostname or "", port, self._policy, self._resolver)
        return super().send(request, *args, **kwargs)


def guarded_session(policy: AddressPolicy,
                    resolver: Resolver | None = None) -> requests.Session:
    """A session whose every http(s) request is checked against ``policy``."""
    session = requests.Session()
    adapter = GuardedAdapter(policy, resolver)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def new_session(env: Mapping[str, str] | None = None) -> requests.Session:
    """The JIRA client's session: guarded when others can drive the dashboard."""
    policy = policy_from_env(env)
    return requests.Session() if policy is None else guarded_session(policy)
