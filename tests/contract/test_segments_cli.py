"""``metrics --filter`` and ``items METRIC`` through the real command line (section 8)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from configuration.validation import settings_to_dict
from tests.contract.support import REPO
from tests.data.segments.fixture import AS_OF, DAYS, RAW, SETTINGS


def run(tmp_path: Path, *args: str, raw: list | None = None) -> subprocess.CompletedProcess:
    settings_path, issues_path = tmp_path / "settings.json", tmp_path / "issues.json"
    settings_path.write_text(json.dumps(settings_to_dict(SETTINGS)), encoding="utf-8")
    issues_path.write_text(json.dumps(RAW if raw is None else raw), encoding="utf-8")
    command = [sys.executable, "app.py", *args, "--settings", str(settings_path),
               "--issues", str(issues_path), "--as-of", AS_OF, "--days", str(DAYS)]
    env = {**os.environ, "DASHBOARD_LOG_DIR": str(tmp_path / "logs")}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def ok(tmp_path: Path, *args: str, raw: list | None = None) -> Any:
    done = run(tmp_path, *args, raw=raw)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def test_metrics_of_a_segment(tmp_path: Path) -> None:
    payload = ok(tmp_path, "metrics", "--filter", "component=API", "--filter", "type!=Incident")
    assert payload["issues"] == 4
    assert payload["dora"]["lead_time_for_changes"]["median_hours"] == 96.0
    assert payload["dora"]["change_failure_rate"]["percent"] == 50.0
    assert payload["flow"]["velocity"]["completed"] == 2


def test_items_of_a_segment(tmp_path: Path) -> None:
    found = ok(tmp_path, "items", "lead_time_for_changes", "--filter", "assignee=Ann Lee")
    assert [(i["key"], i["hours"]) for i in found] == [("S-1", 72.0)]
    wip = ok(tmp_path, "items", "load")
    assert [(i["key"], i["status"], i["age_days"]) for i in wip] == [("S-4", "In Progress", 6.0)]


def test_items_print_non_ascii_text_as_utf8_json(tmp_path: Path) -> None:
    # items are printed by msgspec (compact UTF-8, no \\u escapes), not json.dumps
    raw = copy.deepcopy(RAW)
    raw[0]["fields"]["summary"] = "Café – naïve ✓ 日本"
    found = ok(tmp_path, "items", "lead_time_for_changes", "--filter", "assignee=Ann Lee",
               raw=raw)
    assert [(i["key"], i["summary"]) for i in found] == [("S-1", "Café – naïve ✓ 日本")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("metrics", "--filter", "team=A"), 'unknown field "team"'),
        (("items", "velocity", "--filter", "label="), "has no value"),
        (("items", "speed"), 'Unknown metric "speed"'),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: tuple, message: str) -> None:
    done = run(tmp_path, *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr
