"""Login, failed-login limit and roles, through Flask's test client.

The login and the limit are checked on a one-page Dash app; the settings gate on the
real dashboard (demo mode), whose callbacks a viewer posts directly.
"""

from __future__ import annotations

import base64
import json
import logging

import pytest
from dash import Dash, html

from callbacks.access import VIEWER_REFUSED, admin_only, protect
from callbacks.app_factory import create_app
from configuration.access import access_from_env, decide_access
from configuration.logging_config import setup_logging, shutdown_logging
from configuration.login_throttle import FailedLogins
from data.simulator.demo_settings import DEMO_TOKEN
from tests.callbacks.dash_requests import callback_request, route_request
from ui import ids

USERS = {"DASH_USERS": "alice:s3cret:admin,bob:hunter2"}


def _app() -> Dash:
    app = Dash(__name__)
    app.layout = html.Div("metrics", id="page")
    return app


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        (_basic("alice", "wrong"), 401),
        (_basic("mallory", "s3cret"), 401),
        (_basic("alice", "s3cret"), 200),
        ({"Authorization": _basic("bob", "hunter2")["Authorization"].lower()[:6]
          + _basic("bob", "hunter2")["Authorization"][6:]}, 200),  # "basic": any case
    ],
)
def test_basic_mode_requires_a_configured_user(headers: dict[str, str], status: int) -> None:
    app = protect(_app(), decide_access("0.0.0.0", USERS))
    client = app.server.test_client()
    assert client.get("/", headers=headers).status_code == status
    assert client.get("/_dash-layout", headers=headers).status_code == status


MALFORMED = {
    "another scheme": "Bearer x",
    "lowercase basic, bad pair": "basic " + base64.b64encode(b"alice:nope").decode(),
    "bad base64": "Basic ###",
    "no colon": "Basic " + base64.b64encode(b"alice").decode(),
    "not UTF-8": "Basic " + base64.b64encode(b"\xff\xfe:\xfa").decode(),
}


