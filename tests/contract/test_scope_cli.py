"""``metrics`` with a scope (METRICS.md section 9) through the real command line.

The fixture is :mod:`tests.data.metrics.scope_fixture`: version 2.0 has five flow items
(S-1 .. S-5), two of them done at ``as_of``; every day of the 14-day window completes 2
items worth 3 points, so the dates are exact (the arithmetic is in the fixture).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from configuration.validation import settings_to_dict
from tests.contract.support import REPO
from tests.data.metrics.scope_fixture import AS_OF, DAYS, SETTINGS, release_raw

IN_ONE, IN_TWO, IN_THREE = (f"2026-02-0{d}T00:00:00+00:00" for d in (2, 3, 4))
RELEASE_SCOPE = {
    "total": 5, "done": 2, "remaining": 3, "dates": dict.fromkeys(("50", "85", "95"), IN_TWO),
    "points": {"total": 14.0, "done": 5.0, "remaining": 9.0,
               "dates": dict.fromkeys(("50", "85", "95"), IN_THREE)},
}
RELEASE_BURNUP = {
    "week_end": ["2026-01-25T00:00:00+00:00", "2026-02-01T00:00:00+00:00"],
    "total": [3, 5], "done": [2, 2],
    "points": {"total": [12.0, 14.0], "done": [4.0, 5.0]},
}


def run(tmp_path: Path, *args: str, scope_filter: list[str] | None = None,
        ) -> subprocess.CompletedProcess:
    raw_settings = settings_to_dict(SETTINGS)
    if scope_filter is not None:
        raw_settings["forecast"]["scope_filter"] = scope_filter
    settings_path, issues_path = tmp_path / "settings.json", tmp_path / "issues.json"
    settings_path.write_text(json.dumps(raw_settings), encoding="utf-8")
    issues_path.write_text(json.dumps(release_raw()), encoding="utf-8")
    command = [sys.executable, "app.py", "metrics", *args, "--settings", str(settings_path),
               "--issues", str(issues_path), "--as-of", AS_OF, "--days", str(DAYS)]
    env = {**os.environ, "DASHBOARD_LOG_DIR": str(tmp_path / "logs")}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def ok(tmp_path: Path, *args: str, scope_filter: list[str] | None = None) -> Any:
    done = run(tmp_path, *args, scope_filter=scope_filter)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def test_scope_option_gives_the_release_forecast_and_burn_up(tmp_path: Path) -> None:
    payload = ok(tmp_path, "--scope", "fixversion=2.0")
    assert payload["forecast"]["scope"] == RELEASE_SCOPE
    assert payload["series"]["burnup"] == RELEASE_BURNUP


def test_settings_scope_filter_is_used_and_the_option_overrides_it(tmp_path: Path) -> None:
    from_settings = ok(tmp_path, scope_filter=["fixVersion=2.0"])
    assert from_settings["forecast"]["scope"] == RELEASE_SCOPE
    overridden = ok(tmp_path, "--scope", "fixversion=2.0", scope_filter=["label=none"])
    assert overridden["forecast"]["scope"] == RELEASE_SCOPE
    # Two clauses must both hold: only S-4 is labelled "later".
    later = ok(tmp_path, "--scope", "fixversion=2.0", "--scope", "label=later")
    assert (later["forecast"]["scope"]["total"], later["forecast"]["scope"]["remaining"]) == (
        1, 1)
    assert later["forecast"]["scope"]["dates"]["85"] == IN_ONE  # 1 item at 2 a day


def test_the_scope_is_taken_within_the_segment(tmp_path: Path) -> None:
    # Without S-4 the segment keeps every completion (S-4 never completed): the same
    # throughput, 2 items remaining -> 1 day; points unchanged (S-4 had none).
    payload = ok(tmp_path, "--scope", "fixversion=2.0", "--filter", "label!=later")
    assert payload["forecast"]["scope"] == {
        **RELEASE_SCOPE, "total": 4, "remaining": 2,
        "dates": dict.fromkeys(("50", "85", "95"), IN_ONE),
    }
    assert payload["series"]["burnup"]["total"] == [3, 4]


def test_without_a_scope_filter_the_scope_is_every_flow_item(tmp_path: Path) -> None:
    # 26 throughput items (2 a day, 1 on the two days S-1 and S-3 complete), all done,
    # + S-1 .. S-5: 31 flow items, 28 done.
    scope = ok(tmp_path)["forecast"]["scope"]
    assert (scope["total"], scope["done"], scope["remaining"]) == (31, 28, 3)


@pytest.mark.parametrize(("args", "message"), [
    (("--scope", "team=A"), 'unknown field "team"'),
    (("--scope", "fixversion="), "has no value"),
])
def test_a_bad_scope_clause_exits_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = run(tmp_path, *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr


def test_a_bad_scope_filter_in_the_settings_exits_2(tmp_path: Path) -> None:
    done = run(tmp_path, scope_filter=["fixversion"])
    assert done.returncode == 2
    assert "forecast.scope_filter" in done.stderr
