"""A child process that rewrites one big issue store in a loop until it is killed.

Used by ``test_kill.py``: ``python -m tests.data.cache.writer_process <root>``.
Each write is the same big frames plus one marker status ``Marker <i>``, so the
test can rebuild exactly what any complete version must contain. Prints ``ready``
once the frames are built, so that the kill lands during writes, not during setup.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from configuration.settings import JiraSettings
from data.cache.store import IssueStore
from data.issues.frames import IssueFrames
from tests.data.cache.factory import synthetic_frames

BIG_ISSUES = 20_000
JIRA = JiraSettings(url="https://kill.example.net", jql="project = KILL")
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def marked(frames: IssueFrames, i: int) -> IssueFrames:
    """``frames`` with one extra status row naming write number ``i``."""
    marker = pd.DataFrame(
        {"name": pd.Series([f"Marker {i}"], dtype="str"),
         "category": pd.Series(["new"], dtype="str")}
    )
    return replace(frames, statuses=pd.concat([frames.statuses, marker], ignore_index=True))


def write_forever(root: Path) -> None:
    store = IssueStore.for_jira(root, JIRA)
    big = synthetic_frames(BIG_ISSUES, 10, seed=5)
    print("ready", flush=True)
    for i in range(1, 100_000):
        with store.lock():
            store.save(
                marked(big, i), jira=JIRA, fields=("status",), value_fields=(),
                created_at=WHEN, last_sync_at=WHEN,
            )


if __name__ == "__main__":
    write_forever(Path(sys.argv[1]))
