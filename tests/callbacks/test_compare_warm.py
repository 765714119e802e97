"""After a sync in team mode, the worker has every profile's results ready: a Compare
page in another process computes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from callbacks.compare import warm_profiles
from callbacks.fetch import run_fetch
from callbacks.runtime import Runtime
from configuration.validation import settings_to_dict
from data import compare, service
from data.cache.results import ResultsCache
from data.simulator.demo_settings import demo_settings
from data.simulator.server import JiraSimulator
from tests.data.cache.conftest import project

PROFILES = {"stories": {"filter": ["type=Story"]}, "bugs": {"filter": ["type=Bug"]},
            "slow": {"workflow": {"waiting_statuses": []}, "filter": ["type=Tech Debt"]}}


def test_a_team_sync_warms_every_profile_and_the_department(tmp_path: Path) -> None:
    with JiraSimulator(project(), email="demo@example.com", token="demo-token") as jira:
        raw = settings_to_dict(demo_settings(jira.url), include_token=True)
        (tmp_path / "settings.json").write_text(json.dumps(raw | {"profiles": PROFILES}))
        runtime = Runtime(tmp_path / "settings.json", tmp_path / "cache").start()
        runtime.team = True  # what a Celery worker of a team deployment runs with
        outcome = run_fetch(runtime, full=False, set_progress=lambda _update: None)
        assert outcome["ok"], outcome
    # Another process: its own results cache over the same directory.
    results = ResultsCache(directory=tmp_path / "cache" / "results")
    profiles = runtime.profiles()
    window = runtime.window(None)

    def stored(profile):
        return service.load_cached(profile.settings, cache_dir=runtime.cache_dir)

    columns = compare.parse_columns(["stories", "bugs", "slow"], profiles)
    found = compare.column_results(columns, stored, as_of=window.as_of,
                                   period_days=window.period_days, results=results)
    total = compare.department_report(profiles, stored, as_of=window.as_of,
                                      period_days=window.period_days, results=results)
    assert all(c.report["issues"] > 0 for c in found)
    assert total["issues"] == sum(c.report["issues"] for c in found)  # disjoint types
    assert (results.hits, results.misses) == (2 * len(columns) + 1, 0)


def test_warming_without_profiles_changes_nothing_for_the_default(tmp_path: Path) -> None:
    runtime = Runtime(tmp_path / "settings.json", tmp_path / "cache")
    warm_profiles(runtime)  # defaults, nothing stored: nothing to warm, no error
    assert not (tmp_path / "cache" / "results").exists()
