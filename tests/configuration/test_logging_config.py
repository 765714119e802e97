"""JSON log files, redaction on every handler, rotation, retention, idempotent setup, timing."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from configuration import logging_config
from configuration.logging_config import (
    LoggingSetup,
    active_setup,
    cleanup_old_logs,
    clear_secrets,
    setup_logging,
    shutdown_logging,
    timed,
)

TOKEN = "ATATT3xFfGF0-secret-token-9876"
EXPECTED_KEYS = {"timestamp", "level", "logger", "module", "function", "line", "message"}
log = logging.getLogger("tests.logging")


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Call ``setup(**options)`` to set logging up in ``tmp_path / "logs"``; undone after."""
    root_level = logging.getLogger().level

    def configure(**options: Any) -> Path:
        options.setdefault("log_dir", tmp_path / "logs")
        setup_logging(**options)
        return options["log_dir"]

    yield configure
    shutdown_logging()
    clear_secrets()
    logging.getLogger().setLevel(root_level)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def raise_with_token() -> None:
    try:
        {}["missing"]
    except KeyError as err:
        raise RuntimeError(f"JIRA refused Authorization: Bearer {TOKEN}") from err


def log_in_message() -> None:
    log.error(f"calling JIRA with {TOKEN}")


def log_in_args() -> None:
    log.error("calling JIRA with %s and %r", TOKEN, {"token": TOKEN})


def log_in_url() -> None:
    log.error("GET %s failed", f"https://x.atlassian.net/rest/api/3/myself?token={TOKEN}")


def log_in_traceback() -> None:
    try:
        raise_with_token()
    except RuntimeError:
        log.exception("fetch failed")


def log_in_extra() -> None:
    log.error("request sent", extra={"headers": {"Authorization": f"Basic {TOKEN}"}})


@pytest.mark.parametrize("emit", [log_in_message, log_in_args, log_in_url, log_in_traceback,
                                  log_in_extra])
@pytest.mark.parametrize("registered", [True, False])
def test_the_token_never_reaches_a_log_file_or_the_console(setup, capsys, emit, registered):
    if registered:
        log_dir = setup(secrets=[TOKEN])
    else:
        log_dir = setup()
        if emit in (log_in_message, log_in_args):
            # Only a registered secret is recognisable in free text.
            logging_config.register_secret(TOKEN)
    emit()
    for name in ("app.log", "errors.log"):
        text = (log_dir / name).read_text("utf-8")
        assert "***" in text
        assert TOKEN not in text
        assert TOKEN[10:] not in text
    assert TOKEN not in capsys.readouterr().err


def test_emails_are_masked_in_the_files(setup):
    log_dir = setup()
    log.warning("user jane.doe@example.com has no permission")
    assert lines(log_dir / "app.log")[-1]["message"] == "user j***@example.com has no permission"


def test_each_line_is_one_json_object_of_the_documented_shape(setup):
    log_dir = setup()
    log.info("plain %s", "message")
    log.error("multi\nline")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("with exception")
    records = lines(log_dir / "app.log")
    assert [r["message"] for r in records] == ["plain message", "multi\nline", "with exception"]
    for record in records:
        assert set(record) >= EXPECTED_KEYS
        moment = datetime.fromisoformat(record["timestamp"])
        assert moment.utcoffset() == timedelta(0)
        assert abs(moment.timestamp() - time.time()) < 60
        assert record["logger"] == "tests.logging"
        assert record["module"] == "test_logging_config"
        assert record["function"] == "test_each_line_is_one_json_object_of_the_documented_shape"
        assert isinstance(record["line"], int)
    assert [r["level"] for r in records] == ["INFO", "ERROR", "ERROR"]
    assert "exception" not in records[0]
    assert records[2]["exception"].startswith("Traceback (most recent call last):")
    assert records[2]["exception"].endswith("ValueError: boom")


def test_the_error_log_holds_only_error_and_above(setup):
    log_dir = setup(file_level="DEBUG")
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        log.log(level, "at %s", logging.getLevelName(level))
    assert [r["level"] for r in lines(log_dir / "errors.log")] == ["ERROR", "CRITICAL"]
    assert len(lines(log_dir / "app.log")) == 5


def test_the_console_is_plain_text(setup, capsys):
    setup()
    log.warning("visible on the console")
    err = capsys.readouterr().err
    assert "WARNING tests.logging: visible on the console" in err
    assert not err.lstrip().startswith("{")


def test_console_level_none_keeps_stderr_quiet(setup, capsys):
    log_dir = setup(console_level=None)
    log.error("only in files")
    assert capsys.readouterr().err == ""
    assert lines(log_dir / "errors.log")[-1]["message"] == "only in files"


def test_setting_up_twice_adds_no_duplicate_handlers(setup):
    setup()
    log_dir = setup()
    ours = [h for h in logging.getLogger().handlers if getattr(h, logging_config._OURS, False)]
    assert len(ours) == 3
    log.error("once")
    assert [r["message"] for r in lines(log_dir / "app.log")] == ["once"]
    assert [r["message"] for r in lines(log_dir / "errors.log")] == ["once"]