@pytest.mark.parametrize("header", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_authorization_header_is_a_401_with_one_warning(header: str,
                                                                    tmp_path) -> None:
    setup_logging(tmp_path, console_level=None)
    try:
        app = protect(_app(), decide_access("0.0.0.0", USERS))
        client = app.server.test_client()
        for path in ("/", "/_dash-layout", "/_dash-update-component"):
            answer = client.get(path, headers={"Authorization": header})
            assert answer.status_code == 401
            assert answer.headers["WWW-Authenticate"].startswith("Basic ")
    finally:
        shutdown_logging()
    assert not (tmp_path / "errors.log").read_text()
    lines = [json.loads(line) for line in (tmp_path / "app.log").read_text().splitlines()]
    failed = [line for line in lines if "failed" in line["message"].lower()]
    assert len(failed) == 1, lines
    assert failed[0]["level"] == "WARNING"
    assert "exception" not in failed[0]
    assert "alice" not in failed[0]["message"]


def test_failed_logins_are_limited_per_client(caplog) -> None:
    caplog.set_level(logging.WARNING)
    clock = Clock()
    app = protect(_app(), decide_access("0.0.0.0", USERS),
                  throttle=FailedLogins(limit=10, window_seconds=60, clock=clock))
    client = app.server.test_client()
    attacker = {"REMOTE_ADDR": "10.0.0.9"}
    for _ in range(10):
        answer = client.get("/", headers=_basic("alice", "guess"), environ_base=attacker)
        assert answer.status_code == 401
    # The limit is reached: even the right password is not checked any more.
    refused = client.get("/", headers=_basic("alice", "s3cret"), environ_base=attacker)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    other = client.get("/", headers=_basic("alice", "s3cret"),
                       environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 200
    clock.now += 61
    assert client.get("/", headers=_basic("alice", "s3cret"),
                      environ_base=attacker).status_code == 200
    logged = [r.getMessage() for r in caplog.records if "10.0.0.9" in r.getMessage()]
    assert len(logged) == 2  # the first failure, then one summary of the window
    assert logged[1] == "10 more failed logins from 10.0.0.9 in the last minute."


def test_local_and_proxy_modes_need_no_login() -> None:
    for hosts, env in (("127.0.0.1", {}), ("0.0.0.0", {"TRUST_PROXY_AUTH": "1"})):
        app = protect(_app(), decide_access(hosts, env))
        assert app.server.test_client().get("/").status_code == 200


# --- the settings gate on the real dashboard --------------------------------------

@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    app = create_app(tmp / "settings.json", cache_dir=tmp / "cache", start_up=False,
                     access=access_from_env(USERS))
    yield app
    app.server.config["DASHBOARD_RUNTIME"].close()


def _dependencies(client, who: dict[str, str]) -> list[dict]:
    answer = client.get("/_dash-dependencies", headers=who)
    assert answer.status_code == 200
    return answer.get_json()


def _form_values(runtime) -> dict[str, object]:
    raw = runtime.public_settings()
    values: dict[str, object] = {}
    for key, component in ids.SETTINGS_INPUTS.items():
        node = raw
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        values[f"{component}.value"] = node
    return values


def _post(client, body: dict, who: dict[str, str]):
    return client.post("/_dash-update-component", data=json.dumps(body),
                       content_type="application/json", headers=who)


def test_a_viewer_cannot_run_any_settings_callback(dashboard) -> None:
    client = dashboard.server.test_client()
    runtime = dashboard.server.config["DASHBOARD_RUNTIME"]
    viewer = _basic("bob", "hunter2")
    buttons = {ids.SETTINGS_TEST_BUTTON, ids.SETTINGS_VALIDATE_BUTTON,
               ids.SETTINGS_LOAD_BUTTON, ids.SETTINGS_SAVE_BUTTON}
    values = {**_form_values(runtime), **{f"{b}.n_clicks": 1 for b in buttons},
              f"{ids.SETTINGS_INPUTS['jira.url']}.value": "http://127.0.0.1:9/"}
    gated = [d for d in _dependencies(client, viewer)
             if {i["id"] for i in d["inputs"]} & buttons]
    assert len(gated) == 4  # Test connection, Validate, load from JIRA, Save
    for dependency in gated:
        assert admin_only(dashboard.callback_map, dependency["output"])
        answer = _post(client, callback_request(dependency, values), viewer)
        assert answer.status_code == 403
        assert answer.get_data(as_text=True).strip() == VIEWER_REFUSED
    assert not runtime.settings_path.exists()  # nothing was saved


def test_an_admin_runs_them_and_a_viewer_still_sees_every_page(dashboard) -> None:
    client = dashboard.server.test_client()
    runtime = dashboard.server.config["DASHBOARD_RUNTIME"]
    admin = _basic("alice", "s3cret")
    test_button = next(d for d in _dependencies(client, admin)
                       if d["output"] == f"{ids.SETTINGS_TEST_RESULT}.children")
    body = callback_request(test_button, {**_form_values(runtime),
                                          f"{ids.SETTINGS_TEST_BUTTON}.n_clicks": 1})
    answer = _post(client, body, admin)
    assert answer.status_code == 200
    assert "Connected" in answer.get_data(as_text=True)
    viewer = _basic("bob", "hunter2")
    settings_page = _post(client, route_request("/settings"), viewer).get_data(as_text=True)
    assert "You are signed in as bob, a viewer" in settings_page
    assert ids.SETTINGS_SAVE_BUTTON not in settings_page
    assert ids.SETTINGS_TEST_BUTTON not in settings_page
    assert '"disabled":true' in settings_page.replace(" ", "")
    assert DEMO_TOKEN not in settings_page
    admin_page = _post(client, route_request("/settings"), admin).get_data(as_text=True)
    assert ids.SETTINGS_SAVE_BUTTON in admin_page
    assert "a viewer" not in admin_page
    assert _post(client, route_request("/flow"), viewer).status_code == 200


def test_refresh_and_cancel_stay_open_to_viewers(dashboard) -> None:
    client = dashboard.server.test_client()
    fetching = [d for d in _dependencies(client, _basic("bob", "hunter2"))
                if {i["id"] for i in d["inputs"]} & {ids.REFRESH_BUTTON, ids.FULL_REFRESH_BUTTON}]
    assert fetching
    assert not [d["output"] for d in fetching
                if admin_only(dashboard.callback_map, d["output"])]


@pytest.mark.parametrize(
    ("env", "headers", "read_only"),
    [
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMINS": "alice", "DASH_PROXY_USER_HEADER": "X-User"},
         {"X-User": "bob"}, True),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMINS": "alice", "DASH_PROXY_USER_HEADER": "X-User"},
         {"X-User": "alice"}, False),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMIN_GROUPS": "ops",
          "DASH_PROXY_GROUPS_HEADER": "X-Groups"}, {"X-Groups": "dev, ops"}, False),
        ({"TRUST_PROXY_AUTH": "1", "DASH_ADMIN_GROUPS": "ops",
          "DASH_PROXY_GROUPS_HEADER": "X-Groups"}, {"X-Groups": "dev"}, True),
        # Without the proxy mode, nobody may claim a user by a header.
        ({"DASH_USERS": "alice:pw:admin,bob:pw2", "DASH_PROXY_USER_HEADER": "X-User"},
         {"X-User": "alice", **_basic("bob", "pw2")}, True),
    ],
)
def test_roles_behind_an_auth_proxy(env, headers, read_only: bool, tmp_path) -> None:
    app = create_app(tmp_path / "settings.json", cache_dir=tmp_path / "cache",
                     start_up=False, access=access_from_env(env))
    try:
        client = app.server.test_client()
        page = _post(client, route_request("/settings"), headers).get_data(as_text=True)
        assert ("a viewer" in page) is read_only
        assert (ids.SETTINGS_SAVE_BUTTON in page) is not read_only
    finally:
        app.server.config["DASHBOARD_RUNTIME"].close()


