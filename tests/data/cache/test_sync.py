"""sync_issues against the JIRA simulator: modes, requests counted at the simulator."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from configuration.errors import JiraAuthError, JiraCancelled
from configuration.settings import (
    IncidentSettings,
    Settings,
    WorkflowSettings,
)
from data.cache.store import SCHEMA_VERSION, IssueStore, forget_loaded
from data.cache.sync import FULL_RESYNC_AFTER, SyncResult, sync_issues
from data.issues.frames import IssueFrames
from data.simulator.server import JiraSimulator
from tests.data.cache.conftest import (
    EMAIL,
    NOW,
    PROJECT_SIZE,
    TOKEN,
    client_for,
    project,
    project_issue,
    settings_for,
    with_jira,
)

FRAMES = ("issues", "transitions", "versions", "field_values", "statuses")


def sync(settings: Settings, store: IssueStore, **kwargs: object) -> SyncResult:
    with client_for(settings) as client:
        return sync_issues(settings, client, store, **kwargs)  # type: ignore[arg-type]


def assert_same_frames(left: IssueFrames, right: IssueFrames) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name), obj=name)


def _dora(settings: Settings, **deployments: object) -> Settings:
    dora = settings.dora
    deploys = replace(dora.deployments, **deployments)
    return replace(settings, dora=replace(dora, deployments=deploys))


# A setting change -> whether the next sync must call JIRA. Everything that only
# changes how numbers are computed reuses the store with zero requests.
NO_FETCH = {
    "workflow lists": lambda s: replace(
        s, workflow=WorkflowSettings(("In Progress",), ("Blocked",), ("Done", "Closed"))
    ),
    "flow types": lambda s: replace(s, flow_types={"feature": ("Story", "Task")}),
    "DORA production values": lambda s: _dora(s, production_values=("Prod", "Production")),
    "DORA source": lambda s: _dora(s, source="versions"),
    "DORA failure field unmapped": lambda s: _dora(s, failure_field=None),
    "DORA incidents": lambda s: replace(
        s, dora=replace(s.dora, incidents=IncidentSettings(issue_types=("Bug",)))
    ),
    "period": lambda s: replace(s, period_days=30),
    "page size": lambda s: with_jira(s, page_size=20),
    "JQL whitespace": lambda s: with_jira(s, jql="project  =  DEMO   ORDER BY created DESC"),
    "URL trailing slash": lambda s: with_jira(s, url=s.jira.url + "/"),
}
FETCH = {
    "JQL": lambda s: with_jira(s, jql="project = DEMO AND type = Story"),
    "a newly mapped field": lambda s: _dora(s, date_field="customfield_10060"),
    "a newly mapped incident field": lambda s: replace(
        s, dora=replace(s.dora, change_start_field="customfield_10060")
    ),
}


def _sync_then_resync(
    settings: Settings,
    change: Callable[[Settings], Settings],
    simulator: JiraSimulator,
    store_root: Path,
) -> SyncResult:
    """Sync ``settings``, then sync the changed settings with the simulator's count reset."""
    sync(settings, IssueStore.for_jira(store_root, settings.jira), now=NOW)
    simulator.reset_stats()
    changed = change(settings)
    return sync(changed, IssueStore.for_jira(store_root, changed.jira), now=NOW)


@pytest.mark.parametrize("change", list(NO_FETCH), ids=list(NO_FETCH))
def test_settings_that_only_change_numbers_make_no_request(
    change: str, settings: Settings, simulator: JiraSimulator, store_root: Path
) -> None:
    result = _sync_then_resync(settings, NO_FETCH[change], simulator, store_root)
    assert (result.mode, result.requests, simulator.stats.requests) == ("cached", 0, 0)
    assert result.metadata.issue_count == PROJECT_SIZE


@pytest.mark.parametrize("change", list(FETCH), ids=list(FETCH))
def test_settings_that_change_what_is_fetched_make_a_fetch(
    change: str, settings: Settings, simulator: JiraSimulator, store_root: Path
) -> None:
    result = _sync_then_resync(settings, FETCH[change], simulator, store_root)
    assert result.mode == "full"
    assert result.requests == simulator.stats.requests > 0


def test_a_new_jira_url_fetches_from_that_jira(settings: Settings, store_root: Path) -> None:
    sync(settings, IssueStore.for_jira(store_root, settings.jira), now=NOW)
    with JiraSimulator([project_issue(n) for n in range(1, 11)], email=EMAIL,
                       token=TOKEN) as other:
        moved = with_jira(settings, url=other.url)
        result = sync(moved, IssueStore.for_jira(store_root, moved.jira), now=NOW)
        assert result.mode == "full"
        assert result.requests == other.stats.requests > 0
        assert result.metadata.issue_count == 10


