"""The WSGI guard through Flask's test client: exposure guard, Host, Origin, headers.

The test client has no socket, so the guard goes by ``SERVER_NAME`` (the bound
address, taken from ``base_url``); tests/callbacks/test_http_guard_served.py checks
the same on real sockets under gunicorn.
"""

from __future__ import annotations

import json
import logging

import pytest
from dash import Dash, Input, Output, html

from callbacks.access import protect
from callbacks.http_guard import EXPOSED, content_security_policy
from configuration.access import access_from_env

LOCAL = "http://127.0.0.1:8050"


def _app(env: dict[str, str] | None = None, hosts: frozenset[str] = frozenset()) -> Dash:
    app = Dash(__name__)
    app.layout = html.Div("metrics", id="page")
    app.callback(Output("page", "title"), Input("page", "id"))(lambda _: "titled")
    protect(app, access_from_env(env or {}))
    app.server.wsgi_app.extra = hosts  # what DASH_ALLOWED_HOSTS would give
    return app


@pytest.mark.parametrize(
    ("base_url", "host", "status"),
    [
        (LOCAL, None, 200),
        (LOCAL, "localhost:8050", 200),
        (LOCAL, "[::1]:8050", 200),
        (LOCAL, "attacker.example:8050", 400),  # DNS rebinding
        (LOCAL, "attacker.example", 400),
        (LOCAL, "127.0.0.1:8051", 400),
        ("http://localhost:8050", "localhost:8050", 200),
    ],
)
def test_only_the_bound_names_are_served(base_url: str, host, status: int) -> None:
    client = _app().server.test_client()
    headers = {"Host": host} if host else {}
    answer = client.get("/", base_url=base_url, headers=headers)
    assert answer.status_code == status
    if status == 400:
        assert answer.get_data(as_text=True) == \
            "This dashboard does not answer to that host name.\n"


def test_allowed_hosts_add_names_for_a_proxy_in_front() -> None:
    client = _app(hosts=frozenset({"dash.example.com"})).server.test_client()
    assert client.get("/", base_url=LOCAL, headers={"Host": "dash.example.com"}).status_code \
        == 200
    assert client.get("/", base_url=LOCAL, headers={"Host": "dash.example.org"}).status_code \
        == 400


CALLBACK = {"output": "page.title", "outputs": {"id": "page", "property": "title"},
            "inputs": [{"id": "page", "property": "id", "value": "page"}],
            "changedPropIds": ["page.id"]}


def _post_callback(client, headers: dict[str, str]):
    return client.post("/_dash-update-component", base_url=LOCAL, headers=headers,
                       data=json.dumps(CALLBACK), content_type="application/json")


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 200),  # no browser: curl, scripts
        ({"Origin": LOCAL}, 200),
        ({"Origin": "http://localhost:8050"}, 200),
        ({"Referer": LOCAL + "/settings"}, 200),
        ({"Origin": "http://attacker.example"}, 403),
        ({"Origin": "http://127.0.0.1:9999"}, 403),
        ({"Origin": "null"}, 403),
        ({"Referer": "http://attacker.example/rebind.html"}, 403),
    ],
)
def test_state_changing_requests_from_another_site_are_refused(headers, status: int) -> None:
    answer = _post_callback(_app().server.test_client(), headers)
    assert answer.status_code == status
    if status == 200:
        assert "titled" in answer.get_data(as_text=True)
    else:
        assert answer.get_data(as_text=True) == "Requests from other sites are refused.\n"


def test_foreign_hosts_and_origins_are_logged_once_each(caplog) -> None:
    caplog.set_level(logging.WARNING)
    client = _app().server.test_client()
    for _ in range(50):
        client.get("/", base_url=LOCAL, headers={"Host": "attacker.example"})
        _post_callback(client, {"Origin": "http://attacker.example"})
    messages = [r.getMessage() for r in caplog.records if r.name == "callbacks.http_guard"]
    assert messages == [
        "Refused a request for the host 'attacker.example': add it to DASH_ALLOWED_HOSTS if "
        "the dashboard is meant to answer to it.",
        "Refused a POST from the foreign origin 'http://attacker.example'."]


@pytest.mark.parametrize("base_url", ["http://0.0.0.0:8050", "http://192.168.1.20:8050"])
def test_no_login_means_no_answer_on_an_exposed_address(base_url: str, caplog) -> None:
    caplog.set_level(logging.WARNING)
    client = _app().server.test_client()
    for _ in range(3):
        answer = client.get("/", base_url=base_url)
        assert answer.status_code == 503
        assert answer.get_data(as_text=True) == EXPOSED + "\n"
    assert len([r for r in caplog.records if EXPOSED in r.getMessage()]) == 1
    users = _app({"DASH_USERS": "alice:pw"}, hosts=frozenset({"0.0.0.0", "192.168.1.20"}))
    assert users.server.test_client().get("/", base_url=base_url).status_code == 401


def test_every_answer_carries_the_security_headers() -> None:
    app = _app()
    # A clientside callback declared after the guard is installed (as create_app does):
    # Dash renders its function as an inline script, which the policy must allow.
    app.clientside_callback("function (x) { return x; }", Output("page", "className"),
                            Input("page", "id"))
    assert len(app.csp_hashes()) == 2
    client = app.server.test_client()
    for answer in (client.get("/", base_url=LOCAL),
                   client.get("/", base_url=LOCAL, headers={"Host": "attacker.example"}),
                   client.get("/_dash-layout", base_url=LOCAL)):
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-eval'" not in policy
        for digest in app.csp_hashes():
            assert digest in policy  # Dash's inline renderer script


def test_content_security_policy_allows_inline_scripts_only_by_hash() -> None:
    policy = content_security_policy(["'sha256-abc='"])
    script = next(p for p in policy.split("; ") if p.startswith("script-src"))
    assert script == "script-src 'self' 'sha256-abc='"
