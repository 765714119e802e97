"""The issue store on a real filesystem: round trip, damage detection, versions, locks."""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from configuration.errors import CacheError
from configuration.settings import JiraSettings
from data.cache.store import MANIFEST, SCHEMA_VERSION, IssueStore, StoredIssues, forget_loaded
from data.issues.frames import IssueFrames
from tests.data.cache.factory import synthetic_frames

JIRA = JiraSettings(
    url="https://user:pw@Example.atlassian.net/", jql="project = DEMO", token="tok-123"
)
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
FRAME_NAMES = ("issues", "transitions", "versions", "field_values", "statuses")


def save(store: IssueStore, frames: IssueFrames) -> StoredIssues:
    with store.lock():
        return store.save(
            frames,
            jira=JIRA,
            fields=("status", "customfield_10050"),
            value_fields=("customfield_10050",),
            created_at=WHEN,
            last_sync_at=WHEN,
        )


def assert_same_frames(left: IssueFrames, right: IssueFrames) -> None:
    for name in FRAME_NAMES:
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name))


@pytest.fixture
def store(tmp_path: Path) -> IssueStore:
    return IssueStore.for_jira(tmp_path / "issues", JIRA)


def test_round_trip_keeps_values_and_dtypes(store: IssueStore) -> None:
    frames = synthetic_frames(200, 5)
    saved = save(store, frames)
    forget_loaded()  # read from disk, not from the writer's memo
    loaded = store.load()
    assert loaded is not None
    assert_same_frames(loaded.frames, frames)
    assert loaded.metadata == saved.metadata
    assert loaded.metadata.issue_count == 200
    assert loaded.metadata.jira_url == "https://example.atlassian.net"
    assert loaded.metadata.fields == ("customfield_10050", "status")


def test_empty_frames_round_trip(store: IssueStore) -> None:
    frames = synthetic_frames(0, 0)
    save(store, frames)
    forget_loaded()
    loaded = store.load()
    assert loaded is not None
    assert_same_frames(loaded.frames, frames)


def test_missing_store_loads_as_none(store: IssueStore) -> None:
    assert store.load() is None
    assert store.current_version() is None


def test_each_save_is_a_new_version_and_old_versions_are_removed(store: IssueStore) -> None:
    first = save(store, synthetic_frames(10, 2, seed=1))
    second = save(store, synthetic_frames(10, 2, seed=2))
    assert (first.metadata.version, second.metadata.version) == (1, 2)
    assert first.metadata.store_version != second.metadata.store_version
    assert sorted(p.name for p in store.directory.iterdir()) == [MANIFEST, "v2"]


def test_store_never_holds_the_token_or_credentials(store: IssueStore) -> None:
    save(store, synthetic_frames(20, 2))
    for path in store.root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"tok-123" not in data
            assert b"user:pw" not in data


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _set_schema(manifest: Path, version: object) -> None:
    raw = json.loads(manifest.read_text())
    raw["schema_version"] = version
    manifest.write_text(json.dumps(raw))


DAMAGE = {
    "flipped byte in transitions": lambda d: _flip_byte(d / "v1" / "transitions.parquet"),
    "truncated issues file": lambda d: _truncate(d / "v1" / "issues.parquet"),
    "empty statuses file": lambda d: (d / "v1" / "statuses.parquet").write_bytes(b""),
    "missing versions file": lambda d: (d / "v1" / "versions.parquet").unlink(),
    "missing version directory": lambda d: (d / "v1" / "issues.parquet").parent.rename(d / "x"),
    "truncated manifest": lambda d: _truncate(d / MANIFEST),
    "manifest not json": lambda d: (d / MANIFEST).write_text("<html>proxy</html>"),
    "manifest is a list": lambda d: (d / MANIFEST).write_text("[]"),
    "manifest lacks a key": lambda d: (d / MANIFEST).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION})
    ),
    "older schema version": lambda d: _set_schema(d / MANIFEST, SCHEMA_VERSION - 1),
    "newer schema version": lambda d: _set_schema(d / MANIFEST, SCHEMA_VERSION + 1),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damaged_store_is_discarded_with_a_warning(
    store: IssueStore, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    save(store, synthetic_frames(300, 4))
    DAMAGE[damage](store.directory)
    forget_loaded()  # as in a new process: the writer's memo holds the good frames
    with caplog.at_level(logging.WARNING, logger="data.cache.store"):
        assert store.load() is None
    assert any("Discarding the issue store" in r.getMessage() for r in caplog.records)


def test_a_damaged_store_is_replaced_by_the_next_save(store: IssueStore) -> None:
    save(store, synthetic_frames(30, 2, seed=1))
    _flip_byte(store.directory / "v1" / "issues.parquet")
    forget_loaded()
    assert store.load() is None
    fresh = synthetic_frames(40, 2, seed=2)
    save(store, fresh)
    loaded = store.load()
    assert loaded is not None
    assert_same_frames(loaded.frames, fresh)


def test_rewritten_file_is_reverified_not_served_from_memory(store: IssueStore) -> None:
    """Rule: the memo key includes each file's mtime, so a file rewritten in place (same
    inode, same size) is read and checked again. The new mtime is set explicitly: the
    filesystem's timestamp granularity must not decide the outcome."""
    save(store, synthetic_frames(50, 3))
    assert store.load() is not None  # memoized by the save
    damaged = store.directory / "v1" / "field_values.parquet"
    before = damaged.stat().st_mtime_ns
    _flip_byte(damaged)
    os.utime(damaged, ns=(before + 10**9, before + 10**9))
    assert store.load() is None


def test_a_stale_directory_from_a_killed_writer_does_not_break_the_next_save(
    store: IssueStore,
) -> None:
    save(store, synthetic_frames(10, 1, seed=1))
    stale = store.directory / "v2"
    stale.mkdir()
    (stale / "issues.parquet").write_bytes(b"PAR1 half written")
    fresh = synthetic_frames(12, 1, seed=3)
    saved = save(store, fresh)
    loaded = store.load()
    assert loaded is not None
    assert saved.metadata.version == 3
    assert_same_frames(loaded.frames, fresh)
    assert not stale.exists()


def test_the_key_lock_excludes_other_threads(store: IssueStore) -> None:
    """Rule: flock locks belong to the open file, so while one thread holds the key lock
    another thread of the same process cannot take it; once released, it can."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.lock():
            held.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(timeout=30)
    with pytest.raises(CacheError, match="still running"), store.lock(timeout=0):
        pass
    release.set()
    holder.join()
    with store.lock(timeout=0):
        pass


def test_a_reader_sees_a_complete_version_while_a_writer_switches(store: IssueStore) -> None:
    variants = [synthetic_frames(400 + i, 3, seed=i) for i in range(3)]
    save(store, variants[0])
    counts = {len(v.issues) for v in variants}
    stop = threading.Event()
    seen: list[int | None] = []

    def read() -> None:
        while not stop.is_set():
            loaded = store.load()
            seen.append(None if loaded is None else len(loaded.frames.issues))

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(12):
        save(store, variants[i % 3])
    stop.set()
    reader.join()
    assert seen
    assert set(seen) <= counts  # never None (discarded), never a mix
