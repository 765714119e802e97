"""DORA metrics from both deployment sources, through the real command line.

``as_of`` 2026-03-31T00:00Z, 28 days: window [2026-03-03T00:00Z, 2026-03-31T00:00Z).
Every expected value is worked out by hand from METRICS.md sections 1-4; the arithmetic
is in the comments. Times are UTC unless an offset is written. The whole headline is
asserted, so the incidents and changes (which are flow items) are worked out for the
flow metrics too.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import issue, option, version
from tests.contract.support import assert_same, by_type, headline, run_metrics, settings_file
from tests.contract.test_flow_contract import AS_OF, stamp

ENV, FAILED, DEPLOYED_AT = "customfield_10050", "customfield_10051", "customfield_10060"
INC_START, INC_END, CHANGE_START = "customfield_10070", "customfield_10071", "customfield_10080"
V10, V11, V12 = version("101", "v1.0"), version("102", "v1.1"), version("103", "v1.2")
V13, V14 = version("104", "v1.3"), version("105", "v1.4")


def _deployment(key: str, created: str, done: str | None, versions: list[dict],
                **fields: Any) -> dict:
    """A Deployment issue: To Do -> Done at ``done`` (stays To Do when None)."""
    steps = [(done, "To Do", "Done")] if done else []
    return issue(key, "Deployment", created, transitions=steps, fix_versions=versions,
                 fields=fields)


def _change(key: str, started: str | None, versions: list[dict], **fields: Any) -> dict:
    """A Story created 03-01 that moves to In Progress at ``started`` and stays there."""
    steps = [(started, "To Do", "In Progress")] if started else []
    return issue(key, "Story", stamp("03-01"), transitions=steps, fix_versions=versions,
                 fields=fields)


ISSUE_SOURCE = [
    # Deployments (completed, production) and their times:
    # D-1 env option, failure option "No", no date field: time = completed 03-05T10:00.
    _deployment("D-1", stamp("03-05"), stamp("03-05", "10:00"), [V10],
                **{ENV: option("Production"), FAILED: option("No")}),
    # D-2 env as a plain string, failure as a list of options holding "Yes" -> failed;
    # date field 03-12T09:00+0200 = 07:00Z wins over its completion 03-12T12:00.
    _deployment("D-2", stamp("03-12"), stamp("03-12", "12:00"), [V11],
                **{ENV: "Production", FAILED: [option("Yes")],
                   DEPLOYED_AT: stamp("03-12", "09:00", "+0200")}),
    # D-3 env a list of strings with Production, failure the string "Yes" -> failed;
    # date-only field 2026-03-19 -> end of day 03-20T00:00Z.
    _deployment("D-3", stamp("03-19"), stamp("03-19", "15:00"), [V12],
                **{ENV: ["Staging", "Production"], FAILED: "Yes", DEPLOYED_AT: "2026-03-19"}),
    # D-4 Staging: not a deployment. D-5 Production but not done: not a deployment.
    _deployment("D-4", stamp("03-20"), stamp("03-20", "10:00"), [V13], **{ENV: option("Staging")}),
    _deployment("D-5", stamp("03-21"), None, [V14], **{ENV: option("Production")}),
    # D-6 date 2026-04-02 -> 04-03T00:00Z, after as_of: a deployment outside the window.
    _deployment("D-6", stamp("03-29"), stamp("03-29", "10:00"), [V12],
                **{ENV: option("Production"), FAILED: option("No"), DEPLOYED_AT: "2026-04-02"}),
    # D-7 completed 02-20T00:00, before the window.
    _deployment("D-7", stamp("02-19"), stamp("02-20"), [V10], **{ENV: option("Production")}),
    # Changes (lead time = earliest linked deployment at or after the start):
    # C-1 start = started_at 03-04T09:00; v1.0 -> D-7 02-20 (before), D-1 03-05T10 -> 25 h.
    _change("C-1", stamp("03-04", "09:00"), [V10]),
    # C-2 change_start_field 03-01T12:00-0300 = 15:00Z wins over started_at 03-06;
    # -> D-1 03-05T10:00: 3 d 19 h = 91 h.
    _change("C-2", stamp("03-06"), [V10], **{CHANGE_START: stamp("03-01", "12:00", "-0300")}),
    # C-3 In Review (active) from 03-10T07:00; v1.1 -> D-2 at its date field 07:00Z
    # on 03-12 = 48 h (not its completion 12:00).
    issue("C-3", "Story", stamp("03-01"),
          transitions=[(stamp("03-10", "07:00"), "To Do", "In Review")],
          fix_versions=[V11]),
    # C-4 Blocked (waiting starts work) from 03-13T00; v1.1 -> D-2 03-12 is before the
    # start; v1.2 -> D-3 03-20T00 and D-6 04-03: earliest at or after = 03-20 -> 168 h.
    issue("C-4", "Story", stamp("03-01"), transitions=[(stamp("03-13"), "To Do", "Blocked")],
          fix_versions=[V11, V12]),
    # C-5 start 03-21; v1.2: D-3 is before, D-6 (04-03) ends after as_of: not counted.
    _change("C-5", stamp("03-21"), [V12]),
    # C-6 only linked to v1.3 (D-4, Staging): no deployment, not counted.
    _change("C-6", stamp("03-02"), [V13]),
    # C-7 never started and no start field: not counted.
    _change("C-7", None, [V11]),
    # C-8 date-only start field 2026-03-03 -> 03-04T00:00Z; -> D-1 03-05T10 = 34 h.
    _change("C-8", stamp("03-02"), [V10], **{CHANGE_START: "2026-03-03"}),
    # C-9 start 02-15 (created 02-10); earliest deployment at or after = D-7 02-20,
    # outside the window: not counted although D-1 is inside.
    issue("C-9", "Story", stamp("02-10"), transitions=[(stamp("02-15"), "To Do", "In Progress")],
          fix_versions=[V10]),
    # Incidents (restore: start field else created; end field else completed_at):
    # I-1 created 03-06T10:00, Done 03-06T14:00 -> 4 h. Flow: 11:00 -> 14:00 = 3 h.
    issue("I-1", "Incident", stamp("03-06", "10:00"), transitions=[
        (stamp("03-06", "11:00"), "To Do", "In Progress"),
        (stamp("03-06", "14:00"), "In Progress", "Done")]),
    # I-2 start field 03-08T08:00+0100 = 07:00Z, end field 09:30Z -> 2.5 h.
    # Flow: 03-08T10:00 -> 03-09T00:00 = 14 h.
    issue("I-2", "Incident", stamp("03-08", "09:00"), transitions=[
        (stamp("03-08", "10:00"), "To Do", "In Progress"),
        (stamp("03-09"), "In Progress", "Done")],
        fields={INC_START: stamp("03-08", "08:00", "+0100"), INC_END: stamp("03-08", "09:30")}),
    # I-3 end field 09:00 before start field 10:00: excluded. Flow: To Do -> Done
    # 03-15T12:00, never started -> unstarted.
    issue("I-3", "Incident", stamp("03-15", "08:00"), transitions=[
        (stamp("03-15", "12:00"), "To Do", "Done")],
        fields={INC_START: stamp("03-15", "10:00"), INC_END: stamp("03-15", "09:00")}),
    # I-4 not done, no end field: no end, excluded. WIP (In Progress).
    issue("I-4", "Incident", stamp("03-27"), transitions=[
        (stamp("03-27", "06:00"), "To Do", "In Progress")]),
    # I-5 created 03-20T00, Done 03-25T00 -> 120 h. Flow: 03-24 -> 03-25 = 1 d.
    issue("I-5", "Incident", stamp("03-20"), transitions=[
        (stamp("03-24"), "To Do", "In Progress"), (stamp("03-25"), "In Progress", "Done")]),
    # I-6 end field 04-01, after as_of: excluded. WIP (In Progress).
    issue("I-6", "Incident", stamp("03-28"), transitions=[
        (stamp("03-28", "01:00"), "To Do", "In Progress")],
        fields={INC_END: stamp("04-01")}),
    # I-7 ended 02-11, before the window.
    issue("I-7", "Incident", stamp("02-10"), transitions=[
        (stamp("02-10", "01:00"), "To Do", "In Progress"),
        (stamp("02-11"), "In Progress", "Done")]),
]

ISSUE_SOURCE_SETTINGS = settings_file(
    deployments={"source": "issues", "issue_types": ["Deployment"], "date_field": DEPLOYED_AT,
                 "environment_field": ENV, "production_values": ["Production"],
                 "failure_field": FAILED, "failure_values": ["Yes"]},
    incidents={"issue_types": ["Incident"], "start_field": INC_START, "end_field": INC_END},
    change_start_field=CHANGE_START,
)

# Deployments in the window: D-1 03-05T10, D-2 03-12T07, D-3 03-20T00 -> 3;
# per_week 3 / (28 / 7) = 0.75 (>= 7/30, < 1: medium); failed D-2, D-3 -> 66.67 % low.
# Lead times (h) sorted: 25, 34, 48, 91, 168 -> median 48 (high);
# p85: h = 0.85 * 4 = 3.4 -> 91 + 0.4 * (168 - 91) = 121.8.
# Restores (h) sorted: 2.5, 4, 120 -> median 4 (high); p85: h = 1.7 -> 4 + 0.7 * 116 = 85.2.
# Flow: completed in the window I-1, I-2, I-3, I-5 (type other); measured I-1 3 h =
# 3/24 d, I-2 14/24 d, I-5 1 d -> median 14/24, p85 h = 1.7 -> 14/24 + 0.7 * 10/24 =
# 21/24, p95 h = 1.9 -> 23/24; all measured time is In Progress -> efficiency 100.
# WIP: In Progress C-1 C-2 C-5 C-6 C-8 C-9 I-4 I-6 = 8, In Review C-3, Blocked C-4.
ISSUE_SOURCE_EXPECTED = {
    "as_of": AS_OF,
    "period_days": 28,
    "issues": 23,
    "dora": {
        "deployment_frequency": {"deployments": 3, "per_week": 0.75, "tier": "medium"},
        "lead_time_for_changes": {"changes": 5, "median_hours": 48.0, "p85_hours": 121.8,
                                  "tier": "high"},
        "change_failure_rate": {"deployments": 3, "failed": 2, "percent": 2 / 3 * 100,
                                "tier": "low"},
        "time_to_restore": {"incidents": 3, "median_hours": 4.0, "p85_hours": 85.2,
                            "tier": "high"},
    },
    "flow": {
        "velocity": {"completed": 4, "per_week": 1.0, "by_type": by_type(other=4)},
        "time": {"items": 3, "unstarted": 1, "median_days": 14 / 24, "p85_days": 21 / 24,
                 "p95_days": 23 / 24},
        "efficiency": {"percent": 100.0},
        "load": {"wip": 10, "by_status": {"In Progress": 8, "In Review": 1, "Blocked": 1}},
        "distribution": {"feature": 0.0, "defect": 0.0, "risk": 0.0, "debt": 0.0,
                         "other": 100.0},
    },
}


@pytest.fixture(scope="module")
def issue_source_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_metrics(tmp_path_factory.mktemp("dora"), ISSUE_SOURCE_SETTINGS, ISSUE_SOURCE,
                       as_of=AS_OF, days=28)


def test_issue_source_headline(issue_source_output: dict[str, Any]) -> None:
    assert_same(headline(issue_source_output), ISSUE_SOURCE_EXPECTED)


W20, W21 = version("201", "v2.0", True, "2026-03-05"), version("202", "v2.1", True, "2026-03-30")
W22, W23 = version("203", "v2.2", False, "2026-03-10"), version("204", "v2.3", True)
W24, W19 = version("205", "v2.4", True, "2026-03-19"), version("206", "v1.9", True, "2026-02-01")
W25 = version("207", "v2.5", True, "2026-03-02")


def _incident(key: str, created: str, done: str, env: Any, affected: list[dict]) -> dict:
    """An incident In Progress at creation + 2 h, Done at ``done``."""
    started = created.replace(created[11:16], f"{int(created[11:13]) + 2:02d}:00")
    return issue(key, "Incident", created, transitions=[
        (started, "To Do", "In Progress"), (done, "In Progress", "Done")],
        versions=affected, fields={ENV: env})


VERSION_SOURCE = [
    # Releases: v2.0 2026-03-05 -> 03-06T00:00Z; v2.4 03-19 -> 03-20T00:00Z; v2.5
    # 03-02 -> 03-03T00:00Z = window start (in); v2.1 03-30 -> 03-31T00:00Z = as_of
    # (out); v1.9 before the window; v2.2 unreleased, v2.3 no date: not deployments.
    # K-1 start 03-04T12:00; v2.0 -> 03-06T00:00 = 36 h.
    _change("K-1", stamp("03-04", "12:00"), [W20]),
    # K-2 start 03-06T00:00 = v2.0's time ("at or after"): 0 h; v2.4 is later.
    _change("K-2", stamp("03-06"), [W20, W24]),
    # K-3 start 03-10T00:00; v2.4 -> 03-20T00:00 = 240 h.
    _change("K-3", stamp("03-10"), [W24]),
    # K-4 only in v2.1 (at as_of) and K-5 only in v2.2 / v2.3: not counted.
    _change("K-4", stamp("03-10"), [W21]),
    _change("K-5", None, [W22, W23]),
    # K-6 start 03-01T00:00; v2.5 -> 03-03T00:00 = 48 h.
    _change("K-6", stamp("03-01"), [W25]),
    # N-1 production incident affecting v2.4 -> v2.4 failed. Restore 03-21T00:00 ->
    # 06:30 = 6.5 h; flow 02:00 -> 06:30 = 4.5 h.
    _incident("N-1", stamp("03-21"), stamp("03-21", "06:30"), option("Production"), [W24]),
    # N-2 Staging: not an incident, so v2.0 did not fail; a change without fix versions.
    # Flow 03-07T02:00 -> 06:00 = 4 h.
    _incident("N-2", stamp("03-07"), stamp("03-07", "06:00"), option("Staging"), [W20]),
    # N-3 production (a list value) affecting v1.9: outside the window anyway.
    _incident("N-3", stamp("02-02"), stamp("02-03"), ["Production"], [W19]),
    # N-4 created at as_of: ignored, so v2.5 did not fail.
    _incident("N-4", stamp("03-31"), stamp("03-31", "05:00"), option("Production"), [W25]),
]

VERSION_SOURCE_SETTINGS = settings_file(
    deployments={"source": "versions"},
    incidents={"issue_types": ["Incident"], "environment_field": ENV,
               "production_values": ["Production"]},
)

# Deployments: v2.5 (03-03), v2.0 (03-06), v2.4 (03-20) -> 3, per_week 0.75 medium;
# failed v2.4 -> 1/3 = 33.3 % low. Lead times 0, 36, 48, 240 -> median 42 (high),
# p85 h = 2.55 -> 48 + 0.55 * 192 = 153.6. Restore: N-1 6.5 h (high).
# Flow: completed N-1 (4.5 h) and N-2 (4 h), type other: median 4.25 h, p85 h = 0.85
# -> 4.425 h, p95 -> 4.475 h (in days: / 24). WIP: K-1 K-2 K-3 K-4 K-6 In Progress.
VERSION_SOURCE_EXPECTED = {
    "as_of": AS_OF,
    "period_days": 28,
    "issues": 9,
    "dora": {
        "deployment_frequency": {"deployments": 3, "per_week": 0.75, "tier": "medium"},
        "lead_time_for_changes": {"changes": 4, "median_hours": 42.0, "p85_hours": 153.6,
                                  "tier": "high"},
        "change_failure_rate": {"deployments": 3, "failed": 1, "percent": 100 / 3,
                                "tier": "low"},
        "time_to_restore": {"incidents": 1, "median_hours": 6.5, "p85_hours": 6.5,
                            "tier": "high"},
    },
    "flow": {
        "velocity": {"completed": 2, "per_week": 0.5, "by_type": by_type(other=2)},
        "time": {"items": 2, "unstarted": 0, "median_days": 4.25 / 24,
                 "p85_days": 4.425 / 24, "p95_days": 4.475 / 24},
        "efficiency": {"percent": 100.0},
        "load": {"wip": 5, "by_status": {"In Progress": 5}},
        "distribution": {"feature": 0.0, "defect": 0.0, "risk": 0.0, "debt": 0.0,
                         "other": 100.0},
    },
}


def test_version_source_headline(tmp_path: Any) -> None:
    output = run_metrics(tmp_path, VERSION_SOURCE_SETTINGS, VERSION_SOURCE, as_of=AS_OF,
                         days=28)
    assert_same(headline(output), VERSION_SOURCE_EXPECTED)


def test_dora_weekly_series(issue_source_output: dict[str, Any]) -> None:
    # Buckets [03-03,03-10) [03-10,03-17) [03-17,03-24) [03-24,03-31):
    # deployments D-1 | D-2 | D-3 (03-20T00) | none -> 1, 1, 1, 0 (a count: 0, not null);
    # failure % 0 | 100 | 100 | null. Lead times by deployment end: B1 C-1 25, C-2 91,
    # C-8 34 -> median 34; B2 C-3 48; B3 C-4 168; B4 null.
    # Restores by end: B1 I-1 4 (03-06T14), I-2 2.5 (03-08T09:30) -> 3.25; B2 none
    # (I-3 excluded); B3 none; B4 I-5 120 (03-25).
    issue_source_series = issue_source_output["series"]
    assert issue_source_series["deployments"] == [1, 1, 1, 0]
    assert_same(issue_source_series["change_failure_percent"], [0.0, 100.0, 100.0, None])
    assert_same(issue_source_series["lead_time_median_hours"], [34.0, 48.0, 168.0, None])
    assert_same(issue_source_series["restore_median_hours"], [3.25, None, None, 120.0])
