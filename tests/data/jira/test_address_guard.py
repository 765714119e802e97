"""SSRF guard (issue 11 item 6): refused addresses are never connected to.

Only loopback is ever contacted: other addresses come from an injected resolver and
are refused before any socket opens; a silent loopback listener counts connections.
"""

from __future__ import annotations

import socket

import pytest

from configuration.errors import ConfigError
from data.jira import address_guard as guard
from data.jira.client import JiraClient
from data.jira.retry import INTERACTIVE
from tests.data.jira.conftest import settings_for
from tests.data.jira.scripted_server import Reply, ScriptedServer, SilentListener

STRICT = guard.AddressPolicy(allow_private=False)
PRIVATE_OK = guard.AddressPolicy(allow_private=True)


@pytest.mark.parametrize(("address", "kind"), [
    ("169.254.169.254", "forbidden"),  # AWS, GCP, Azure, Oracle metadata
    ("169.254.0.1", "forbidden"),
    ("fe80::1", "forbidden"),
    ("fe80::1%eth0", "forbidden"),
    ("100.100.100.200", "forbidden"),  # Alibaba metadata
    ("fd00:ec2::254", "forbidden"),  # AWS metadata over IPv6
    ("::ffff:169.254.169.254", "forbidden"),
    ("64:ff9b::a9fe:a9fe", "forbidden"),  # NAT64 of 169.254.169.254
    ("0.0.0.0", "forbidden"),
    ("0.1.2.3", "forbidden"),
    ("::", "forbidden"),
    ("224.0.0.1", "forbidden"),
    ("255.255.255.255", "forbidden"),
    ("240.0.0.1", "forbidden"),
    ("127.0.0.1", "private"),
    ("127.1.2.3", "private"),
    ("::1", "private"),
    ("::ffff:127.0.0.1", "private"),
    ("10.0.0.5", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "private"),
    ("fd12:3456::1", "private"),
    ("93.184.216.34", "public"),
    ("2606:4700::1111", "public"),
])
def test_addresses_are_classified(address, kind):
    assert guard.classify(address) == kind


@pytest.mark.parametrize(("env", "expected"), [
    ({}, None),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, STRICT),
    ({"DASH_USERS": "alice:pw"}, STRICT),
    ({"TRUST_PROXY_AUTH": "1"}, STRICT),
    ({"TRUST_PROXY_AUTH": "0"}, None),
    ({"JIRA_ADDRESS_GUARD": "1"}, STRICT),
    ({"REDIS_URL": "redis://x", "JIRA_ALLOW_PRIVATE_ADDRESSES": "1"}, PRIVATE_OK),
    ({"JIRA_ALLOW_PRIVATE_ADDRESSES": "1"}, None),
])
def test_the_guard_is_on_when_others_can_drive_the_dashboard(env, expected):
    assert guard.policy_from_env(env) == expected


class CountingResolver:
    """Answers every lookup with the next address list; counts lookups."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers, self.lookups = list(answers), 0

    def __call__(self, host: str, port: int) -> list[guard.Resolved]:
        addresses = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6,
                 (a, port)) for a in addresses]


def _client(url: str, session) -> JiraClient:
    return JiraClient(settings_for(url, timeout_seconds=0.5), session=session,
                      policy=INTERACTIVE)


@pytest.mark.parametrize("addresses", [
    ["169.254.169.254"], ["fd00:ec2::254"], ["100.100.100.200"], ["fe80::1"],
    ["93.184.216.34", "169.254.169.254"],  # one bad address among good ones is enough
    ["10.0.0.5"], ["127.0.0.1"],
])
def test_a_refused_address_is_refused_before_any_connection(monkeypatch, addresses):
    def no_socket(*args, **kwargs):
        raise AssertionError("a socket was opened")

    resolver = CountingResolver(addresses)
    session = guard.guarded_session(STRICT, resolver)
    monkeypatch.setattr(guard.socket, "socket", no_socket)
    with _client("https://jira.example.test", session) as client, \
            pytest.raises(guard.AddressNotAllowed) as refused:
        client.myself()
    assert refused.value.key == "jira.url"
    assert resolver.lookups == 1


def test_dns_rebinding_between_check_and_connect_is_refused(monkeypatch):
    """The name is public at the first lookup and metadata at the connection's."""
    def no_socket(*args, **kwargs):
        raise AssertionError("a socket was opened")

    resolver = CountingResolver(["93.184.216.34"], ["169.254.169.254"])
    monkeypatch.setattr(guard.socket, "socket", no_socket)
    with _client("http://rebind.example.test", guard.guarded_session(STRICT, resolver)) \
            as client, pytest.raises(guard.AddressNotAllowed, match="metadata"):
        client.myself()
    assert resolver.lookups == 2


def test_the_connection_goes_to_the_address_that_was_checked():
    """A name the resolver maps to a loopback listener reaches exactly that listener."""
    with ScriptedServer([Reply(200, {"displayName": "Checked"})]) as jira:
        port = int(jira.url.rsplit(":", 1)[1])
        resolver = CountingResolver(["127.0.0.1"])
        session = guard.guarded_session(PRIVATE_OK, resolver)
        with _client(f"http://jira.example.test:{port}", session) as client:
            assert client.myself() == {"displayName": "Checked"}
        assert resolver.lookups == 2  # the adapter's check and the connection's
        assert jira.headers[0]["Host"] == f"jira.example.test:{port}"


@pytest.mark.parametrize("host", ["127.0.0.1", "0x7f000001", "2130706433", "0177.0.0.1",
                                  "localhost", "127.1"])
def test_loopback_in_any_spelling_is_refused_without_the_setting(host):
    with SilentListener() as listener:
        port = listener.url.rsplit(":", 1)[1]
        session = guard.guarded_session(STRICT)  # the system resolver
        with _client(f"http://{host}:{port}", session) as client, \
                pytest.raises(guard.AddressNotAllowed, match="JIRA_ALLOW_PRIVATE_ADDRESSES"):
            client.myself()
        assert listener.connections == 0


@pytest.mark.parametrize("open_port", [True, False])
def test_the_message_does_not_tell_an_open_port_from_a_closed_one(open_port):
    with SilentListener() as listener:
        url = listener.url
        if not open_port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        with _client(url, guard.guarded_session(STRICT)) as client, \
                pytest.raises(ConfigError) as refused:
            client.myself()
        assert str(refused.value) == (
            "jira.url: points to a loopback or private network address; a shared dashboard "
            "contacts those only when JIRA_ALLOW_PRIVATE_ADDRESSES=1 is set where it is "
            "started (see docs/security.md).")
        assert listener.connections == 0


def test_the_client_is_guarded_in_team_mode(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.delenv("JIRA_ALLOW_PRIVATE_ADDRESSES", raising=False)
    with SilentListener() as listener, JiraClient(settings_for(listener.url)) as client:
        with pytest.raises(guard.AddressNotAllowed):
            client.myself()
        assert listener.connections == 0
    monkeypatch.setenv("JIRA_ALLOW_PRIVATE_ADDRESSES", "1")
    with ScriptedServer([Reply(200, {"ok": 1})]) as jira, \
            JiraClient(settings_for(jira.url)) as client:
        assert client.myself() == {"ok": 1}