def test_a_store_with_the_union_of_fields_serves_both_mappings(
    settings: Settings, simulator: JiraSimulator, store: IssueStore
) -> None:
    dated = _dora(settings, date_field="customfield_10060")
    sync(settings, store, now=NOW)
    assert sync(dated, store, now=NOW).mode == "full"
    simulator.reset_stats()
    assert sync(settings, store, now=NOW).mode == "cached"
    assert sync(dated, store, now=NOW).mode == "cached"
    assert simulator.stats.requests == 0
    stored = store.load()
    assert stored is not None
    custom = {f for f in stored.frames.field_values["field_id"] if f.startswith("custom")}
    assert custom == {"customfield_10050", "customfield_10051", "customfield_10060"}


@pytest.mark.parametrize(
    ("ttl_hours", "age", "mode"),
    [
        (24, timedelta(hours=23, minutes=59), "cached"),
        (24, timedelta(hours=24), "incremental"),
        (24, timedelta(days=3), "incremental"),
        (1, timedelta(minutes=59), "cached"),
        (1, timedelta(hours=1, minutes=1), "incremental"),
        (0, timedelta(0), "incremental"),
        (24, FULL_RESYNC_AFTER, "full"),
    ],
)
def test_ttl_expiry_with_an_injected_clock(
    *,
    ttl_hours: float,
    age: timedelta,
    mode: str,
    settings: Settings,
    simulator: JiraSimulator,
    store: IssueStore,
) -> None:
    settings = replace(settings, cache=replace(settings.cache, ttl_hours=ttl_hours))
    sync(settings, store, now=NOW)
    simulator.reset_stats()
    result = sync(settings, store, now=NOW + age)
    assert result.mode == mode
    assert result.requests == simulator.stats.requests
    assert (result.requests == 0) == (mode == "cached")


def test_incremental_sync_asks_only_for_recent_updates(
    settings: Settings, simulator: JiraSimulator, store: IssueStore
) -> None:
    sync(settings, store, now=NOW)
    simulator.reset_stats()
    later = NOW + timedelta(days=2)
    simulator.set_status("DEMO-8", "Done", later - timedelta(hours=1))
    result = sync(settings, store, now=later)
    assert result.mode == "incremental"
    assert result.fetched == 1  # the one issue updated since the last sync - 1 day
    assert result.requests <= 3  # count + one page + statuses
    assert result.metadata.last_sync_at == later
    assert result.metadata.created_at == NOW


def test_incremental_merge_gives_the_same_frames_as_a_full_fetch(
    settings: Settings, simulator: JiraSimulator, store: IssueStore, tmp_path: Path
) -> None:
    sync(settings, store, now=NOW)
    later = NOW + timedelta(days=2)
    simulator.set_status("DEMO-4", "Done", later - timedelta(hours=5))  # was in progress
    simulator.set_status("DEMO-9", "Blocked", later - timedelta(hours=4))
    simulator.upsert_issue(project_issue(500, created=later - timedelta(hours=30)))
    merged = sync(settings, store, now=later)
    full = sync(settings, IssueStore.for_jira(tmp_path / "other", settings.jira), now=later)
    assert (merged.mode, full.mode) == ("incremental", "full")
    assert merged.metadata.issue_count == PROJECT_SIZE + 1
    assert_same_frames(merged.frames, full.frames)
    forget_loaded()
    loaded = store.load()
    assert loaded is not None
    assert_same_frames(loaded.frames, full.frames)
    done_now = merged.frames.issues.set_index("key").loc["DEMO-4", "status"]
    assert done_now == "Done"


def test_full_true_refetches_a_fresh_store(
    settings: Settings, simulator: JiraSimulator, store: IssueStore
) -> None:
    first = sync(settings, store, now=NOW)
    simulator.reset_stats()
    again = sync(settings, store, now=NOW + timedelta(minutes=5), full=True)
    assert again.mode == "full"
    assert again.requests == simulator.stats.requests == first.requests
    assert again.metadata.version == first.metadata.version + 1
    assert again.metadata.created_at == NOW + timedelta(minutes=5)


def test_refresh_syncs_incrementally_even_when_fresh(
    settings: Settings, simulator: JiraSimulator, store: IssueStore
) -> None:
    sync(settings, store, now=NOW)
    result = sync(settings, store, now=NOW + timedelta(minutes=5), refresh=True)
    assert result.mode == "incremental"
    assert result.requests > 0


def test_a_failed_sync_keeps_the_last_good_data_and_raises(
    settings: Settings, simulator: JiraSimulator, store: IssueStore
) -> None:
    good = sync(settings, store, now=NOW)
    simulator.fail_next(1, status=401, retry_after=None)
    with pytest.raises(JiraAuthError):
        sync(settings, store, now=NOW + timedelta(days=2))
    forget_loaded()
    kept = store.load()
    assert kept is not None
    assert kept.metadata == good.metadata
    assert_same_frames(kept.frames, good.frames)


def test_a_cancelled_sync_keeps_the_last_good_data(
    settings: Settings, store: IssueStore
) -> None:
    good = sync(settings, store, now=NOW)
    with pytest.raises(JiraCancelled):
        sync(settings, store, now=NOW, full=True, cancel=lambda: True)
    kept = store.load()
    assert kept is not None
    assert kept.metadata.store_version == good.metadata.store_version


