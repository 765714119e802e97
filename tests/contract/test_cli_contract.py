"""The command line's JSON headline (METRICS.md section 6) on small hand-made projects.

Covers the empty project (nulls, null tiers, zero counts), one example at a tier
boundary per DORA metric, the ``issues`` count, the ``as_of`` rendering and the JSON
types of every section 6 key. The bigger worked examples are in
``test_flow_contract.py`` and ``test_dora_contract.py``; their outputs are type-checked
here too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from configuration.validation import parse_settings
from data.service import fetch_command, metrics_command
from data.simulator.server import JiraSimulator
from tests.builders import issue, option, search_page, version
from tests.contract import test_dora_contract as dora
from tests.contract import test_flow_contract as flow
from tests.contract.support import (
    REPO,
    assert_same,
    assert_section6_types,
    by_type,
    empty_dora,
    headline,
    run_metrics,
    settings_file,
    shares,
)

_t = flow.stamp
AS_OF = flow.AS_OF
FAILED = "customfield_10051"


def test_empty_project_is_all_nulls(tmp_path: Path) -> None:
    # One search page whose only issue is created at as_of: nothing is considered.
    page = search_page([issue("E-1", "Story", _t("03-31"), status="Done")])
    output = run_metrics(tmp_path, settings_file(), page, as_of=AS_OF, days=28)
    expected = {
        "as_of": AS_OF,
        "period_days": 28,
        "issues": 0,
        "dora": empty_dora(),
        "flow": {
            "velocity": {"completed": 0, "per_week": 0.0, "by_type": by_type()},
            "time": {"items": 0, "unstarted": 0, "median_days": None, "p85_days": None,
                     "p95_days": None},
            "efficiency": {"percent": None},
            "load": {"wip": 0, "by_status": {}},
            "distribution": shares(),
        },
    }
    assert_same(headline(output), expected)
    assert_section6_types(output)
    # section 7: every bucket's counts are 0 and its medians / rates null
    series = output["series"]
    assert series["completed"] == series["deployments"] == series["wip"] == [0] * 4
    assert series["flow_time_median_days"] == series["lead_time_median_hours"] == [None] * 4
    assert series["efficiency_percent"] == series["change_failure_percent"] == [None] * 4


def _daily_deployments(days: int, failed: int) -> list[dict]:
    """One Deployment done at 12:00 on each of the ``days`` days ending 03-30, each in
    its own fix version ``r1``..; the first ``failed`` ones failed."""
    start_day = 31 - days
    return [
        issue(f"DEP-{n}", "Deployment", _t(f"03-{start_day + n - 1:02d}"),
              transitions=[(_t(f"03-{start_day + n - 1:02d}", "12:00"), "To Do", "Done")],
              fix_versions=[version(str(n), f"r{n}")],
              fields={FAILED: option("Yes" if n <= failed else "No")})
        for n in range(1, days + 1)
    ]


TIER_SETTINGS = settings_file(deployments={"failure_field": FAILED})

# 20 days, window [03-11, 03-31): 20 deployments (03-11 .. 03-30 at 12:00) ->
# per_week 20 * 7 / 20 = 7.0 = the elite bound (>= 7); 1 failed of 20 = 5.0 % = the
# elite bound (<= 5). S-1 starts 03-10T12:00, deployed with r1 03-11T12:00 -> 24.0 h,
# just not elite (< 24): high. INC-1 created 03-15T00:00, Done 01:00 -> 1.0 h, just
# not elite (< 1): high. INC-1 never passed an active status: completed, unstarted.
ELITE_EDGE = [
    *_daily_deployments(20, failed=1),
    issue("S-1", "Story", _t("03-09"), transitions=[(_t("03-10", "12:00"), "To Do",
                                                     "In Progress")],
          fix_versions=[version("1", "r1")]),
    issue("INC-1", "Incident", _t("03-15"), transitions=[(_t("03-15", "01:00"), "To Do",
                                                          "Done")]),
]
ELITE_EDGE_EXPECTED = {
    "as_of": AS_OF, "period_days": 20, "issues": 22,
    "dora": {
        "deployment_frequency": {"deployments": 20, "per_week": 7.0, "tier": "elite"},
        "lead_time_for_changes": {"changes": 1, "median_hours": 24.0, "p85_hours": 24.0,
                                  "tier": "high"},
        "change_failure_rate": {"deployments": 20, "failed": 1, "percent": 5.0,
                                "tier": "elite"},
        "time_to_restore": {"incidents": 1, "median_hours": 1.0, "p85_hours": 1.0,
                            "tier": "high"},
    },
    "flow": {
        "velocity": {"completed": 1, "per_week": 7 / 20, "by_type": by_type(other=1)},
        "time": {"items": 0, "unstarted": 1, "median_days": None, "p85_days": None,
                 "p95_days": None},
        "efficiency": {"percent": None},
        "load": {"wip": 1, "by_status": {"In Progress": 1}},
        "distribution": shares(other=1),
    },
}

# 30 days, window [03-01, 03-31): one deployment DEP-1 03-30T12:00 -> per_week
# 1 * 7 / 30 = 7/30, the medium bound (>= 7/30); 0 failed -> 0.0 % elite. S-1 starts
# 03-23T12:00 -> 168.0 h, just not high (< 168): medium. INC-1 In Progress at its
# creation 03-20T00:00, Done 03-21T00:00 -> 24.0 h, just not high (< 24): medium; as
# a flow item: 1.0 d, all active.
MEDIUM_EDGE = [
    *_daily_deployments(1, failed=0),
    issue("S-1", "Story", _t("03-22"), transitions=[(_t("03-23", "12:00"), "To Do",
                                                     "In Progress")],
          fix_versions=[version("1", "r1")]),
    issue("INC-1", "Incident", _t("03-20"), transitions=[
        (_t("03-20"), "To Do", "In Progress"), (_t("03-21"), "In Progress", "Done")]),
]
MEDIUM_EDGE_EXPECTED = {
    "as_of": AS_OF, "period_days": 30, "issues": 3,
    "dora": {
        "deployment_frequency": {"deployments": 1, "per_week": 7 / 30, "tier": "medium"},
        "lead_time_for_changes": {"changes": 1, "median_hours": 168.0, "p85_hours": 168.0,
                                  "tier": "medium"},
        "change_failure_rate": {"deployments": 1, "failed": 0, "percent": 0.0,
                                "tier": "elite"},
        "time_to_restore": {"incidents": 1, "median_hours": 24.0, "p85_hours": 24.0,
                            "tier": "medium"},
    },
    "flow": {
        "velocity": {"completed": 1, "per_week": 7 / 30, "by_type": by_type(other=1)},
        "time": {"items": 1, "unstarted": 0, "median_days": 1.0, "p85_days": 1.0,
                 "p95_days": 1.0},
        "efficiency": {"percent": 100.0},
        "load": {"wip": 1, "by_status": {"In Progress": 1}},
        "distribution": shares(other=1),
    },
}


@pytest.mark.parametrize(
    ("issues", "days", "expected"),
    [(ELITE_EDGE, 20, ELITE_EDGE_EXPECTED), (MEDIUM_EDGE, 30, MEDIUM_EDGE_EXPECTED)],
    ids=["elite-edge", "medium-edge"],
)
def test_tier_boundaries(
    tmp_path: Path, issues: list[dict], days: int, expected: dict[str, Any]
) -> None:
    output = run_metrics(tmp_path, TIER_SETTINGS, issues, as_of=AS_OF, days=days)
    assert_same(headline(output), expected)
    assert_section6_types(output)


def test_low_tiers_just_past_the_medium_bounds(tmp_path: Path) -> None:
    # 31 days: 1 deployment -> 7/31 per week < 7/30: low; it failed: 100 % > 15: low.
    # S-1 starts 02-28T12:00 -> 03-30T12:00 = 720 h, not < 720: low. INC-1 created
    # 03-23T00:00, Done 03-30T00:00 -> 168 h, not < 168: low.
    issues = [
        *_daily_deployments(1, failed=1),
        issue("S-1", "Story", _t("02-27"), transitions=[(_t("02-28", "12:00"), "To Do",
                                                         "In Progress")],
              fix_versions=[version("1", "r1")]),
        issue("INC-1", "Incident", _t("03-23"), transitions=[(_t("03-30"), "To Do", "Done")]),
    ]
    dora_block = run_metrics(tmp_path, TIER_SETTINGS, issues, as_of=AS_OF, days=31)["dora"]
    assert_same(dora_block, {
        "deployment_frequency": {"deployments": 1, "per_week": 7 / 31, "tier": "low"},
        "lead_time_for_changes": {"changes": 1, "median_hours": 720.0, "p85_hours": 720.0,
                                  "tier": "low"},
        "change_failure_rate": {"deployments": 1, "failed": 1, "percent": 100.0,
                                "tier": "low"},
        "time_to_restore": {"incidents": 1, "median_hours": 168.0, "p85_hours": 168.0,
                            "tier": "low"},
    })


@pytest.mark.parametrize(
    ("settings", "issues"),
    [(flow.FLOW_SETTINGS, flow.FLOW_ISSUES),
     (dora.ISSUE_SOURCE_SETTINGS, dora.ISSUE_SOURCE),
     (dora.VERSION_SOURCE_SETTINGS, dora.VERSION_SOURCE)],
    ids=["flow", "issue-source", "version-source"],
)
def test_json_types_and_default_period(
    tmp_path: Path, settings: dict[str, Any], issues: list[dict]
) -> None:
    # no --days: the settings' period_days (90 by default), an int; as_of in UTC
    output = run_metrics(tmp_path, {**settings, "period_days": 35}, issues,
                         as_of="2026-03-30T19:00:00-05:00")
    assert output["as_of"] == "2026-03-31T00:00:00+00:00"
    assert output["period_days"] == 35
    assert len(output["series"]["week_start"]) == 5
    assert_section6_types(output)


def test_fetch_then_metrics_from_the_cache_gives_the_same_headline(tmp_path: Path) -> None:
    # Section 6: without --issues the command uses the cache. The DORA example, served
    # by the project's JIRA simulator on 127.0.0.1 and synced by the CLI's own service
    # functions, must give the very numbers worked out by hand for the issues file.
    # In process with an explicit cache directory: `app.py fetch` / `app.py metrics`
    # do not pass DASHBOARD_CACHE_DIR on (they always use cache/), so a subprocess would
    # write into the repository's shared cache.
    cache = tmp_path / "cache"
    with JiraSimulator(dora.ISSUE_SOURCE) as simulator:
        settings = parse_settings({
            **dora.ISSUE_SOURCE_SETTINGS,
            "jira": {"url": simulator.url, "email": "demo@example.com",
                     "token": "demo-token", "jql": "project in (D, C, I)"},
        })
        summary = fetch_command(settings, False, None, cache_dir=cache)
        assert "23 issues" in summary
    # the simulator is stopped: the metrics come from the cache alone
    output = metrics_command(settings, None, datetime.fromisoformat(AS_OF), 28,
                             cache_dir=cache)
    assert_same(headline(json.loads(json.dumps(output))), dora.ISSUE_SOURCE_EXPECTED)


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        # 3 histories present of 45: section 6 wants each issue's complete changelog
        ([issue("T-1", "Story", _t("03-01"), transitions=[
            (_t("03-02"), "To Do", "In Progress"), (_t("03-03"), "In Progress", "Done")],
            changelog_total=45)], "T-1"),
        ({"values": []}, "list of issues"),
        ([{"key": "X-1"}], "not a JIRA issue"),
    ],
    ids=["truncated-changelog", "not-a-search-response", "not-an-issue"],
)
def test_bad_issues_files_exit_2_with_one_line(tmp_path: Path, payload: Any, words: str) -> None:
    settings_path, issues_path = tmp_path / "settings.json", tmp_path / "issues.json"
    settings_path.write_text(json.dumps(settings_file()))
    issues_path.write_text(json.dumps(payload))
    done = subprocess.run(
        [sys.executable, "app.py", "metrics", "--settings", str(settings_path), "--issues",
         str(issues_path), "--as-of", AS_OF],
        cwd=REPO, env={**os.environ, "DASHBOARD_LOG_DIR": str(tmp_path / "logs")},
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert words in done.stderr
    assert "Traceback" not in done.stderr
