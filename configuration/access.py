"""Who may open the dashboard, and who may change its settings: decided before serving.

Terms:

- *bind host*: the address the server listens on (``--host`` of ``app.py serve``, or
  each ``--bind`` of gunicorn). *Loopback* means ``localhost``, ``127.0.0.0/8`` or
  ``::1``: only people logged into this machine can connect.
- *mode*: ``local`` (loopback only, no login), ``basic`` (HTTP basic auth with the
  users of ``DASH_USERS``, checked by :mod:`callbacks.access`) or ``proxy`` (a reverse
  proxy in front authenticates; declared with ``--behind-auth-proxy`` or
  ``TRUST_PROXY_AUTH=1``).
- *refusal*: bound to any non-loopback address with neither users nor the proxy
  flag, the server must not start; :class:`AccessRefused` carries the one line the
  command line prints before exiting with status 2.
- *role*: ``admin`` (may change the settings) or ``viewer`` (sees every page, the
  Settings page read-only). In ``local`` mode the one local user is an admin. In
  ``basic`` mode the admins are the users marked ``:admin`` in ``DASH_USERS`` plus
  those listed in ``DASH_ADMINS``. In ``proxy`` mode the proxy names the user in the
  header ``DASH_PROXY_USER_HEADER`` and their groups in ``DASH_PROXY_GROUPS_HEADER``
  (comma-separated); the admins are the users of ``DASH_ADMINS`` and the members of
  the groups of ``DASH_ADMIN_GROUPS``. *No admin configured* (none of these name
  anybody) keeps the behaviour of older versions: everyone is an admin, and the
  server logs a warning at start.

``DASH_USERS`` holds ``user:password`` or ``user:password:role`` entries (role
``admin`` or ``viewer``) separated by commas or whitespace
(``alice:s3cret:admin,bob:hunter2``); a password may contain ``:`` but not a comma
or a space, and a password that itself ends in ``:admin`` or ``:viewer`` must be
followed by the entry's role (``carol:pw:admin:viewer`` is a viewer whose password
is ``pw:admin``). Passwords are kept only as salted SHA-256 digests and compared in
constant time, and an unknown user costs the same comparison, so timing reveals
nothing.
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
Role = Literal["admin", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "viewer")
USERS_VARIABLE = "DASH_USERS"
PROXY_VARIABLE = "TRUST_PROXY_AUTH"
ADMINS_VARIABLE = "DASH_ADMINS"
ADMIN_GROUPS_VARIABLE = "DASH_ADMIN_GROUPS"
USER_HEADER_VARIABLE = "DASH_PROXY_USER_HEADER"
GROUPS_HEADER_VARIABLE = "DASH_PROXY_GROUPS_HEADER"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")


class AccessRefused(ConfigError):
    """The server would be reachable from other machines without access control."""


@dataclass(frozen=True)
class AccessPolicy:
    """The decided mode, the users' salted password digests and who is an admin.

    ``user_header`` and ``groups_header`` are only set in ``proxy`` mode: nothing
    else may trust a header to say who the user is.
    """

    mode: AccessMode
    digests: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    salt: bytes = field(default=b"", repr=False)
    admins: frozenset[str] = frozenset()
    admin_groups: frozenset[str] = frozenset()
    user_header: str | None = None
    groups_header: str | None = None

    @property
    def needs_login(self) -> bool:
        return self.mode == "basic"

    @property
    def everyone_admin(self) -> bool:
        """True when nobody can be a viewer (``local``, or no admin configured)."""
        return self.mode == "local" or not (self.admins or self.admin_groups)

    def verify(self, username: str, password: str) -> bool:
        """True when ``username`` is a configured user and ``password`` is theirs."""
        expected = self.digests.get(username)
        given = _digest(self.salt, password)
        # Compare against a dummy digest for unknown users: same time either way.
        matches = hmac.compare_digest(given, expected or _digest(self.salt, "\0unknown"))
        return expected is not None and matches

    def role_of(self, user: str | None, groups: Iterable[str] = ()) -> Role:
        """The role of an authenticated ``user`` (None: the proxy named nobody)."""
        if self.everyone_admin:
            return "admin"
        if user is not None and user in self.admins:
            return "admin"
        return "admin" if self.admin_groups.intersection(groups) else "viewer"


def is_loopback(host: str) -> bool:
    """True for ``localhost``, ``127.0.0.0/8`` and ``::1`` (brackets allowed)."""
    host = host.strip().strip("[]")
    if host.casefold() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere
    # A dual-stack socket shows an IPv4 peer as ::ffff:127.0.0.1.
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


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


def access_from_env(env: Mapping[str, str] | None = None, *,
                    behind_auth_proxy: bool = False) -> AccessPolicy:
    """The policy the environment asks for, whatever the bind address.

    ``local`` when neither users nor the proxy flag are set: whether serving is safe
    then depends on the address, checked by :func:`decide_access` before binding and
    by the exposure guard (:mod:`callbacks.http_guard`) on every request.
    Users in ``DASH_USERS`` always turn the login on (even on loopback, since someone
    asked for it).
    """
    env = os.environ if env is None else env
    admins = frozenset(_names(env.get(ADMINS_VARIABLE, "")))
    users = env.get(USERS_VARIABLE, "").strip()
    if users:
        salt = os.urandom(16)
        digests, marked = parse_users(users, salt)
        unknown = sorted(admins - digests.keys())
        if unknown:
            raise ConfigError(f"{unknown[0]!r} is not a user of {USERS_VARIABLE}.",
                              key=ADMINS_VARIABLE)
        return AccessPolicy("basic", digests, salt, admins=admins | marked)
    if behind_auth_proxy or _flag(env.get(PROXY_VARIABLE, "")):
        return _proxy_policy(env, admins)
    return AccessPolicy("local")


def _proxy_policy(env: Mapping[str, str], admins: frozenset[str]) -> AccessPolicy:
    groups = frozenset(_names(env.get(ADMIN_GROUPS_VARIABLE, "")))
    user_header = _header(env, USER_HEADER_VARIABLE)
    groups_header = _header(env, GROUPS_HEADER_VARIABLE)
    # Admins nobody could be recognised as would silently make everyone a viewer.
    if admins and not user_header:
        raise ConfigError(f"needs {USER_HEADER_VARIABLE}, the header in which the proxy "
                          "names the user.", key=ADMINS_VARIABLE)
    if groups and not groups_header:
        raise ConfigError(f"needs {GROUPS_HEADER_VARIABLE}, the header in which the proxy "
                          "lists the user's groups.", key=ADMIN_GROUPS_VARIABLE)
    return AccessPolicy("proxy", admins=admins, admin_groups=groups,
                        user_header=user_header, groups_header=groups_header)


def decide_access(
    hosts: str | Iterable[str],
    env: Mapping[str, str] | None = None,
    *,
    behind_auth_proxy: bool = False,
) -> AccessPolicy:
    """The policy for serving on ``hosts``; raises :class:`AccessRefused` when unsafe."""
    policy = access_from_env(env, behind_auth_proxy=behind_auth_proxy)
    hosts = [hosts] if isinstance(hosts, str) else list(hosts)
    exposed = [host for host in hosts if not is_loopback(host)]
    if policy.mode != "local" or not exposed:
        return policy
    raise AccessRefused(
        f"Refusing to serve on {exposed[0] or 'all addresses'} without access control: "
        f"set {USERS_VARIABLE}=user:password for a login, or pass --behind-auth-proxy "
        f"({PROXY_VARIABLE}=1) when a proxy in front authenticates users."
    )


def parse_users(text: str, salt: bytes) -> tuple[dict[str, bytes], frozenset[str]]:
    """``DASH_USERS`` as (user -> salted digest, users marked admin).

    The message never echoes a password.
    """
    users: dict[str, bytes] = {}
    admins: set[str] = set()
    for number, entry in enumerate(re.split(r"[,\s]+", text.strip()), start=1):
        name, sep, password = entry.partition(":")
        head, _, last = password.rpartition(":")
        role = last if head and last in ROLES else None
        password = head if role else password
        if not (sep and name and password):
            raise ConfigError(f"entry {number} is not user:password or user:password:role.",
                              key=USERS_VARIABLE)
        if name in users:
            raise ConfigError(f"the user {name!r} is listed twice.", key=USERS_VARIABLE)
        users[name] = _digest(salt, password)
        if role == "admin":
            admins.add(name)
    return users, frozenset(admins)


def _names(text: str) -> list[str]:
    return [name for name in re.split(r"[,\s]+", text.strip()) if name]


def _header(env: Mapping[str, str], variable: str) -> str | None:
    name = env.get(variable, "").strip()
    if name and not _HEADER_NAME.match(name):
        raise ConfigError("must be an HTTP header name such as X-Forwarded-User.",
                          key=variable)
    return name or None


def _flag(value: str) -> bool:
    lowered = value.strip().casefold()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError("must be 1 or 0.", key=PROXY_VARIABLE)


def _digest(salt: bytes, password: str) -> bytes:
    return hashlib.sha256(salt + password.encode()).digest()
