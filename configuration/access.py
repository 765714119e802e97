"""Who may open the dashboard: the access-control policy, decided before serving.

Terms:

- *bind host*: the address the server listens on (``--host`` of ``app.py serve``, or
  each ``--bind`` of gunicorn). *Loopback* means ``localhost``, ``127.0.0.0/8`` or
  ``::1``: only people logged into this machine can connect.
- *mode*: ``local`` (loopback only, no login), ``basic`` (HTTP basic auth with the
  users of ``DASH_USERS``, applied by dash-auth) or ``proxy`` (a reverse proxy in
  front authenticates; declared with ``--behind-auth-proxy`` or ``TRUST_PROXY_AUTH=1``).
- *refusal*: bound to any non-loopback address with neither users nor the proxy
  flag, the server must not start; :class:`AccessRefused` carries the one line the
  command line prints before exiting with status 2.

``DASH_USERS`` holds ``user:password`` pairs separated by commas or whitespace
(``alice:s3cret,bob:hunter2``); a password may contain ``:`` but not a comma or a
space. Passwords are kept only as salted SHA-256 digests and compared in constant
time, and an unknown user costs the same comparison, so timing reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from configuration.errors import ConfigError

AccessMode = Literal["local", "basic", "proxy"]
USERS_VARIABLE = "DASH_USERS"
PROXY_VARIABLE = "TRUST_PROXY_AUTH"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


class AccessRefused(ConfigError):
    """The server would be reachable from other machines without access control."""


@dataclass(frozen=True)
class AccessPolicy:
    """The decided mode and, for ``basic``, the users' salted password digests."""

    mode: AccessMode
    digests: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    salt: bytes = field(default=b"", repr=False)

    @property
    def needs_login(self) -> bool:
        return self.mode == "basic"

    def verify(self, username: str, password: str) -> bool:
        """True when ``username`` is a configured user and ``password`` is theirs."""
        expected = self.digests.get(username)
        given = _digest(self.salt, password)
        # Compare against a dummy digest for unknown users: same time either way.
        matches = hmac.compare_digest(given, expected or _digest(self.salt, "\0unknown"))
        return expected is not None and matches


def is_loopback(host: str) -> bool:
    """True for ``localhost``, ``127.0.0.0/8`` and ``::1`` (brackets allowed)."""
    host = host.strip().strip("[]")
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def bind_host(address: str) -> str:
    """The host of a gunicorn ``--bind`` value (``HOST``, ``HOST:PORT``, ``[V6]:PORT``).

    A Unix socket (``unix:PATH``) is reachable only from this machine, like loopback;
    an inherited descriptor (``fd://N``) could be anything, so it counts as exposed.
    """
    address = address.strip()
    if address.startswith("unix:"):
        return "localhost"
    if address.startswith("fd://"):
        return ""
    if address.startswith("["):
        return address[1 : address.find("]")]
    host, _, port = address.rpartition(":")
    return host if port.isdigit() else address


def decide_access(
    hosts: str | Iterable[str],
    env: Mapping[str, str] | None = None,
    *,
    behind_auth_proxy: bool = False,
) -> AccessPolicy:
    """The policy for serving on ``hosts``; raises :class:`AccessRefused` when unsafe.

    Users in ``DASH_USERS`` always turn the login on (even on loopback, since someone
    asked for it); otherwise the proxy flag, then a loopback-only bind, allow serving.
    """
    env = os.environ if env is None else env
    hosts = [hosts] if isinstance(hosts, str) else list(hosts)
    users = env.get(USERS_VARIABLE, "").strip()
    if users:
        salt = os.urandom(16)
        return AccessPolicy("basic", parse_users(users, salt), salt)
    if behind_auth_proxy or _flag(env.get(PROXY_VARIABLE, "")):
        return AccessPolicy("proxy")
    exposed = [host for host in hosts if not is_loopback(host)]
    if not exposed:
        return AccessPolicy("local")
    raise AccessRefused(
        f"Refusing to serve on {exposed[0] or 'all addresses'} without access control: "
        f"set {USERS_VARIABLE}=user:password for a login, or pass --behind-auth-proxy "
        f"({PROXY_VARIABLE}=1) when a proxy in front authenticates users."
    )


def parse_users(text: str, salt: bytes) -> dict[str, bytes]:
    """``DASH_USERS`` as user -> salted digest; the message never echoes a password."""
    users: dict[str, bytes] = {}
    for number, pair in enumerate(re.split(r"[,\s]+", text.strip()), start=1):
        name, sep, password = pair.partition(":")
        if not (sep and name and password):
            raise ConfigError(f"entry {number} is not user:password.", key=USERS_VARIABLE)
        if name in users:
            raise ConfigError(f"the user {name!r} is listed twice.", key=USERS_VARIABLE)
        users[name] = _digest(salt, password)
    return users


def _flag(value: str) -> bool:
    lowered = value.strip().casefold()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError("must be 1 or 0.", key=PROXY_VARIABLE)


def _digest(salt: bytes, password: str) -> bytes:
    return hashlib.sha256(salt + password.encode()).digest()
