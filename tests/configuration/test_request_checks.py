"""Checks on a request's own headers: basic credentials, Host and Origin (DNS rebinding)."""

from __future__ import annotations

import base64

import pytest

from configuration.request_checks import BadCredentials, Site, allowed_hosts, parse_basic


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("header", "pair"),
    [
        (f"Basic {_b64(b'alice:s3cret')}", ("alice", "s3cret")),
        (f"basic {_b64(b'alice:s3cret')}", ("alice", "s3cret")),  # RFC 7235: any case
        (f"BASIC  {_b64(b'bob:pw:with:colons')}", ("bob", "pw:with:colons")),
        (f"Basic {_b64('zoë:pässword'.encode())}", ("zoë", "pässword")),
        (f"Basic {_b64(b':')}", ("", "")),
    ],
)
def test_parse_basic_reads_the_pair(header: str, pair: tuple[str, str]) -> None:
    assert parse_basic(header) == pair


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer x", "not the Basic scheme"),
        ("Basic", "no colon"),
        ("Basic !!!notbase64", "not base64"),
        ("Basic YWxpY2U", "not base64"),  # padding missing
        (f"Basic {_b64(b'alice')}", "no colon"),
        (f"Basic {_b64(bytes([0xff, 0xfe, 0x3a, 0x41]))}", "not UTF-8"),
        ("", "not the Basic scheme"),
    ],
)
def test_parse_basic_names_what_is_wrong_without_the_secret(header: str, reason: str) -> None:
    with pytest.raises(BadCredentials, match=reason) as caught:
        parse_basic(header)
    assert "alice" not in str(caught.value)


LOOPBACK = Site(8050, "127.0.0.1", connected="127.0.0.1")
WILDCARD = Site(8050, "0.0.0.0", connected="192.168.1.20")
NAMED = Site(8050, "dash.example.com", connected="192.168.1.20")
BEHIND_PROXY = Site(8050, "127.0.0.1", connected="127.0.0.1",
                    extra=frozenset({"dash.example.com", "other.example.com:8443"}))
UNIX = Site(0, None, extra=frozenset({"dash.example.com"}))


@pytest.mark.parametrize(
    ("site", "host", "served"),
    [
        (LOOPBACK, "127.0.0.1:8050", True),
        (LOOPBACK, "localhost:8050", True),
        (LOOPBACK, "LOCALHOST:8050", True),
        (LOOPBACK, "[::1]:8050", True),
        (LOOPBACK, "attacker.example:8050", False),  # DNS rebinding
        (LOOPBACK, "attacker.example", False),
        (LOOPBACK, "localhost:9999", False),
        (LOOPBACK, "localhost", False),  # port 80
        (LOOPBACK, "", False),
        (LOOPBACK, "127.0.0.1:8050:1", False),
        (LOOPBACK, "user@127.0.0.1:8050", False),
        (Site(8050, "127.0.0.2", connected="127.0.0.2"), "127.0.0.2:8050", True),
        (WILDCARD, "192.168.1.20:8050", True),  # the IP the client connected to
        (WILDCARD, "127.0.0.1:8050", True),
        (WILDCARD, "192.168.1.21:8050", False),
        (WILDCARD, "dash.example.com:8050", False),  # a name must be listed
        (NAMED, "dash.example.com:8050", True),
        (NAMED, "dash.example.com.:8050", True),
        (NAMED, "localhost:8050", False),
        (BEHIND_PROXY, "dash.example.com", True),  # listed without port: any port
        (BEHIND_PROXY, "dash.example.com:443", True),
        (BEHIND_PROXY, "other.example.com:8443", True),
        (BEHIND_PROXY, "other.example.com", False),  # listed with a port: that port
        (BEHIND_PROXY, "evil.example.com", False),
        (UNIX, "dash.example.com", True),
        (UNIX, "localhost", False),
    ],
)
def test_site_serves_only_its_names(site: Site, host: str, served: bool) -> None:
    assert site.serves(host) is served


@pytest.mark.parametrize(
    ("origin", "referer", "same"),
    [
        (None, None, True),  # no browser sent it cross-site
        ("http://127.0.0.1:8050", None, True),
        ("http://localhost:8050", "http://attacker.example/", True),  # Origin wins
        ("http://attacker.example:8050", None, False),
        ("http://127.0.0.1:9000", None, False),  # another local port is another site
        ("null", None, False),
        ("file://", None, False),
        (None, "http://127.0.0.1:8050/settings", True),
        (None, "http://attacker.example/page", False),
        ("https://127.0.0.1", None, False),
    ],
)
def test_same_origin(origin, referer, same: bool) -> None:
    assert LOOPBACK.same_origin(origin, referer) is same


def test_same_origin_behind_a_tls_proxy() -> None:
    assert BEHIND_PROXY.same_origin("https://dash.example.com", None)
    assert not BEHIND_PROXY.same_origin("https://dash.example.com.evil.example", None)


def test_allowed_hosts_reads_the_variable() -> None:
    env = {"DASH_ALLOWED_HOSTS": " Dash.Example.com, other.example.com:8443\nthird."}
    assert allowed_hosts(env) == {"dash.example.com", "other.example.com:8443", "third"}
    assert allowed_hosts({}) == frozenset()
