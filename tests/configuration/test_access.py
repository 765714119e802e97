"""The access-control policy: who may open the dashboard on which bind address."""

from __future__ import annotations

import pytest

from configuration.access import (
    AccessPolicy,
    AccessRefused,
    access_from_env,
    bind_host,
    decide_access,
    is_loopback,
    parse_users,
)
from configuration.errors import ConfigError


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("", False),
        ("::", False),
        ("192.168.1.20", False),
        ("dashboard.example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("hosts", "env", "proxy_flag", "mode"),
    [
        ("127.0.0.1", {}, False, "local"),
        (["127.0.0.1", "::1"], {}, False, "local"),
        ("0.0.0.0", {"DASH_USERS": "alice:pw"}, False, "basic"),
        ("127.0.0.1", {"DASH_USERS": "alice:pw"}, False, "basic"),
        ("0.0.0.0", {}, True, "proxy"),
        ("0.0.0.0", {"TRUST_PROXY_AUTH": "1"}, False, "proxy"),
        ("10.0.0.5", {"TRUST_PROXY_AUTH": "yes"}, False, "proxy"),
        ("0.0.0.0", {"TRUST_PROXY_AUTH": "1", "DASH_USERS": "a:b"}, False, "basic"),
        ("127.0.0.1", {"TRUST_PROXY_AUTH": "0"}, False, "local"),
    ],
)
def test_decide_access_allows(hosts, env: dict[str, str], proxy_flag: bool, mode: str) -> None:
    assert decide_access(hosts, env, behind_auth_proxy=proxy_flag).mode == mode


@pytest.mark.parametrize(
    ("hosts", "env", "shown"),
    [
        ("0.0.0.0", {}, "0.0.0.0"),
        (["127.0.0.1", "192.168.1.20"], {}, "192.168.1.20"),
        ("", {}, "all addresses"),
        ("0.0.0.0", {"TRUST_PROXY_AUTH": "0", "DASH_USERS": "  "}, "0.0.0.0"),
    ],
)
def test_decide_access_refuses_exposed_hosts_without_control(hosts, env, shown: str) -> None:
    with pytest.raises(AccessRefused) as caught:
        decide_access(hosts, env)
    message = str(caught.value)
    assert f"Refusing to serve on {shown} without access control" in message
    assert "DASH_USERS" in message
    assert "--behind-auth-proxy" in message
    assert "\n" not in message
    assert isinstance(caught.value, ConfigError)  # the CLI exits 2 on every ConfigError


