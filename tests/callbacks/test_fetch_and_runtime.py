"""The fetch and the runtime against the project's JIRA simulator over real HTTP."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callbacks.fetch import run_fetch
from callbacks.runtime import Runtime
from callbacks.settings import jql_problem
from configuration.validation import settings_to_dict
from data.simulator.demo_settings import DEMO_TOKEN, demo_settings
from data.simulator.server import JiraSimulator
from tests.builders import issue

ISSUES = [issue(f"DEMO-{n}", "Story", "2026-01-01T09:00:00.000+0000", transitions=[
    ("2026-01-02T10:00:00.000+0000", "To Do", "In Progress"),
    ("2026-01-03T10:00:00.000+0000", "In Progress", "Done")]) for n in range(1, 6)]


@pytest.fixture(scope="module")
def simulator():
    with JiraSimulator(ISSUES) as sim:
        yield sim


def write_settings(path: Path, url: str, **jira) -> Path:
    raw = settings_to_dict(demo_settings(url), include_token=True)
    raw["jira"].update(jira)
    path.write_text(json.dumps(raw))
    return path


def fetch(runtime: Runtime, *, full: bool = True) -> tuple[dict, list]:
    progress: list = []
    return run_fetch(runtime, full=full, set_progress=progress.append), progress


def test_a_fetch_reports_progress_and_a_summary(simulator, tmp_path):
    runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url),
                      tmp_path / "cache").start()
    assert runtime.needs_first_fetch()
    result, progress = fetch(runtime)
    assert result["ok"] is True
    assert result["summary"].startswith("Fetched 5 issues (full sync")
    assert progress[0] == (0, 100, "Connecting to JIRA…")
    assert progress[-1][:2] == (100.0, 100)
    assert progress[-1][2] == "Fetching issues from JIRA: 5 of 5"
    assert not runtime.needs_first_fetch()
    assert runtime.last_sync() is not None


@pytest.mark.parametrize(("jira", "expected"), [
    ({"token": "wrong"}, "rejected the credentials"),
    ({"jql": "project = = DEMO"}, "Expecting either a value, list or function but got '='"),
])
def test_a_failed_fetch_is_one_sentence_without_the_token(simulator, tmp_path, jira, expected):
    runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url, **jira),
                      tmp_path / "cache").start()
    result, _ = fetch(runtime)
    assert result["ok"] is False
    assert expected in result["error"]
    assert "wrong" not in json.dumps(result)
    assert DEMO_TOKEN not in json.dumps(result)


def test_an_unavailable_jira_keeps_the_last_good_data(tmp_path):
    with JiraSimulator(ISSUES) as simulator:  # its own: the faults must not leak
        runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url),
                          tmp_path / "cache").start()
        assert fetch(runtime)[0]["ok"]
        synced_at = runtime.last_sync()
        simulator.fail_next(50, 503, retry_after=0.01)
        result, _ = fetch(runtime, full=False)
    assert result["ok"] is False
    assert "unreachable" in result["error"]
    assert runtime.last_sync() == synced_at
    assert runtime.stored() is not None


def test_saving_a_new_mapping_recomputes_and_a_new_query_refetches(simulator, tmp_path):
    runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url),
                      tmp_path / "cache").start()
    assert fetch(runtime)[0]["ok"]
    raw = runtime.public_settings()
    raw["workflow"]["waiting_statuses"] = ["Blocked", "Ready for QA", "On Hold"]
    assert runtime.save(raw) is False  # the cache covers it: recompute, no fetch
    assert runtime.settings.workflow.waiting_statuses == ("Blocked", "Ready for QA", "On Hold")
    assert runtime.settings.jira.token == DEMO_TOKEN  # kept from the file
    raw["jira"]["jql"] = "project = DEMO AND type = Story"
    assert runtime.save(raw) is True
    saved = json.loads((tmp_path / "s.json").read_text())
    assert saved["jira"]["jql"] == "project = DEMO AND type = Story"


def test_building_a_runtime_does_no_io_until_start(tmp_path):
    """Rule: ``Runtime(...)`` starts no server and deletes nothing; the start-up step
    (``start()``) does, once."""
    leftover = tmp_path / "cache" / "demo" / "issues" / "old-key"
    leftover.mkdir(parents=True)
    runtime = Runtime(tmp_path / "missing.json", tmp_path / "cache")
    assert (runtime.simulator, runtime.demo, runtime.cache_dir) == (
        None, False, tmp_path / "cache")
    assert leftover.exists()
    try:
        assert runtime.start() is runtime
        simulator = runtime.simulator
        assert simulator is not None
        assert not leftover.exists()
        assert runtime.start().simulator is simulator  # once: no second simulator
    finally:
        runtime.close()


def test_demo_mode_without_a_settings_file(tmp_path):
    leftover = tmp_path / "cache" / "demo" / "issues" / "old-key"
    leftover.mkdir(parents=True)
    runtime = Runtime(tmp_path / "missing.json", tmp_path / "cache").start()
    try:
        assert runtime.demo is True
        assert runtime.cache_dir.parent == tmp_path / "cache" / "demo"  # today's folder
        assert not leftover.exists()  # an earlier demo's store is not kept
        assert runtime.settings.jira.url == runtime.simulator.url
        assert "token" not in runtime.public_settings()["jira"]
        assert not (tmp_path / "missing.json").exists()
    finally:
        runtime.close()


def test_a_later_demo_start_reuses_the_days_store_without_fetching(tmp_path):
    """The first start generates and fetches the demo project; the next start the same
    day finds both in the cache: same JIRA URL (the port is reused), no search."""
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first = Runtime(tmp_path / "missing.json", tmp_path / "cache", clock=lambda: day).start()
    try:
        first.prefetch()
        url, folder = first.simulator.url, first.cache_dir
        assert first.simulator.stats.by_path["/rest/api/3/search/jql"] >= 1
    finally:
        first.close()
    later = Runtime(tmp_path / "missing.json", tmp_path / "cache",
                    clock=lambda: day + timedelta(hours=5)).start()
    try:
        later.prefetch()
        assert (later.cache_dir, later.simulator.url) == (folder, url)
        assert "/rest/api/3/search/jql" not in later.simulator.stats.by_path
        assert later.stored() is not None
    finally:
        later.close()
    next_day = Runtime(tmp_path / "missing.json", tmp_path / "cache",
                       clock=lambda: day + timedelta(days=1)).start()
    try:
        assert next_day.cache_dir != folder
        assert not folder.exists()  # yesterday's demo is removed
    finally:
        next_day.close()


def test_save_asks_jira_about_a_new_query(simulator, tmp_path):
    runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url),
                      tmp_path / "cache").start()
    jira = runtime.settings.jira
    assert jql_problem(runtime, jira) is None  # unchanged: not asked
    problem = jql_problem(runtime, replace(jira, token=None, jql="projct = DEMO"))
    assert "Field 'projct' does not exist" in problem
    assert jql_problem(runtime, replace(jira, jql="project = DEMO AND type = Bug")) is None


def test_an_invalid_settings_file_starts_on_defaults_and_says_why(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"period_days": 0}')
    runtime = Runtime(path, tmp_path / "cache").start()
    assert runtime.demo is False
    assert "period_days" in runtime.settings_problem
    assert runtime.settings.jira.url is None
    assert runtime.stored() is None
    result, _ = fetch(runtime)
    assert result["ok"] is False
    assert "jira.url" in result["error"]


def test_a_save_in_one_process_reaches_another_on_its_next_request(simulator, tmp_path):
    path = write_settings(tmp_path / "s.json", simulator.url)
    saver, reader = (Runtime(path, tmp_path / "cache").start() for _ in range(2))
    assert reader.refresh_settings() is False  # unchanged: nothing reloaded
    raw = saver.public_settings()
    raw["period_days"] = 45
    saver.save(raw)
    assert saver.refresh_settings() is False  # its own write is not "news"
    assert reader.settings.period_days == 90
    assert reader.refresh_settings() is True
    assert reader.settings.period_days == 45
    assert reader.settings.jira.token == DEMO_TOKEN  # the token came from the file
    raw["period_days"] = 46  # a second save, same size, maybe the same mtime tick
    saver.save(raw)
    assert reader.refresh_settings() is True
    assert reader.settings.period_days == 46


def test_a_broken_file_keeps_the_settings_in_use_and_says_why(simulator, tmp_path):
    path = write_settings(tmp_path / "s.json", simulator.url)
    runtime = Runtime(path, tmp_path / "cache").start()
    path.write_text('{"period_days": 0}')
    assert runtime.refresh_settings() is False
    assert runtime.settings.jira.url == simulator.url
    assert "period_days" in runtime.settings_problem
    write_settings(path, simulator.url)  # fixed by someone else
    assert runtime.refresh_settings() is True
    assert runtime.settings_problem is None


def test_a_demo_process_picks_up_a_saved_file(tmp_path):
    runtime = Runtime(tmp_path / "s.json", tmp_path / "cache").start()
    try:
        demo_url = runtime.simulator.url
        assert runtime.refresh_settings() is False  # still no file
        write_settings(tmp_path / "s.json", demo_url, jql="project = DEMO AND type = Bug")
        assert runtime.refresh_settings() is True
        assert runtime.demo is False
        assert runtime.cache_dir == tmp_path / "cache"
        assert runtime.settings.jira.jql == "project = DEMO AND type = Bug"
    finally:
        runtime.close()
