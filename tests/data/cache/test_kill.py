"""A store writer killed with SIGKILL at a random moment never breaks the store."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from configuration.settings import JiraSettings
from data.cache.store import IssueStore, forget_loaded
from tests.data.cache.factory import synthetic_frames
from tests.data.cache.writer_process import BIG_ISSUES, JIRA, WHEN, marked

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ROUNDS = 4


def _start_writer(root: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.data.cache.writer_process", str(root)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def _expected(store_frames_statuses: pd.DataFrame) -> int | None:
    """The write number named by the marker status, or None for the small store."""
    markers = [n for n in store_frames_statuses["name"] if n.startswith("Marker ")]
    return int(markers[0].split()[1]) if markers else None


def test_sigkill_during_writes_leaves_a_complete_version(tmp_path: Path) -> None:
    store = IssueStore.for_jira(tmp_path, JIRA)
    small = synthetic_frames(100, 2, seed=1)
    with store.lock():
        store.save(small, jira=JiraSettings(url=JIRA.url, jql=JIRA.jql), fields=("status",),
                   value_fields=(), created_at=WHEN, last_sync_at=WHEN)
    big = synthetic_frames(BIG_ISSUES, 10, seed=5)
    rng = random.Random(4)
    for _ in range(ROUNDS):
        child = _start_writer(tmp_path)
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        forget_loaded()  # read what is on disk
        loaded = store.load()
        assert loaded is not None, "a killed writer must leave the previous version"
        number = _expected(loaded.frames.statuses)
        expected = small if number is None else marked(big, number)
        for name in ("issues", "transitions", "versions", "field_values", "statuses"):
            pd.testing.assert_frame_equal(getattr(loaded.frames, name), getattr(expected, name))