def test_the_active_setup_sets_up_another_process_on_the_same_files(setup):
    log_dir = setup(max_bytes=4000, backups=2, console_level=None, file_level="WARNING")
    active = active_setup()
    assert active == LoggingSetup(log_dir, 4000, 2, None, "WARNING")
    shutdown_logging()  # as a job's process starts: no handler of ours
    assert active_setup() is None
    active.apply()
    assert active_setup() == active
    log.info("below the file level")
    log.warning("from the job")
    assert [r["message"] for r in lines(log_dir / "app.log")] == ["from the job"]


def test_files_rotate_at_max_bytes_keeping_the_configured_backups(setup):
    log_dir = setup(max_bytes=2000, backups=2)
    for number in range(200):
        log.error("line %d with some padding to fill the file", number)
    names = sorted(p.name for p in log_dir.iterdir())
    assert names == ["app.log", "app.log.1", "app.log.2", "errors.log", "errors.log.1",
                     "errors.log.2"]
    for path in log_dir.iterdir():
        assert path.stat().st_size <= 2000
        assert all(record["level"] == "ERROR" for record in lines(path))
    assert lines(log_dir / "app.log")[-1]["message"].startswith("line 199 ")


def age(path: Path, days: float) -> Path:
    path.write_text("{}\n")
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))
    return path


def test_log_files_older_than_the_retention_are_deleted_at_setup(setup, tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    old = [age(log_dir / name, 31) for name in ("app.log.4", "errors.log.1", "old.log")]
    kept = [age(log_dir / "app.log.1", 29), age(log_dir / "notes.txt", 400)]
    setup(retention_days=30)
    assert not any(path.exists() for path in old)
    assert all(path.exists() for path in kept)
    assert (log_dir / "app.log").exists()


def test_a_file_that_cannot_be_deleted_is_a_warning_not_a_failure(setup, tmp_path, monkeypatch):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    stuck = age(log_dir / "app.log.5", 60)
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.name == stuck.name:
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    setup()
    warnings = [r for r in lines(log_dir / "app.log") if r["level"] == "WARNING"]
    assert stuck.exists()
    assert len(warnings) == 1
    assert "Cannot delete the old log file" in warnings[0]["message"]
    assert "Permission denied" in warnings[0]["message"]


def test_cleanup_reports_each_failure_and_goes_on(tmp_path):
    first, second = age(tmp_path / "a.log", 40), age(tmp_path / "b.log", 40)
    removed: list[str] = []

    def remove(path: Path) -> None:
        if path == first:
            raise PermissionError(13, "Permission denied")
        removed.append(path.name)

    warnings = cleanup_old_logs(tmp_path, 30, remove=remove)
    assert removed == [second.name]
    assert warnings == [f"Cannot delete the old log file {first}: Permission denied"]


def test_cleanup_of_a_missing_directory_is_a_warning(tmp_path):
    assert cleanup_old_logs(tmp_path / "absent", 30)[0].startswith("Cannot list the log")


def test_an_unusable_log_directory_leaves_console_logging(setup, tmp_path, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    setup(log_dir=blocker / "logs")
    log.error("still logged")
    err = capsys.readouterr().err
    assert "Cannot write logs to" in err
    assert "still logged" in err


def test_timed_logs_duration_and_volume_at_info(setup):
    log_dir = setup()
    readings = iter([100.0, 100.25])  # a fake clock: started, then finished
    with timed("load issues", log, clock=lambda: next(readings), jql="project = X") as timing:
        timing.add(3)
        timing.add(2)
    record = lines(log_dir / "app.log")[-1]
    assert record["level"] == "INFO"
    assert record["message"] == "load issues took 0.250 s, 5 items"
    assert record["function"] == "test_timed_logs_duration_and_volume_at_info"
    context = record["context"]
    assert context["items"] == 5
    assert context["jql"] == "project = X"
    assert context["duration_seconds"] == 0.25
    assert timing.duration == 0.25


def test_timed_logs_a_failure_with_duration_at_error_and_reraises(setup):
    log_dir = setup()

    def parse() -> None:
        with timed("parse", log) as timing:
            timing.count = 7
            raise KeyError("fields")

    with pytest.raises(KeyError):
        parse()
    record = lines(log_dir / "errors.log")[-1]
    assert record["level"] == "ERROR"
    assert record["message"].startswith("parse failed after ")
    assert record["message"].endswith(", 7 items: KeyError: 'fields'")
    assert record["context"]["duration_seconds"] >= 0


def test_timed_as_a_decorator_counts_the_result_per_call(setup):
    log_dir = setup()

    @timed("normalize", log, module="context keys may clash")
    def normalize(count: int) -> list[int]:
        return list(range(count))

    assert normalize(4) == [0, 1, 2, 3]
    normalize(2)
    records = lines(log_dir / "app.log")[-2:]
    assert [r["context"]["items"] for r in records] == [4, 2]
    assert records[0]["context"]["ctx_module"] == "context keys may clash"
    assert records[0]["function"] == "test_timed_as_a_decorator_counts_the_result_per_call"


def test_timed_without_a_volume_logs_no_items(setup):
    log_dir = setup()
    with timed("ping"):
        pass
    record = lines(log_dir / "app.log")[-1]
    assert record["logger"] == "timing"
    assert record["context"]["items"] is None
    assert "items" not in record["message"]
