"""Single-process mode's background jobs start in clean processes (issue 10, item 1).

The hang of issue 10: Dash's ``DiskcacheManager`` forked the threaded web server
while another thread was inside a log write, holding the log file's buffer lock; the
child's first log line then waited for that lock forever. These tests recreate that
instant deterministically (a log stream whose write blocks until released) and start
a job through the manager the dashboard uses.
"""

from __future__ import annotations

import io
import json
import logging
import logging.handlers
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dill
import psutil
import pytest

from callbacks.app_factory import create_app
from callbacks.background import background_manager
from callbacks.runtime import Runtime
from configuration.redaction import MASK, register_secret
from data.simulator.server import JiraSimulator
from tests.callbacks.test_fetch_and_runtime import ISSUES, write_settings
from tests.processes import threads_but_the_allocator
from ui import ids

JOB_BOUND = 60.0  # seconds: a job that has not answered by then is stuck
SECRET = "s3cret-token-of-the-parent"


class GatedFile(io.RawIOBase):
    """A log file whose writes wait at a gate: the writing thread stays inside the
    write, holding the buffer's lock, until the test opens the gate."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        self.entered = threading.Event()
        self.gate = threading.Event()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # RotatingFileHandler seeks to the end to measure the file

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def write(self, data: Any) -> int:
        self.entered.set()
        self.gate.wait()
        return self._file.write(data)

    def close(self) -> None:
        self._file.close()
        super().close()


@dataclass
class StuckWriter:
    """A thread stuck inside a write to the app log's stream."""

    raw: GatedFile
    thread: threading.Thread

    def release(self) -> None:
        self.raw.gate.set()
        self.thread.join(timeout=JOB_BOUND)


