"""create_app wiring, through Flask's test client (no browser): layout, routes, token."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from callbacks.app_factory import create_app
from callbacks.runtime import Runtime
from configuration.validation import settings_to_dict
from data.simulator.demo_settings import DEMO_TOKEN, demo_settings
from tests.callbacks.dash_requests import route_request
from ui import ids


def route(client, pathname: str, period_days: int = 90) -> str:
    body = route_request(pathname, period_days)
    answer = client.post("/_dash-update-component", data=json.dumps(body),
                         content_type="application/json")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


class SecondsAfterSync:
    """A fake "now": 30 s after the runtime's last sync (the epoch before any)."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None

    def __call__(self) -> datetime:
        synced = self.runtime.last_sync() if self.runtime is not None else None
        return (synced or datetime(1970, 1, 1, tzinfo=UTC)) + timedelta(seconds=30)


@pytest.fixture(scope="module")
def clock() -> SecondsAfterSync:
    return SecondsAfterSync()


@pytest.fixture(scope="module")
def app(tmp_path_factory, clock):
    tmp = tmp_path_factory.mktemp("app")
    dashboard = create_app(tmp / "settings.json", cache_dir=tmp / "cache", clock=clock)
    clock.runtime = dashboard.server.config["DASHBOARD_RUNTIME"]
    for thread in threading.enumerate():  # the start-up fetch and warm-up
        if thread.name == "dashboard-start-up":
            thread.join(timeout=120)
    yield dashboard
    dashboard.server.config["DASHBOARD_RUNTIME"].close()


def test_demo_start_fills_the_cache_and_every_page(app):
    runtime = app.server.config["DASHBOARD_RUNTIME"]
    assert runtime.demo is True
    assert runtime.stored() is not None  # fetched at start, before any browser asked
    client = app.server.test_client()
    dora_page = route(client, "/")
    assert ids.DORA_DEPLOYMENTS_TIMELINE in dora_page
    assert "No data yet" not in dora_page
    assert ids.FLOW_CUMULATIVE_FLOW in route(client, "/flow")
    assert ids.FORECAST_ITEMS_INPUT in route(client, "/forecast")
    assert ids.SETTINGS_SAVE_BUTTON in route(client, "/settings")


def test_the_sync_label_measures_the_age_on_the_runtimes_clock(app):
    """Rule: "how long ago" is measured on the injected clock, not the machine's, so
    the label is exact however long the start-up fetch took."""
    body = {
        "output": (f"..{ids.SYNC_LABEL}.children...{ids.STALE_NOTE}.children..."
                   f"{ids.PERIOD_RANGE}.max_date_allowed.."),
        "outputs": [{"id": ids.SYNC_LABEL, "property": "children"},
                    {"id": ids.STALE_NOTE, "property": "children"},
                    {"id": ids.PERIOD_RANGE, "property": "max_date_allowed"}],
        "inputs": [{"id": ids.DATA_VERSION, "property": "data", "value": 1},
                   {"id": ids.FETCH_RESULT, "property": "data", "value": None}],
        "changedPropIds": [f"{ids.DATA_VERSION}.data"],
        "state": [{"id": ids.URL, "property": "pathname", "value": "/"}],
    }
    answer = app.server.test_client().post("/_dash-update-component", data=json.dumps(body),
                                           content_type="application/json")
    assert answer.status_code == 200
    label = answer.get_json()["response"][ids.SYNC_LABEL]["children"]
    assert label.endswith("(less than a minute ago)")


def test_the_demo_token_is_in_no_page_or_layout(app):
    client = app.server.test_client()
    bodies = [client.get("/").get_data(as_text=True),
              client.get("/_dash-layout").get_data(as_text=True),
              *(route(client, path) for path in ("/", "/flow", "/forecast", "/settings"))]
    assert all(DEMO_TOKEN not in body for body in bodies)
    assert "Demo data" in bodies[1]


def test_a_page_that_fails_shows_one_sentence_not_a_500(app, monkeypatch):
    runtime = app.server.config["DASHBOARD_RUNTIME"]

    def broken(_window):
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr(runtime, "page_data", broken)
    page = route(app.server.test_client(), "/", period_days=33)
    assert "Something unexpected went wrong" in page
    assert "boom" not in page


def _layout_store(client, store_id: str):
    layout = json.loads(client.get("/_dash-layout").get_data(as_text=True))
    found = []

    def visit(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == store_id:
                found.append(node["props"].get("data"))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(layout)
    (value,) = found
    return value


def test_every_page_load_gets_its_own_fetch_job_key(app):
    client = app.server.test_client()
    first, second = (_layout_store(client, ids.PAGE_LOAD_ID) for _ in range(2))
    assert first
    assert first != second
    dependencies = json.loads(client.get("/_dash-dependencies").get_data(as_text=True))
    (fetch,) = [c for c in dependencies if c["output"] == f"{ids.FETCH_RESULT}.data"]
    # As State, so the page load id is among the arguments Dash hashes into the job key.
    assert {"id": ids.PAGE_LOAD_ID, "property": "data"} in fetch["state"]


def test_without_start_up_no_prefetch_thread_and_saves_elsewhere_apply(tmp_path):
    path = tmp_path / "settings.json"
    raw = settings_to_dict(demo_settings("http://127.0.0.1:9"), include_token=True)
    path.write_text(json.dumps(raw))
    before = set(threading.enumerate())
    dashboard = create_app(path, cache_dir=tmp_path / "cache", start_up=False)
    started = [t.name for t in set(threading.enumerate()) - before]
    assert "dashboard-start-up" not in started
    client = dashboard.server.test_client()
    assert _layout_store(client, ids.PERIOD_STORE)["period_days"] == 90
    other = Runtime(path, tmp_path / "cache").start()  # another worker saves new settings
    other.save({**other.public_settings(), "period_days": 45})
    assert _layout_store(client, ids.PERIOD_STORE)["period_days"] == 45  # next request
    assert dashboard.server.config["DASHBOARD_RUNTIME"].settings.period_days == 45


def test_the_script_registry_is_ready_before_the_first_request(tmp_path):
    # A gunicorn worker's first requests may be the page's scripts, several at once:
    # Dash used to build this registry lazily and let concurrent requests skip it (500s).
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(settings_to_dict(demo_settings("http://127.0.0.1:9"),
                                                include_token=True)))
    dashboard = create_app(path, cache_dir=tmp_path / "cache", start_up=False)
    assert {"dash", "dash_bootstrap_components", "plotly"} <= set(dashboard.registered_paths)
    script = next(iter(sorted(dashboard.registered_paths["dash_bootstrap_components"])))
    assert script.endswith(".js")
