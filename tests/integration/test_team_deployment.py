"""Issue 7, item 5: the team deployment with real parts on loopback.

gunicorn (2 workers) serves ``app:server``, one Celery worker runs the fetches,
a private redis-server is broker, result backend and shared state, and the JIRA
simulator enforces a server-side rate limit. See tests/scale/stack.py.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from configuration.settings_file import load_settings
from data import service
from data.scale.single_flight import ABANDONED_MESSAGE, FlightStatus, RedisSingleFlight
from data.simulator.demo_data import generate_demo_issues
from data.simulator.server import JiraSimulator
from tests.conftest_redis import running_redis
from tests.scale.stack import (
    DashClient,
    Stack,
    fetch_concurrently,
    team_stack,
    wait_for,
    write_settings,
)
from ui import ids

pytestmark = pytest.mark.redis

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
AS_OF = datetime(2026, 10, 30, tzinfo=UTC)


def _report(settings_path: Path, cache_dir: Path) -> dict:
    settings = load_settings(settings_path)
    stored = service.load_cached(settings, cache_dir=cache_dir)
    assert stored is not None
    return service.compute_report_json(stored.frames, settings, as_of=AS_OF, period_days=90)


def _flight_status(stack: Stack) -> FlightStatus:
    settings = load_settings(stack.settings_path)
    key = service.issue_store(settings, stack.cache_dir).key
    return RedisSingleFlight(redis.Redis.from_url(stack.redis_url, decode_responses=True)).status(
        key
    )


class TabClient(DashClient):
    """A browser tab: its fetch carries the page load id its layout gave it."""

    def __init__(self, base_url: str, *, clicks: int = 1) -> None:
        super().__init__(base_url, clicks=clicks)
        self.page_load_id = _layout_value(self.session, base_url, ids.PAGE_LOAD_ID)

    def _body(self, full: bool) -> dict[str, Any]:
        body = super()._body(full)
        for item in body["state"]:
            if item["id"] == ids.PAGE_LOAD_ID:
                item["value"] = self.page_load_id
        return body

    def watch_tick(self, started: datetime) -> str | None:
        """One tick of this tab's team-mode watcher (a fetch that ended with no result):
        the alert it shows, as JSON text, or None."""
        (callback,) = [c for c in self._all_dependencies()
                       if {"id": ids.FETCH_WATCH, "property": "n_intervals"} in c["inputs"]]
        output = callback["output"]  # "..id.prop@hash...id.prop@hash.." (duplicates)
        outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
                   for part in output.strip(".").split("...")]
        states = {ids.FETCH_WATCH_STATE: {"started": started.isoformat()},
                  ids.FETCH_RESULT: None}
        body = {
            "output": output, "outputs": outputs,
            "inputs": [{**item, "value": 1} for item in callback["inputs"]],
            "changedPropIds": [f"{ids.FETCH_WATCH}.n_intervals"],
            "state": [{**item, "value": states[item["id"]]} for item in callback["state"]],
        }
        answer = self.session.post(self.base_url + "/_dash-update-component", json=body,
                                   timeout=30)
        answer.raise_for_status()
        if answer.status_code == 204:
            return None
        return json.dumps(answer.json()["response"].get(ids.FETCH_ALERT))

    def _all_dependencies(self) -> list[dict[str, Any]]:
        answer = self.session.get(self.base_url + "/_dash-dependencies", timeout=30)
        answer.raise_for_status()
        return answer.json()


def _layout_value(session: requests.Session, base_url: str, store_id: str) -> Any:
    """The ``data`` of the component ``store_id`` in a freshly loaded layout."""
    pending = [session.get(base_url + "/_dash-layout", timeout=30).json()]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == store_id:
                return node["props"].get("data")
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    raise AssertionError(f"no {store_id} in the layout")


def _fetch_all(clients: list[DashClient], *, full: bool = False) -> list[dict]:
    results: list[dict] = [{} for _ in clients]

    def run(index: int) -> None:
        results[index] = clients[index].fetch(full=full, timeout=180)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=200)
    return results


# --- one JIRA budget across processes ------------------------------------------------------


def test_three_processes_fetching_at_once_share_one_budget(tmp_path: Path) -> None:
    limit = (8, 1.0)  # the server's limit, and every settings file's rate_limit
    issues = generate_demo_issues(anchor=ANCHOR, count=900)
    kinds = ("Story", "Bug", "Task")
    with running_redis() as server, JiraSimulator(issues, rate_limit=limit,
                                                  clock=lambda: ANCHOR) as jira:
        paths = [
            write_settings(tmp_path / f"{kind}.json", jira.url, rate_limit=limit, page_size=25,
                           jql=f"project = DEMO AND issuetype = {kind} ORDER BY key")
            for kind in kinds
        ]
        runs, exit_codes = fetch_concurrently([(path, tmp_path / "cache") for path in paths],
                                              server.url, timeout=240)
        stats = jira.stats
    assert exit_codes == [0, 0, 0]
    requests = sum(run[0] for run in runs)
    elapsed = max(run[2] for run in runs) - min(run[1] for run in runs)
    assert requests == stats.requests
    assert requests > 3 * limit[0]  # enough traffic that pacing had to work
    assert stats.rate_limited == 0  # no 429: the three together kept to the budget
    capacity, rate = limit[0], limit[0] / limit[1]
    assert requests <= capacity + rate * elapsed + 1


# --- the dashboard under gunicorn + Celery -------------------------------------------------


def _wait_for_start_up_fetch(stack: Stack) -> None:
    """Every process fills an empty cache at start (one of them fetches): let it end."""
    settings = load_settings(stack.settings_path)
    wait_for(lambda: service.load_cached(settings, cache_dir=stack.cache_dir) is not None
             and _flight_status(stack).state == "done", "start-up fetch", stack.worker)


def test_three_users_fetching_at_once_cause_one_fetch_with_single_process_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with team_stack(tmp_path / "team", anchor=ANCHOR, server_limit=(20, 2.0),
                    issue_count=600) as stack:
        _wait_for_start_up_fetch(stack)
        stack.simulator.reset_stats()
        # Three tabs, each on its first click: only their page load ids tell their
        # background jobs apart (Dash keys a job's result by the callback's arguments).
        users = [TabClient(stack.web_url, clicks=1) for _ in range(3)]
        assert len({user.page_load_id for user in users}) == 3
        results = _fetch_all(users, full=True)
        stats = stack.simulator.stats
        assert [result.get("ok") for result in results] == [True, True, True], results
        for path in ("/", "/_dash-layout", "/_dash-dependencies"):  # token stays server-side
            assert "demo-token" not in requests.get(stack.web_url + path, timeout=30).text
        assert "demo-token" not in str(results)
        full = [r["summary"] for r in results if r["mode"] == "full"]
        assert len(full) == 1, results  # one leader; the others read what it stored
        leader_requests = int(re.search(r"(\d+) requests?\)", full[0]).group(1))
        assert stats.requests == leader_requests, results
        assert stats.rate_limited == 0
        team_numbers = _report(stack.settings_path, stack.cache_dir)
        # Single-process mode: no Redis, a cache of its own, the same JIRA.
        monkeypatch.delenv("REDIS_URL", raising=False)
        single_cache = tmp_path / "single"
        service.load_frames(load_settings(stack.settings_path), cache_dir=single_cache)
    assert team_numbers == _report(stack.settings_path, single_cache)
    assert team_numbers["issues"] > 0


def test_killing_the_fetching_worker_keeps_the_last_good_data_and_reports_the_failure(
    tmp_path: Path,
) -> None:
    with team_stack(tmp_path, anchor=ANCHOR, server_limit=(4, 1.0), issue_count=1000,
                    extra_env={"FETCH_LOCK_SECONDS": "2"}) as stack:
        _wait_for_start_up_fetch(stack)
        good = _report(stack.settings_path, stack.cache_dir)
        good_version = service.load_cached(load_settings(stack.settings_path),
                                           cache_dir=stack.cache_dir).store_version
        first, second = TabClient(stack.web_url, clicks=2), DashClient(stack.web_url, clicks=3)
        started = datetime.now(UTC)
        lost = first.start_fetch(full=True)
        def leading() -> bool:  # the first user's flight is under way (not the start-up one)
            status = _flight_status(stack)
            return status.state == "running" and status.fetched > 0

        wait_for(leading, "leader progress", stack.worker)
        follower = second.start_fetch(full=True)  # waits on the same flight
        time.sleep(0.5)
        leader = _flight_status(stack).leader
        assert leader is not None, _flight_status(stack)
        os.kill(int(leader.rpartition(":")[2]), signal.SIGKILL)  # the pool process fetching

        deadline = time.monotonic() + 60
        outcome = None
        while outcome is None and time.monotonic() < deadline:
            outcome = second.poll(follower, full=True)
            time.sleep(0.2)
        assert outcome is not None, "the follower's fetch never answered"
        assert outcome["ok"] is False
        assert outcome["error"] == ABANDONED_MESSAGE
        assert _flight_status(stack).state == "abandoned"
        # The first user's own job died with the worker: Dash has no result for it,
        # so that tab's watcher reports the abandoned flight instead.
        assert first.poll(lost, full=True) is None
        alert = first.watch_tick(started)
        assert alert is not None
        assert "The worker running it ended before it finished." in alert
        assert "The pages keep showing the last good data" in alert
        # The last good data is still what every page is computed from.
        stored = service.load_cached(load_settings(stack.settings_path),
                                     cache_dir=stack.cache_dir)
        assert stored is not None, "the last good data is gone"
        assert stored.store_version == good_version
        assert _report(stack.settings_path, stack.cache_dir) == good
        # The worker replaced its pool process: the next fetch works again.
        assert DashClient(stack.web_url, clicks=4).fetch(full=True)["ok"]
        assert _flight_status(stack).state == "done"


def test_basic_auth_guards_every_worker_and_background_jobs_still_work(tmp_path: Path) -> None:
    users = {"DASH_USERS": "alice:s3cret"}
    with team_stack(tmp_path, anchor=ANCHOR, issue_count=200, extra_env=users) as stack:
        assert requests.get(stack.web_url + "/", timeout=30).status_code == 401
        wrong = requests.get(stack.web_url + "/", auth=("alice", "nope"), timeout=30)
        assert wrong.status_code == 401
        user = DashClient(stack.web_url, auth=("alice", "s3cret"))
        # A new connection per request, so the job is started and polled through
        # different gunicorn workers: they must agree on the handles' signing key.
        user.session.headers["Connection"] = "close"
        assert user.session.get(stack.web_url + "/", timeout=30).status_code == 200
        assert user.fetch()["ok"] is True