def test_the_gate_follows_the_buttons_not_the_components(dashboard) -> None:
    callbacks = dashboard.callback_map
    gated = {key for key in callbacks if admin_only(callbacks, key)}
    assert len(gated) == 5  # Test connection, Validate, load from JIRA, Save, profile editor
    for key in gated:
        assert {i["id"] for i in callbacks[key]["inputs"]} & ids.ADMIN_BUTTONS
    # How a fetch started by a save ended is shown in the Save result, to anyone.
    shown = [key for key in callbacks if key.startswith(f"{ids.SETTINGS_SAVE_RESULT}.")]
    assert shown
    assert not [key for key in shown if key in gated]
    assert admin_only(callbacks, "no-such-component.children")


def test_a_viewer_may_run_the_callbacks_that_only_show_things(dashboard) -> None:
    client = dashboard.server.test_client()
    viewer = _basic("bob", "hunter2")
    shown = next(d for d in _dependencies(client, viewer)
                 if d["output"].startswith(f"{ids.SETTINGS_SAVE_RESULT}.children@"))
    answer = _post(client, callback_request(shown, {}), viewer)
    assert answer.status_code == 204  # nothing to update (not saved): not refused
    assert _post(client, {"output": "no-such-component.children"}, viewer).status_code == 403


def test_a_viewer_cannot_edit_profiles(dashboard) -> None:
    client = dashboard.server.test_client()
    runtime = dashboard.server.config["DASHBOARD_RUNTIME"]
    editor = [d for d in _dependencies(client, _basic("alice", "s3cret"))
              if {i["id"] for i in d["inputs"]} & ids.PROFILE_EDIT_BUTTONS]
    assert len(editor) == 1
    values = {f"{ids.PROFILE_EDIT_NEW}.n_clicks": 1, f"{ids.PROFILE_EDIT_NAME}.value": "web"}
    body = callback_request(editor[0], values)
    body["changedPropIds"] = [f"{ids.PROFILE_EDIT_NEW}.n_clicks"]
    refused = _post(client, body, _basic("bob", "hunter2"))
    assert refused.status_code == 403
    assert "web" not in runtime.settings.profiles
    viewer_page = _post(client, route_request("/settings"), _basic("bob", "hunter2"))
    assert ids.PROFILE_EDIT_CARD not in viewer_page.get_data(as_text=True)
    admin_page = _post(client, route_request("/settings"), _basic("alice", "s3cret"))
    assert ids.PROFILE_EDIT_CARD in admin_page.get_data(as_text=True)
