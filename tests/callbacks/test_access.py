"""dash-auth basic auth in front of every route when the policy asks for a login."""

from __future__ import annotations

import base64

import pytest
from dash import Dash, html

from callbacks.access import protect
from configuration.access import decide_access


def _app() -> Dash:
    app = Dash(__name__)
    app.layout = html.Div("metrics", id="page")
    return app


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        (_basic("alice", "wrong"), 401),
        (_basic("mallory", "s3cret"), 401),
        (_basic("alice", "s3cret"), 200),
    ],
)
def test_basic_mode_requires_a_configured_user(headers: dict[str, str], status: int) -> None:
    app = protect(_app(), decide_access("0.0.0.0", {"DASH_USERS": "alice:s3cret"}), env={})
    client = app.server.test_client()
    assert client.get("/", headers=headers).status_code == status
    assert client.get("/_dash-layout", headers=headers).status_code == status


@pytest.mark.parametrize("env", [{}, {"TRUST_PROXY_AUTH": "1"}])
def test_local_and_proxy_modes_leave_the_app_open(env: dict[str, str]) -> None:
    hosts = "0.0.0.0" if env else "127.0.0.1"
    app = protect(_app(), decide_access(hosts, env), env={})
    assert app.server.test_client().get("/").status_code == 200
    assert not app.server.secret_key


def test_secret_key_comes_from_the_environment_when_set() -> None:
    policy = decide_access("0.0.0.0", {"DASH_USERS": "alice:s3cret"})
    app = protect(_app(), policy, env={"DASH_SECRET_KEY": "shared-between-workers"})
    assert app.server.secret_key == "shared-between-workers"


def test_secret_key_is_shared_through_the_background_manager(tmp_path) -> None:
    from callbacks.background import background_manager

    policy = decide_access("0.0.0.0", {"DASH_USERS": "alice:s3cret"})
    manager = background_manager(tmp_path, env={})
    first = protect(_app(), policy, env={}, manager=manager)
    second = protect(_app(), policy, env={}, manager=manager)  # another web process
    assert first.server.secret_key
    assert first.server.secret_key == second.server.secret_key