@pytest.fixture
def stuck_log_writer(isolated_logging: Path, tmp_path: Path) -> Iterator[StuckWriter]:
    (app_log,) = [h for h in logging.getLogger().handlers
                  if isinstance(h, logging.handlers.RotatingFileHandler)
                  and Path(h.baseFilename).name == "app.log"]
    raw = GatedFile(tmp_path / "gated.log")
    app_log.setStream(io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8")).close()
    thread = threading.Thread(target=logging.getLogger("busy").info, args=("a request",),
                              daemon=True)
    thread.start()
    raw.entered.wait(timeout=JOB_BOUND)
    assert raw.entered.is_set()
    writer = StuckWriter(raw, thread)
    yield writer
    writer.release()


def log_and_describe() -> dict[str, Any]:
    """A job: log (the token too, which must come out redacted), then describe the
    process it ran in."""
    logging.getLogger("job").info("job ran with %s", SECRET)
    parent = os.getppid()
    return {"pid": os.getpid(), "parent": parent,
            "parent_threads": threads_but_the_allocator(parent)}


def wait_for_result(manager: Any, key: str, pid: int) -> Any:
    """The job's stored result, waiting at most JOB_BOUND; the job is killed after."""
    deadline = time.monotonic() + JOB_BOUND
    try:
        while (result := manager.handle.get(key)) is None and time.monotonic() < deadline:
            threading.Event().wait(0.05)  # the job is another process: poll its result
        return result
    finally:
        manager.terminate_job(pid)


def test_a_job_starts_and_logs_while_another_thread_is_stuck_in_a_log_write(
        stuck_log_writer, isolated_logging, tmp_path):
    register_secret(SECRET)
    manager = background_manager(tmp_path / "cache", env={})
    job_fn = manager.make_job_fn(log_and_describe, False)  # as Dash registers a callback
    pid = manager.call_job_fn("job-1", job_fn, [], {})
    result = wait_for_result(manager, "job-1", pid)
    assert result is not None, "the job hung: it inherited a lock held by another thread"
    # Not a fork of this (threaded) process: a child of the single-threaded job server.
    assert result["pid"] == pid
    assert result["parent"] != os.getpid()
    assert len(result["parent_threads"]) == 1  # its main thread only
    lines = [json.loads(line) for line in (isolated_logging / "app.log").read_text().splitlines()]
    (job_line,) = [line for line in lines if line["logger"] == "job"]
    assert job_line["message"] == f"job ran with {MASK}"  # the parent's secrets, redacted


def _fetch_job(manager: Any) -> Any:
    """The job function Dash registered for the dashboard's fetch callback."""
    for job_fn in manager.func_registry.values():
        cells = dict(zip(job_fn.__code__.co_freevars, job_fn.__closure__, strict=True))
        if getattr(cells["fn"].cell_contents, "__module__", "") == "callbacks.fetch":
            return job_fn
    raise AssertionError("no fetch job registered")


def test_the_dashboard_fetch_runs_as_a_job_against_jira_over_http(
        stuck_log_writer, isolated_logging, tmp_path):
    with JiraSimulator(ISSUES) as simulator:
        settings = write_settings(tmp_path / "settings.json", simulator.url)
        create_app(settings, cache_dir=tmp_path / "cache", start_up=False)
        manager = background_manager(tmp_path / "cache", env={})
        clicked = [{"prop_id": f"{ids.FULL_REFRESH_BUTTON}.n_clicks", "value": 1}]
        pid = manager.call_job_fn("fetch-1", _fetch_job(manager),
                                  [None, 1, None, None, "page-load-1"],
                                  {"triggered_inputs": clicked})
        result = wait_for_result(manager, "fetch-1", pid)
    assert result is not None, "the fetch job hung"
    assert result["ok"] is True, result
    assert result["summary"].startswith("Fetched 5 issues (full sync")
    assert Runtime(settings, tmp_path / "cache").start().stored() is not None  # in the shared cache


def test_a_runtime_reaches_a_job_as_settings_and_paths_only(tmp_path):
    runtime = Runtime(tmp_path / "missing.json", tmp_path / "cache").start()  # demo: a simulator
    try:
        copy = dill.loads(dill.dumps(runtime))
        assert copy.settings == runtime.settings  # pointing at the parent's simulator
        assert (copy.cache_dir, copy.demo, copy.settings_path) == (
            runtime.cache_dir, True, runtime.settings_path)
        assert copy.simulator is None
        assert copy._lock is not runtime._lock
        copy.close()  # the copy never stops the parent's simulator
        assert runtime.simulator is not None
        assert runtime.simulator.url == copy.settings.jira.url
    finally:
        runtime.close()


def test_a_job_that_ended_between_two_checks_counts_as_ended(tmp_path, monkeypatch):
    manager = background_manager(tmp_path / "cache", env={})
    pid = manager.call_job_fn("quick", manager.make_job_fn(str, False), [], {})
    assert wait_for_result(manager, "quick", pid) == ""
    assert manager.get_result("quick", pid) == ""  # Dash reads it
    # The job server reaped it; psutil's first check still saw it (the race Dash has).
    monkeypatch.setattr(psutil, "pid_exists", lambda _pid: True)
    manager.terminate_job(pid)  # no NoSuchProcess: Dash would answer the poll with a 500
    assert manager.job_running(pid) is False


def test_a_job_that_ended_with_its_result_unread_still_counts_as_running(tmp_path):
    # Dash's poll reads the result, then asks whether the job runs: a job that stored
    # its result and ended in between must not pass for a cancelled one.
    manager = background_manager(tmp_path / "cache", env={})
    pid = manager.call_job_fn("late", manager.make_job_fn(str, False), [], {})
    deadline = time.monotonic() + JOB_BOUND
    while (manager.handle.get("late") is None or psutil.pid_exists(pid)) \
            and time.monotonic() < deadline:
        threading.Event().wait(0.05)  # another process: poll until it stored and ended
    assert not psutil.pid_exists(pid)
    assert manager.job_running(pid) is True  # so Dash polls again, and reads it
    assert manager.get_result("late", pid) == ""
    assert manager.job_running(pid) is False
