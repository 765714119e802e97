"""The fetch and the runtime against the project's JIRA simulator over real HTTP."""

from __future__ import annotations

import json
from dataclasses import replace
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
    runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url), tmp_path / "cache")
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
                      tmp_path / "cache")
    result, _ = fetch(runtime)
    assert result["ok"] is False
    assert expected in result["error"]
    assert "wrong" not in json.dumps(result)
    assert DEMO_TOKEN not in json.dumps(result)


def test_an_unavailable_jira_keeps_the_last_good_data(tmp_path):
    with JiraSimulator(ISSUES) as simulator:  # its own: the faults must not leak
        runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url),
                          tmp_path / "cache")
        assert fetch(runtime)[0]["ok"]
        synced_at = runtime.last_sync()
        simulator.fail_next(50, 503, retry_after=0.01)
        result, _ = fetch(runtime, full=False)
    assert result["ok"] is False
    assert "unreachable" in result["error"]
    assert runtime.last_sync() == synced_at
    assert runtime.stored() is not None


def test_saving_a_new_mapping_recomputes_and_a_new_query_refetches(simulator, tmp_path):
    runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url), tmp_path / "cache")
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


def test_demo_mode_without_a_settings_file(tmp_path):
    leftover = tmp_path / "cache" / "demo" / "issues" / "old-key"
    leftover.mkdir(parents=True)
    runtime = Runtime(tmp_path / "missing.json", tmp_path / "cache")
    try:
        assert runtime.demo is True
        assert runtime.cache_dir == tmp_path / "cache" / "demo"
        assert not leftover.exists()  # an earlier demo's store is not kept
        assert runtime.settings.jira.url == runtime.simulator.url
        assert "token" not in runtime.public_settings()["jira"]
        assert not (tmp_path / "missing.json").exists()
    finally:
        runtime.close()


def test_save_asks_jira_about_a_new_query(simulator, tmp_path):
    runtime = Runtime(write_settings(tmp_path / "s.json", simulator.url), tmp_path / "cache")
    jira = runtime.settings.jira
    assert jql_problem(runtime, jira) is None  # unchanged: not asked
    problem = jql_problem(runtime, replace(jira, token=None, jql="projct = DEMO"))
    assert "Field 'projct' does not exist" in problem
    assert jql_problem(runtime, replace(jira, jql="project = DEMO AND type = Bug")) is None


def test_an_invalid_settings_file_starts_on_defaults_and_says_why(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"period_days": 0}')
    runtime = Runtime(path, tmp_path / "cache")
    assert runtime.demo is False
    assert "period_days" in runtime.settings_problem
    assert runtime.settings.jira.url is None
    assert runtime.stored() is None
    result, _ = fetch(runtime)
    assert result["ok"] is False
    assert "jira.url" in result["error"]
