"""Two processes syncing the same key at once: one fetch, one valid store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from data.cache.store import IssueStore
from data.simulator.server import JiraSimulator
from tests.data.cache.conftest import PROJECT_SIZE, settings_for

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def test_two_processes_fetching_the_same_key_make_one_fetch(
    simulator: JiraSimulator, tmp_path: Path
) -> None:
    root, go = tmp_path / "issues", tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.data.cache.sync_process", str(root), simulator.url,
             str(go)],
            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    outcomes = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        outcomes.append(json.loads(out))
    assert sorted(o["mode"] for o in outcomes) == ["cached", "full"]
    fetched = next(o for o in outcomes if o["mode"] == "full")
    assert simulator.stats.requests == fetched["requests"]
    assert outcomes[0]["store_version"] == outcomes[1]["store_version"]
    loaded = IssueStore.for_jira(root, settings_for(simulator.url).jira).load()
    assert loaded is not None
    assert loaded.metadata.issue_count == PROJECT_SIZE
