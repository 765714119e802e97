"""Private files (issue 11 item 9): cache and log directories 0700, their files 0600,
whatever the process umask; leftover settings temp files removed at start."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from configuration import private_files
from configuration.errors import ConfigError
from configuration.logging_config import setup_logging, shutdown_logging
from configuration.settings_file import STALE_TEMP_SECONDS, remove_stale_temp_files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common 0022: the code must not rely on the entry points' private umask."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_private_dir_creates_every_missing_level_0700_and_fixes_an_old_one(tmp_path):
    made = private_files.private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(p) for p in (made, made.parent, made.parent.parent)] == [0o700] * 3
    old = tmp_path / "old"
    old.mkdir(mode=0o755)
    private_files.private_dir(old)
    assert mode(old) == 0o700


def test_restrict_tree_makes_old_files_private(tmp_path):
    (tmp_path / "sub").mkdir(mode=0o755)
    (tmp_path / "sub" / "f.bin").write_bytes(b"x")
    os.chmod(tmp_path / "sub" / "f.bin", 0o644)
    private_files.restrict_tree(tmp_path)
    assert mode(tmp_path / "sub") == 0o700
    assert mode(tmp_path / "sub" / "f.bin") == 0o600


def test_the_entry_points_umask_is_private():
    previous = private_files.use_private_umask()
    try:
        assert os.umask(previous) == 0o077
    finally:
        os.umask(0o022)


def test_the_issue_store_writes_private_directories_and_files(tmp_path):
    from data.cache.store import IssueStore
    from tests.data.cache.factory import synthetic_frames
    from tests.data.cache.test_store import JIRA, save

    store = IssueStore.for_jira(tmp_path / "cache" / "issues", JIRA)
    save(store, synthetic_frames(5))
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    dirs = [p for p in (tmp_path / "cache").rglob("*") if p.is_dir()]
    assert any(p.suffix == ".parquet" for p in files)
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert {str(p): mode(p) for p in dirs} == {str(p): 0o700 for p in dirs}


def test_the_background_job_store_is_private(tmp_path):
    """diskcache unpickles what it reads (CVE-2025-69872): nobody else may write it."""
    from callbacks.background import background_manager

    manager = background_manager(tmp_path / "cache", env={})
    manager.handle.set("probe", {"x": 1})
    directory = Path(manager.handle.directory)
    assert mode(directory) == 0o700
    for path in directory.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_log_files_are_private_also_after_rotation(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o755)
    try:
        setup_logging(logs, console_level=None, max_bytes=200, backups=2)
        for n in range(20):
            logging.getLogger("probe").info("line %d %s", n, "x" * 50)
    finally:
        shutdown_logging()
    assert mode(logs) == 0o700
    written = sorted(p.name for p in logs.iterdir())
    assert "app.log.1" in written  # rotated at least once
    assert {name: mode(logs / name) for name in written} == dict.fromkeys(written, 0o600)


def test_an_unwritable_log_directory_is_one_clear_error_when_strict(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match=r"Cannot write logs to .*file/logs: Not a directory; "
                                          r"set DASHBOARD_LOG_DIR"):
        setup_logging(blocker / "logs", console_level=None, strict=True)
    shutdown_logging()


class FullDisk:
    """A log stream on a full disk."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")

    def flush(self) -> None:
        """Nothing buffered."""

    def close(self) -> None:
        """Nothing to close."""


def test_a_failing_log_write_says_so_once_without_a_traceback(tmp_path, capsys):
    setup_logging(tmp_path / "logs", console_level=None)
    try:
        handler = next(h for h in logging.getLogger().handlers
                       if getattr(h, "baseFilename", "").endswith("app.log"))
        handler.stream.close()
        handler.stream = FullDisk()
        for _ in range(3):
            logging.getLogger("probe").warning("lost")
    finally:
        shutdown_logging()
    err = capsys.readouterr().err
    assert err.count("Cannot write to the log file") == 1
    assert "Traceback" not in err


def test_leftover_settings_temp_files_are_removed_but_not_a_save_in_progress(tmp_path):
    settings = tmp_path / "settings.json"
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    stale = tmp_path / ".settings.json.abc123.tmp"
    fresh = tmp_path / ".settings.json.def456.tmp"
    other = tmp_path / ".other.json.abc.tmp"
    for path, age in ((stale, STALE_TEMP_SECONDS + 1), (fresh, 1.0), (other, 3600.0)):
        path.write_text('{"jira": {"token": "leftover"}}')
        os.utime(path, (now - age, now - age))
    assert remove_stale_temp_files(settings, now=now) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.json.abc.tmp",
                                                          ".settings.json.def456.tmp"]


def test_the_dashboard_removes_leftover_temp_files_at_start(tmp_path):
    from callbacks.runtime import Runtime

    settings = tmp_path / "settings.json"
    settings.write_text("{}")
    stale = tmp_path / ".settings.json.k1ll3d.tmp"
    stale.write_text('{"jira": {"token": "leftover"}}')
    old = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    os.utime(stale, (old, old))
    runtime = Runtime(settings, tmp_path / "cache").start()
    runtime.close()
    assert not stale.exists()
    assert mode(tmp_path / "cache") == 0o700


def test_git_ignores_the_temp_files():
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text().splitlines()
    assert ".settings.json.*.tmp" in ignored
