"""Helpers for the contract tests: run the real command line and compare its JSON.

The contract tests treat the engine as a black box: they write raw JIRA issues (real
Cloud shape, built with :mod:`tests.builders`) and a ``settings.json`` to a temporary
directory, run ``python app.py metrics --settings S --issues F --as-of T --days N`` as
a subprocess, and compare the printed JSON with values computed by hand from
``shared/METRICS.md``. Terms:

- *headline*: the keys of METRICS.md section 6 (``as_of``, ``period_days``, ``issues``,
  ``dora``, ``flow``); the rest of the output (``series``, ``cumulative_flow``, ...) is
  checked by the section 7 tests.
- *same*: equal keys at every level, equal types (an int count is never ``2.0``), and
  floats equal to 1e-9 relative (the hand arithmetic is exact; only float rounding may
  differ).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
HEADLINE_KEYS = ("as_of", "period_days", "issues", "dora", "flow")
FLOW_TYPES = ("feature", "defect", "risk", "debt", "other")
WORKFLOW = {
    "active_statuses": ["In Progress", "In Review"],
    "waiting_statuses": ["Blocked", "Ready for QA"],
    "done_statuses": ["Done", "Closed"],
}


def run_metrics(
    tmp_path: Path,
    settings: dict[str, Any],
    issues: Any,
    *,
    as_of: str,
    days: int | None = None,
) -> dict[str, Any]:
    """Write the inputs, run the metrics command and return its parsed stdout."""
    settings_path, issues_path = tmp_path / "settings.json", tmp_path / "issues.json"
    settings_path.write_text(json.dumps(settings), encoding="utf-8")
    issues_path.write_text(json.dumps(issues), encoding="utf-8")
    command = [sys.executable, "app.py", "metrics", "--settings", str(settings_path),
               "--issues", str(issues_path), "--as-of", as_of]
    if days is not None:
        command += ["--days", str(days)]
    # logs go to tmp_path: the test must not write into the repository's logs/
    env = {**os.environ, "DASHBOARD_LOG_DIR": str(tmp_path / "logs")}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def settings_file(
    deployments: dict[str, Any] | None = None,
    incidents: dict[str, Any] | None = None,
    change_start_field: str | None = None,
) -> dict[str, Any]:
    """A settings.json with the section 5 workflow and the given DORA sections."""
    return {
        "workflow": WORKFLOW,
        "flow_types": {"feature": ["Story"], "defect": ["Bug"],
                       "risk": ["Vulnerability"], "debt": ["Tech Debt"]},
        "dora": {
            "deployments": deployments or {},
            "incidents": incidents or {},
            "change_start_field": change_start_field,
        },
    }


def headline(output: dict[str, Any]) -> dict[str, Any]:
    """The section 6 keys of one metrics output."""
    missing = [key for key in HEADLINE_KEYS if key not in output]
    assert not missing, f"missing headline keys: {missing}"
    return {key: output[key] for key in HEADLINE_KEYS}


def assert_same(actual: Any, expected: Any, where: str = "$") -> None:
    """Deep comparison: same keys, same JSON types, floats to 1e-9 relative."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        assert set(actual) == set(expected), f"{where}: keys {list(actual)} != {list(expected)}"
        for key, value in expected.items():
            assert_same(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: {actual!r} is not a list"
        assert len(actual) == len(expected), f"{where}: {actual!r} != {expected!r}"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_same(got, want, f"{where}[{index}]")
    elif isinstance(expected, float):
        assert type(actual) is float, f"{where}: {actual!r} is not a float"
        assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9), (
            f"{where}: {actual!r} != {expected!r}"
        )
    else:
        assert type(actual) is type(expected), f"{where}: {actual!r} vs {expected!r}"
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def empty_dora() -> dict[str, Any]:
    """The DORA block of a project with nothing to count (section 4: nulls, no tier)."""
    return {
        "deployment_frequency": {"deployments": 0, "per_week": 0.0, "tier": None},
        "lead_time_for_changes": {"changes": 0, "median_hours": None, "p85_hours": None,
                                  "tier": None},
        "change_failure_rate": {"deployments": 0, "failed": 0, "percent": None, "tier": None},
        "time_to_restore": {"incidents": 0, "median_hours": None, "p85_hours": None,
                            "tier": None},
    }


def by_type(**counts: int) -> dict[str, int]:
    """All five flow type keys, zeros for the ones not given."""
    return {name: counts.get(name, 0) for name in FLOW_TYPES}


def shares(**counts: int) -> dict[str, float | None]:
    """Flow Distribution from completed counts per type (null when none completed)."""
    total = sum(counts.values())
    return {name: (counts.get(name, 0) * 100.0 / total if total else None)
            for name in FLOW_TYPES}


def interpolated(values: Iterable[float], percent: float) -> float:
    """Linear-interpolation percentile written out by hand (h = (n - 1) p)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


COUNT_KEYS = frozenset({"deployments", "changes", "failed", "incidents", "completed",
                        "items", "unstarted", "wip", "issues", "period_days"})
TIERS = (None, "elite", "high", "medium", "low")


def assert_section6_types(output: dict[str, Any]) -> None:
    """Section 6 typing: counts are ints, tiers strings or null, other numbers floats
    or null, ``as_of`` ISO 8601 in UTC with ``+00:00``."""
    assert isinstance(output["as_of"], str)
    assert output["as_of"].endswith("+00:00"), output["as_of"]
    _walk_types(headline(output), "$")


def _walk_types(value: Any, where: str) -> None:
    key = where.rsplit(".", 1)[-1]
    if isinstance(value, dict):
        for name, inner in value.items():
            _walk_types(inner, f"{where}.{name}")
    elif key == "as_of":
        return
    elif key == "tier":
        assert value in TIERS, f"{where}: {value!r}"
    elif key in COUNT_KEYS or ".by_type." in where or ".by_status." in where:
        assert type(value) is int, f"{where}: count {value!r} is not an int"
    else:
        assert value is None or type(value) is float, f"{where}: {value!r} is not a float"
