"""The service facade end to end: simulator -> issue store -> results cache -> JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from configuration.errors import ConfigError, JiraAuthError
from configuration.settings import Settings, WorkflowSettings
from data.cache.results import ResultsCache
from data.cache.sync import SyncResult
from data.service import (
    compute_report_json,
    disk_results,
    fetch_command,
    load_cached,
    load_frames,
    metrics_command,
)
from data.simulator.server import JiraSimulator
from tests.data.cache import conftest as cache_fixtures
from tests.data.cache.conftest import EMAIL, NOW, PROJECT_SIZE, TOKEN, project

AS_OF = NOW
DAYS = 60

# The cache tests' project on a simulator, and settings for it: pytest finds fixtures
# by module attribute, so these two serve this module too without a second copy.
simulator = cache_fixtures.simulator
settings = cache_fixtures.settings


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_load_frames_fetches_once_then_serves_the_store(
    settings: Settings, simulator: JiraSimulator, cache_dir: Path
) -> None:
    first = load_frames(settings, cache_dir=cache_dir, now=NOW)
    second = load_frames(settings, cache_dir=cache_dir, now=NOW + timedelta(hours=1))
    assert (first.mode, second.mode, second.requests) == ("full", "cached", 0)
    assert simulator.stats.requests == first.requests > 0
    assert len(second.frames.issues) == PROJECT_SIZE


def test_a_fresh_store_needs_no_credentials(settings: Settings, cache_dir: Path) -> None:
    load_frames(settings, cache_dir=cache_dir, now=NOW)
    anonymous = replace(settings, jira=replace(settings.jira, token=None, email=None))
    assert load_frames(anonymous, cache_dir=cache_dir, now=NOW).mode == "cached"


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"url": None}, "jira.url"),
        ({"jql": "  "}, "jira.jql"),
        ({"token": None}, "jira.token"),
        ({"email": None}, "jira.email"),
    ],
)
def test_settings_that_cannot_fetch_raise_a_config_error(
    changes: dict, key: str, settings: Settings, cache_dir: Path
) -> None:
    broken = replace(settings, jira=replace(settings.jira, **changes))
    with pytest.raises(ConfigError) as caught:
        load_frames(broken, cache_dir=cache_dir, now=NOW)
    assert caught.value.key == key
    assert TOKEN not in str(caught.value)


def test_a_workflow_change_recomputes_with_zero_requests(
    settings: Settings, simulator: JiraSimulator, cache_dir: Path
) -> None:
    results = ResultsCache()
    synced = load_frames(settings, cache_dir=cache_dir, now=NOW)
    before = compute_report_json(synced, settings, as_of=AS_OF, period_days=DAYS,
                                 results=results)
    simulator.reset_stats()
    narrow = replace(settings, workflow=WorkflowSettings(done_statuses=("Closed",)))
    again = load_frames(narrow, cache_dir=cache_dir, now=NOW)
    after = compute_report_json(again, narrow, as_of=AS_OF, period_days=DAYS, results=results)
    assert simulator.stats.requests == 0
    assert before["flow"]["velocity"]["completed"] > 0
    assert after["flow"]["velocity"]["completed"] == 0  # nothing is "Closed"
    assert results.misses == 2


def test_the_same_report_is_served_from_the_results_cache(
    settings: Settings, cache_dir: Path
) -> None:
    results = ResultsCache()
    synced = load_frames(settings, cache_dir=cache_dir, now=NOW)
    first = compute_report_json(synced, settings, as_of=AS_OF, period_days=DAYS, results=results)
    second = compute_report_json(
        synced.frames, settings, as_of=AS_OF, period_days=DAYS,
        store_version=synced.store_version, results=results,
    )
    assert first == second
    assert (results.hits, results.misses) == (1, 1)
    compute_report_json(synced, settings, as_of=AS_OF, period_days=30, results=results)
    assert results.misses == 2


def test_metrics_from_an_issues_file_equal_metrics_from_the_cache(
    settings: Settings, cache_dir: Path, tmp_path: Path
) -> None:
    issues_file = tmp_path / "issues.json"
    issues_file.write_text(json.dumps({"issues": project()}))
    from_file = metrics_command(settings, issues_file, AS_OF, DAYS)
    from_cache = metrics_command(settings, None, AS_OF, DAYS, cache_dir=cache_dir, now=NOW)
    # The METRICS.md section 6 keys. Analytics may differ on purpose: a sync also
    # fetches JIRA's status list, so e.g. cumulative flow lists unused statuses too.
    for key in ("as_of", "period_days", "issues", "dora", "flow"):
        assert from_file[key] == from_cache[key], key
    assert from_file["issues"] == PROJECT_SIZE
    assert from_file["period_days"] == DAYS
    assert from_file["dora"]["deployment_frequency"]["deployments"] > 0


def test_metrics_command_keeps_results_on_disk_without_secrets(
    settings: Settings, cache_dir: Path
) -> None:
    metrics_command(settings, None, AS_OF, DAYS, cache_dir=cache_dir, now=NOW)
    assert len(list((cache_dir / "results").glob("*.json"))) == 1
    for path in cache_dir.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes()
            assert EMAIL.encode() not in path.read_bytes()


def test_fetch_command_summaries(
    settings: Settings, simulator: JiraSimulator, cache_dir: Path
) -> None:
    progress: list[tuple[int, int | None]] = []
    full = fetch_command(settings, False, lambda d, e: progress.append((d, e)),
                         cache_dir=cache_dir, now=NOW)
    requests = simulator.stats.requests
    assert full == f"Fetched {PROJECT_SIZE} issues (full sync, {requests} requests) into the cache"
    assert progress[-1] == (PROJECT_SIZE, PROJECT_SIZE)
    simulator.set_status("DEMO-4", "Done", NOW + timedelta(minutes=30))
    simulator.reset_stats()
    update = fetch_command(settings, False, None, cache_dir=cache_dir,
                           now=NOW + timedelta(hours=1))
    assert update == (
        f"Updated 1 changed issues; the cache holds {PROJECT_SIZE} issues "
        f"(incremental sync, {simulator.stats.requests} requests)"
    )
    forced = fetch_command(settings, True, None, cache_dir=cache_dir,
                           now=NOW + timedelta(hours=2))
    assert forced.startswith(f"Fetched {PROJECT_SIZE} issues (full sync, ")


def test_load_cached_returns_the_last_good_data_after_a_failure(
    settings: Settings, simulator: JiraSimulator, cache_dir: Path
) -> None:
    assert load_cached(settings, cache_dir=cache_dir) is None
    good = load_frames(settings, cache_dir=cache_dir, now=NOW)
    simulator.fail_next(1, status=401, retry_after=None)
    with pytest.raises(JiraAuthError):
        load_frames(settings, cache_dir=cache_dir, full=True, now=NOW)
    kept = load_cached(settings, cache_dir=cache_dir)
    assert kept is not None
    assert kept.store_version == good.store_version


class FollowerFlight:
    """A SingleFlight where another process led: this caller only follows."""

    def run(self, key: str, lead: Callable, follow: Callable[[], Any], **_: Any) -> Any:
        return follow()


def test_a_follower_reads_the_store_its_leader_wrote(
    settings: Settings, simulator: JiraSimulator, cache_dir: Path
) -> None:
    load_frames(settings, cache_dir=cache_dir, now=NOW)
    simulator.reset_stats()
    followed = load_frames(settings, cache_dir=cache_dir, now=NOW, flight=FollowerFlight())
    assert isinstance(followed, SyncResult)
    assert (followed.mode, simulator.stats.requests) == ("cached", 0)


def test_as_of_is_read_as_utc(settings: Settings, cache_dir: Path) -> None:
    synced = load_frames(settings, cache_dir=cache_dir, now=NOW)
    naive = compute_report_json(synced, settings, as_of=datetime(2026, 3, 1), period_days=DAYS)
    aware = compute_report_json(synced, settings, as_of=AS_OF.astimezone(UTC), period_days=DAYS)
    assert naive == aware
    assert naive["as_of"] == "2026-03-01T00:00:00+00:00"


def test_threads_asking_for_one_results_directory_share_one_cache(tmp_path: Path) -> None:
    """Rule: the registry of disk results caches is written under a lock, so gunicorn
    threads asking at the same moment all get the same cache (one memory level)."""
    start = threading.Barrier(8)
    got: list[ResultsCache] = []

    def ask() -> None:
        start.wait()
        got.append(disk_results(tmp_path))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(cache) for cache in got}) == 1
    assert got[0].directory == tmp_path / "results"
