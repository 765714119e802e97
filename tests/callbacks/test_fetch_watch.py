"""Team mode: a fetch whose job ended without a result is reported from the flight status.

Real parts: a private redis-server holds the flight hash and lock exactly as
``RedisSingleFlight`` writes them (the layout documented in docs/deployment.md).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dash
import pytest
import redis

from callbacks.fetch import watch_outcome
from callbacks.runtime import Runtime
from configuration.validation import settings_to_dict
from data import service
from data.simulator.demo_settings import demo_settings
from tests.ui.tree import text_of

pytestmark = pytest.mark.redis

STARTED = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
WATCHING = {"started": STARTED.isoformat()}


def team_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> Runtime:
    monkeypatch.setenv("REDIS_URL", url)
    path = tmp_path / "settings.json"
    # Port 9 (discard): nothing is fetched here, the URL only names the store key.
    path.write_text(json.dumps(settings_to_dict(demo_settings("http://127.0.0.1:9"),
                                                include_token=True)))
    return Runtime(path, tmp_path / "cache").start()


def publish(url: str, runtime: Runtime, *, lock: bool = False, **fields: str) -> None:
    key = service.issue_store(runtime.settings, runtime.cache_dir).key
    client = redis.Redis.from_url(url, decode_responses=True)
    client.hset(f"jdm:flight:{key}", mapping=fields)
    if lock:  # a live leader holds the key's lock
        client.set(f"jdm:flight-lock:{key}", "token", ex=60)


@pytest.mark.parametrize("case", [
    ({"state": "running", "fetched": "40"}, False,  # abandoned: nobody holds the lock
     "The fetch did not finish. The worker running it ended before it finished.", True),
    ({"state": "failed", "error": "JIRA rejected the credentials.", "error_type": "JiraError"},
     False, "The fetch did not finish. JIRA rejected the credentials.", True),
    ({"state": "running", "fetched": "40"}, True, None, False),  # still going: keep watching
    ({"state": "done"}, False, None, True),
    ({"state": "failed", "error": "The fetch was cancelled.", "error_type": "JiraCancelled"},
     False, None, True),
    ({}, False, None, True),  # no flight ever published
])
def test_a_silent_end_is_reported_from_the_flight_status(
    tmp_path, monkeypatch, redis_url, case
):
    flight, lock, alert, stop = case
    runtime = team_runtime(tmp_path, monkeypatch, redis_url)
    assert runtime.team is True
    if flight:
        publish(redis_url, runtime, lock=lock, **flight)
    shown, stopped = watch_outcome(runtime, WATCHING, None)
    assert stopped is stop
    if alert is None:
        assert shown is dash.no_update
    else:
        assert " ".join(text_of(shown).split()) == alert
        assert shown.color == "danger"


def test_a_result_of_this_run_or_a_cancel_stops_the_watch_silently(
    tmp_path, monkeypatch, redis_url
):
    runtime = team_runtime(tmp_path, monkeypatch, redis_url)
    publish(redis_url, runtime, state="running")  # abandoned, were it asked
    answered = {"ok": False, "error": "x", "at": (STARTED + timedelta(seconds=5)).isoformat()}
    assert watch_outcome(runtime, WATCHING, answered) == (dash.no_update, True)
    assert watch_outcome(runtime, {"cancelled": True}, None) == (dash.no_update, True)
    earlier = {**answered, "at": (STARTED - timedelta(minutes=5)).isoformat()}
    shown, stopped = watch_outcome(runtime, WATCHING, earlier)  # a previous run's result
    assert stopped is True
    assert "worker running it ended" in text_of(shown)


def test_single_process_mode_has_no_flight_to_watch(tmp_path, monkeypatch, redis_url):
    runtime = team_runtime(tmp_path, monkeypatch, redis_url)
    publish(redis_url, runtime, state="running")
    monkeypatch.delenv("REDIS_URL")
    single = Runtime(runtime.settings_path, tmp_path / "cache").start()
    assert single.team is False
    assert single.flight_status() is None
    assert watch_outcome(single, WATCHING, None) == (dash.no_update, True)


def test_an_unreachable_redis_is_no_alert(tmp_path, monkeypatch, redis_url):
    runtime = team_runtime(tmp_path, monkeypatch, redis_url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    assert runtime.flight_status() is None