def test_bad_proxy_flag_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="TRUST_PROXY_AUTH: must be 1 or 0"):
        decide_access("0.0.0.0", {"TRUST_PROXY_AUTH": "maybe"})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("alice", "entry 1 is not user:password"),
        ("alice:pw,bob", "entry 2 is not user:password"),
        (":pw", "entry 1 is not user:password"),
        ("alice:", "entry 1 is not user:password"),
        ("alice:pw alice:other", "the user 'alice' is listed twice"),
    ],
)
def test_parse_users_rejects_malformed_entries(text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as caught:
        parse_users(text, b"salt")
    assert "pw" not in str(caught.value).replace("user:password", "")


@pytest.mark.parametrize(
    ("username", "password", "ok"),
    [
        ("alice", "s3cret", True),
        ("bob", "hunter2:with:colons", True),
        ("alice", "hunter2:with:colons", False),
        ("alice", "S3CRET", False),
        ("alice", "", False),
        ("carol", "s3cret", False),
        ("", "", False),
    ],
)
def test_verify_checks_the_pair(username: str, password: str, ok: bool) -> None:
    env = {"DASH_USERS": "alice:s3cret,\n bob:hunter2:with:colons"}
    policy = decide_access("0.0.0.0", env)
    assert policy.verify(username, password) is ok


def test_policy_keeps_only_salted_digests_and_never_prints_them() -> None:
    policy = decide_access("0.0.0.0", {"DASH_USERS": "alice:s3cret"})
    assert policy.needs_login
    assert b"s3cret" not in b"".join(policy.digests.values())
    assert "s3cret" not in repr(policy)
    other = decide_access("0.0.0.0", {"DASH_USERS": "alice:s3cret"})
    assert other.digests["alice"] != policy.digests["alice"]  # a fresh salt per process
    assert AccessPolicy("local").needs_login is False


@pytest.mark.parametrize(
    ("address", "host"),
    [
        ("127.0.0.1:8050", "127.0.0.1"),
        ("0.0.0.0:80", "0.0.0.0"),
        ("[::1]:8050", "::1"),
        ("localhost", "localhost"),
        ("dash.example.com:443", "dash.example.com"),
        ("unix:/run/dashboard.sock", "localhost"),
        ("fd://3", ""),
    ],
)
def test_bind_host(address: str, host: str) -> None:
    assert bind_host(address) == host


@pytest.mark.parametrize(
    ("users", "password_of", "admins"),
    [
        ("alice:pw:admin,bob:pw2", {"alice": "pw", "bob": "pw2"}, {"alice"}),
        ("alice:pw:viewer", {"alice": "pw"}, set()),
        ("alice:pw:x:admin", {"alice": "pw:x"}, {"alice"}),
        ("carol:pw:admin:viewer", {"carol": "pw:admin"}, set()),
        ("dave:admin", {"dave": "admin"}, set()),
        ("erin:pw:other", {"erin": "pw:other"}, set()),
    ],
)
def test_parse_users_reads_roles(users: str, password_of: dict, admins: set) -> None:
    digests, marked = parse_users(users, b"salt")
    assert marked == admins
    policy = AccessPolicy("basic", digests, b"salt", admins=marked)
    for name, password in password_of.items():
        assert policy.verify(name, password), name


@pytest.mark.parametrize(
    ("env", "user", "groups", "role"),
    [
        ({}, None, (), "admin"),  # local mode: the one local user
        ({"DASH_USERS": "alice:pw,bob:pw"}, "bob", (), "admin"),  # nobody marked: all
        ({"DASH_USERS": "alice:pw:admin,bob:pw"}, "alice", (), "admin"),
        ({"DASH_USERS": "alice:pw:admin,bob:pw"}, "bob", (), "viewer"),
        ({"DASH_USERS": "alice:pw,bob:pw", "DASH_ADMINS": "alice"}, "bob", (), "viewer"),
        ({"DASH_USERS": "alice:pw,bob:pw", "DASH_ADMINS": "bob alice"}, "bob", (), "admin"),
        ({"TRUST_PROXY_AUTH": "1"}, None, (), "admin"),  # proxy, no admin configured
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMINS": "alice",
          "DASH_PROXY_USER_HEADER": "X-User"}, "alice", (), "admin"),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMINS": "alice",
          "DASH_PROXY_USER_HEADER": "X-User"}, "bob", ("ops",), "viewer"),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMINS": "alice",
          "DASH_PROXY_USER_HEADER": "X-User"}, None, (), "viewer"),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMIN_GROUPS": "ops,leads",
          "DASH_PROXY_GROUPS_HEADER": "X-Groups"}, "bob", ("dev", "ops"), "admin"),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMIN_GROUPS": "ops",
          "DASH_PROXY_GROUPS_HEADER": "X-Groups"}, "bob", ("dev",), "viewer"),
    ],
)
def test_role_of(env: dict[str, str], user, groups, role: str) -> None:
    assert access_from_env(env).role_of(user, groups) == role


def test_proxy_headers_are_trusted_only_in_proxy_mode() -> None:
    headers = {"DASH_PROXY_USER_HEADER": "X-User", "DASH_PROXY_GROUPS_HEADER": "X-Groups"}
    assert access_from_env({**headers, "TRUST_PROXY_AUTH": "1"}).user_header == "X-User"
    for env in (headers, {**headers, "DASH_USERS": "alice:pw"}):
        policy = access_from_env(env)
        assert (policy.user_header, policy.groups_header) == (None, None)


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"DASH_USERS": "alice:pw", "DASH_ADMINS": "alcie"},
         "DASH_ADMINS: 'alcie' is not a user of DASH_USERS"),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMINS": "alice"},
         "DASH_ADMINS: needs DASH_PROXY_USER_HEADER"),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMIN_GROUPS": "ops"},
         "DASH_ADMIN_GROUPS: needs DASH_PROXY_GROUPS_HEADER"),
        ({"TRUST_PROXY_AUTH": "1", "DASH_PROXY_USER_HEADER": "X User: alice"},
         "DASH_PROXY_USER_HEADER: must be an HTTP header name"),
    ],
)
def test_role_settings_that_could_never_work_are_config_errors(env, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        access_from_env(env)


@pytest.mark.parametrize(("host", "loopback"), [("::ffff:127.0.0.1", True),
                                                ("::ffff:10.0.0.1", False)])
def test_is_loopback_sees_through_ipv4_mapped_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