def test_progress_is_reported_during_a_full_fetch(
    settings: Settings, store: IssueStore
) -> None:
    seen: list[tuple[int, int | None]] = []
    sync(settings, store, now=NOW, progress=lambda done, expected: seen.append((done, expected)))
    assert seen[-1] == (PROJECT_SIZE, PROJECT_SIZE)


def _twice_at_once(action: Callable[[], SyncResult]) -> list[SyncResult]:
    """``action`` in two threads released together; a thread's exception is raised here."""
    barrier = threading.Barrier(2)

    def run(_: int) -> SyncResult:
        barrier.wait()
        return action()

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(run, range(2)))


def test_two_threads_fetching_the_same_key_make_one_fetch(
    settings: Settings, simulator: JiraSimulator, store_root: Path
) -> None:
    results = _twice_at_once(
        lambda: sync(settings, IssueStore.for_jira(store_root, settings.jira), now=NOW)
    )
    modes = sorted(r.mode for r in results)
    assert modes == ["cached", "full"]
    fetched = next(r for r in results if r.mode == "full")
    assert simulator.stats.requests == fetched.requests  # one fetch's worth
    assert results[0].metadata.store_version == results[1].metadata.store_version
    loaded = IssueStore.for_jira(store_root, settings.jira).load()
    assert loaded is not None
    assert loaded.metadata.issue_count == PROJECT_SIZE


def test_two_forced_full_fetches_at_once_make_one_fetch(
    settings: Settings, simulator: JiraSimulator, store_root: Path
) -> None:
    sync(settings, IssueStore.for_jira(store_root, settings.jira), now=NOW)
    simulator.reset_stats()
    results = _twice_at_once(
        lambda: sync(settings, IssueStore.for_jira(store_root, settings.jira), now=NOW, full=True)
    )
    assert sorted(r.mode for r in results) == ["cached", "full"]


DAMAGE = {
    "corrupted transitions": lambda d: (d / "v1" / "transitions.parquet").write_bytes(b"PAR1x"),
    "unknown schema version": lambda d: (d / "manifest.json").write_text(
        (d / "manifest.json").read_text().replace(f'"schema_version": {SCHEMA_VERSION}', '"schema_version": 99')
    ),
    "manifest pointing to missing files": lambda d: (d / "v1").rename(d / "gone"),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_store_is_refetched_with_a_warning(
    damage: str,
    settings: Settings,
    store: IssueStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = sync(settings, store, now=NOW)
    DAMAGE[damage](store.directory)
    forget_loaded()  # as in a new process: the writer's memo holds the good frames
    with caplog.at_level(logging.WARNING):
        again = sync(settings, store, now=NOW)
    assert again.mode == "full"
    assert "Discarding the issue store" in caplog.text
    assert_same_frames(again.frames, good.frames)


def test_the_cache_never_holds_the_token_or_email(
    settings: Settings, simulator: JiraSimulator, store: IssueStore, tmp_path: Path
) -> None:
    sync(settings, store, now=NOW)
    simulator.set_status("DEMO-2", "Done", NOW + timedelta(hours=1))
    sync(settings, store, now=NOW + timedelta(days=2))
    files = [p for p in store.root.parent.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert TOKEN.encode() not in data, path
        assert EMAIL.encode() not in data, path


def test_incremental_merge_on_data_center(tmp_path: Path) -> None:
    with JiraSimulator(project(), flavor="datacenter", pat="pat-123") as sim:
        dc = with_jira(settings_for(sim.url), flavor="datacenter", auth="bearer",
                       token="pat-123")
        store = IssueStore.for_jira(tmp_path / "a", dc.jira)
        assert sync(dc, store, now=NOW).mode == "full"
        later = NOW + timedelta(days=2)
        sim.set_status("DEMO-4", "Done", later - timedelta(hours=5))
        sim.upsert_issue(project_issue(501, created=later - timedelta(hours=30)))
        sim.reset_stats()
        merged = sync(dc, store, now=later)
        assert merged.mode == "incremental"
        assert merged.fetched == 2
        assert sim.stats.requests == merged.requests <= 3
        full = sync(dc, IssueStore.for_jira(tmp_path / "b", dc.jira), now=later)
        assert_same_frames(merged.frames, full.frames)


@pytest.mark.parametrize("zone", ["Pacific/Pago_Pago", "UTC", "Pacific/Kiritimati"])
def test_no_update_is_missed_whatever_the_users_time_zone(zone: str, tmp_path: Path) -> None:
    # JIRA reads `updated >= "..."` in the user's zone (-11 h .. +14 h here); an update
    # made right after the last sync started must still be fetched next time.
    with JiraSimulator(project(), email=EMAIL, token=TOKEN, user_timezone=zone) as sim:
        settings = settings_for(sim.url)
        store = IssueStore.for_jira(tmp_path, settings.jira)
        sync(settings, store, now=NOW)
        sim.set_status("DEMO-8", "Blocked", NOW + timedelta(minutes=1))
        result = sync(settings, store, now=NOW + timedelta(hours=25))
        assert result.mode == "incremental"
        status = result.frames.issues.set_index("key").loc["DEMO-8", "status"]
        assert status == "Blocked"
