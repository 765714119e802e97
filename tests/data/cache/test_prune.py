"""Pruning stores that nobody synced for a long time."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from configuration.settings import JiraSettings
from data.cache.prune import STALE_AFTER, prune_stale_stores
from data.cache.store import IssueStore
from tests.data.cache.factory import synthetic_frames

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def make_store(root: Path, jql: str, last_sync: datetime) -> IssueStore:
    jira = JiraSettings(url="https://acme.example.net", jql=jql)
    store = IssueStore.for_jira(root, jira)
    with store.lock():
        store.save(synthetic_frames(5, 1), jira=jira, fields=("status",), value_fields=(),
                   created_at=last_sync, last_sync_at=last_sync)
    return store


def test_only_stale_stores_other_than_the_current_one_are_removed(tmp_path: Path) -> None:
    current = make_store(tmp_path, "project = NOW", NOW - timedelta(days=90))
    stale = make_store(tmp_path, "project = OLD", NOW - STALE_AFTER - timedelta(hours=1))
    recent = make_store(tmp_path, "project = RECENT", NOW - timedelta(days=5))
    deleted = prune_stale_stores(tmp_path, keep=current.key, now=NOW)
    assert deleted == [stale.key]
    assert not stale.directory.exists()
    assert current.load() is not None
    assert recent.load() is not None


def test_a_store_being_synced_is_not_removed(tmp_path: Path) -> None:
    stale = make_store(tmp_path, "project = OLD", NOW - timedelta(days=60))
    with stale.lock():
        assert prune_stale_stores(tmp_path, keep="other", now=NOW) == []
    assert stale.directory.exists()


def test_a_store_with_an_unreadable_manifest_goes_by_its_directory_age(tmp_path: Path) -> None:
    broken = make_store(tmp_path, "project = BROKEN", NOW)
    (broken.directory / "manifest.json").write_text("{")
    young = NOW.timestamp() - 3600
    os.utime(broken.directory, (young, young))
    assert prune_stale_stores(tmp_path, keep="other", now=NOW) == []
    old = (NOW - timedelta(days=31)).timestamp()
    os.utime(broken.directory, (old, old))
    assert prune_stale_stores(tmp_path, keep="other", now=NOW) == [broken.key]


def test_no_cache_directory_is_fine(tmp_path: Path) -> None:
    assert prune_stale_stores(tmp_path / "missing", keep="k", now=NOW) == []
