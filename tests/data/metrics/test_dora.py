"""DORA metrics on small hand-built issues (METRICS.md section 4), exact numbers.

The window is ``[2026-01-04, 2026-02-01)`` (28 days, so per_week = count / 4).
"""

from __future__ import annotations

import pytest

from data.metrics.change_failure_rate import change_failure_rate
from data.metrics.deployment_frequency import deployment_frequency
from data.metrics.lead_time import lead_time
from data.metrics.time_to_restore import time_to_restore
from tests.builders import issue, option, version
from tests.data.metrics.support import context_of, settings_with

ENV, FAIL, WHEN, START = "customfield_10050", "customfield_10051", "customfield_10060", "cf_9"
ISSUE_SOURCE = settings_with(
    deployments={"environment_field": ENV, "failure_field": FAIL},
)
V0, V1, V2 = version("20000", "v0"), version("20001", "v1"), version("20002", "v2")


def done_at(when: str, start: str | None = None) -> list[tuple[str, str, str]]:
    steps = [(start, "To Do", "In Progress")] if start else []
    return [*steps, (when, "In Progress" if start else "To Do", "Done")]


def deploy(key: str, when: str, env, failed, fix_versions=(), **kwargs) -> dict:
    return issue(key, type="Deployment", created="2025-12-01T00:00:00.000+0000",
                 transitions=done_at(when), fix_versions=fix_versions,
                 fields={ENV: env, FAIL: failed}, **kwargs)


def change(key: str, started: str, fix_versions, **kwargs) -> dict:
    return issue(key, created="2025-12-01T00:00:00.000+0000",
                 transitions=[(started, "To Do", "In Progress")],
                 fix_versions=fix_versions, **kwargs)


ISSUE_SOURCE_ISSUES = [
    deploy("D-1", "2026-01-10T10:00:00.000+0000", option("Production"), option("No"), [V1]),
    deploy("D-2", "2026-01-20T10:00:00.000+0000", ["Production"], "Yes", [V2]),
    deploy("D-3", "2026-01-21T10:00:00.000+0000", option("Staging"), "Yes", [V2]),
    deploy("D-5", "2026-01-02T10:00:00.000+0000", option("Production"), "No", [V0]),
    issue("D-4", type="Deployment", status="In Progress", fields={ENV: "Production"}),
    change("S-1", "2026-01-08T10:00:00.000+0000", [V1]),
    change("S-2", "2026-01-09T10:00:00.000+0000", [V1, V2]),
    change("S-3", "2026-01-11T10:00:00.000+0000", [V1]),
    change("S-4", "2025-12-30T10:00:00.000+0000", [V0]),
    change("S-5", "2026-01-15T10:00:00.000+0000", [V2]),
]


def test_issue_deployments_need_done_and_production():
    result = deployment_frequency(context_of(ISSUE_SOURCE_ISSUES, ISSUE_SOURCE))
    assert (result.deployments, result.per_week, result.tier) == (2, 0.5, "medium")


def test_issue_deployment_failures_from_failure_field():
    result = change_failure_rate(context_of(ISSUE_SOURCE_ISSUES, ISSUE_SOURCE))
    assert (result.deployments, result.failed, result.percent, result.tier) == (
        2, 1, 50.0, "low")


def test_lead_time_through_shared_fix_version_names():
    # S-1 48 h, S-2 24 h (earliest deployment after its start), S-5 120 h;
    # S-3 started after its only deployment; S-4's deployment is before the window.
    result = lead_time(context_of(ISSUE_SOURCE_ISSUES, ISSUE_SOURCE))
    assert result.changes == 3
    assert result.median_hours == 48.0
    assert result.p85_hours == pytest.approx(98.4, abs=1e-9)
    assert result.tier == "high"


def test_deployment_time_from_date_field_when_present():
    settings = settings_with(deployments={"date_field": WHEN})
    raws = [
        issue("D-1", type="Deployment", transitions=done_at("2026-01-10T10:00:00.000+0000"),
              fields={WHEN: "2026-01-03"}),  # end of Jan 3 = Jan 4 00:00: inside
        issue("D-2", type="Deployment", transitions=done_at("2026-01-10T10:00:00.000+0000"),
              fields={WHEN: "2026-02-01T00:00:00.000+0000"}),  # at as_of: outside
        issue("D-3", type="Deployment", transitions=done_at("2026-01-10T10:00:00.000+0000")),
    ]
    assert deployment_frequency(context_of(raws, settings)).deployments == 2


def test_change_start_field_overrides_started_at():
    settings = settings_with(change_start_field=START)
    raws = [
        issue("D-1", type="Deployment", transitions=done_at("2026-01-10T10:00:00.000+0000"),
              fix_versions=[V1]),
        change("S-1", "2026-01-09T10:00:00.000+0000", [V1],
               fields={START: "2026-01-10T04:00:00.000-0500"}),  # 09:00 UTC: 1 h
        change("S-2", "2026-01-09T10:00:00.000+0000", [V1]),   # no value: 24 h
    ]
    result = lead_time(context_of(raws, settings))
    assert (result.changes, result.median_hours, result.tier) == (2, 12.5, "elite")


VERSION_SOURCE = settings_with(deployments={"source": "versions"})
R1 = version("1", "v1", True, "2026-01-10")
R2 = version("2", "v2", True, "2026-01-20")
UNRELEASED = version("3", "v3", False, "2026-01-25")
NO_DATE = version("4", "v4", True)
LATE = version("5", "v5", True, "2026-01-31")  # end of day = as_of: outside
VERSION_ISSUES = [
    change("S-1", "2026-01-08T00:00:00.000+0000", [R1, NO_DATE]),
    change("S-2", "2026-01-10T12:00:00.000+0000", [R1]),
    change("S-3", "2026-01-19T00:00:00.000+0000", [R2, UNRELEASED, LATE]),
    issue("I-1", type="Incident", versions=[R2],
          transitions=done_at("2026-01-21T00:00:00.000+0000")),
    issue("B-1", type="Bug", versions=[R1]),  # not an incident: R1 did not fail
]


def test_version_deployments_are_released_dated_and_deduplicated():
    result = deployment_frequency(context_of(VERSION_ISSUES, VERSION_SOURCE))
    assert (result.deployments, result.per_week) == (2, 0.5)


def test_version_failures_come_from_incident_affected_versions():
    result = change_failure_rate(context_of(VERSION_ISSUES, VERSION_SOURCE))
    assert (result.deployments, result.failed, result.percent) == (2, 1, 50.0)


def test_version_lead_time_uses_own_fix_versions_end_of_release_day():
    # S-1: Jan 8 -> Jan 11 00:00 = 72 h; S-2: 12 h; S-3: Jan 19 -> Jan 21 00:00 = 48 h
    result = lead_time(context_of(VERSION_ISSUES, VERSION_SOURCE))
    assert (result.changes, result.median_hours) == (3, 48.0)
    assert result.p85_hours == pytest.approx(48 + 0.7 * 24, abs=1e-9)


def incident(key: str, created: str, done: str | None, **kwargs) -> dict:
    steps = [(done, "To Do", "Done")] if done else []
    return issue(key, type="Incident", created=created, transitions=steps, **kwargs)


def test_time_to_restore_from_created_to_completed():
    raws = [
        incident("I-1", "2026-01-10T09:00:00.000+0000", "2026-01-10T09:30:00.000+0000"),
        incident("I-2", "2026-01-11T00:00:00.000+0530", "2026-01-12T00:00:00.000+0530"),
        incident("I-3", "2026-01-11T00:00:00.000+0000", None),
        incident("I-4", "2025-12-01T00:00:00.000+0000", "2026-01-02T00:00:00.000+0000"),
    ]
    result = time_to_restore(context_of(raws))
    assert result.incidents == 2
    assert result.median_hours == 12.25
    assert result.p85_hours == pytest.approx(0.5 + 0.85 * 23.5, abs=1e-9)
    assert result.tier == "high"


def test_time_to_restore_start_and_end_fields():
    settings = settings_with(incidents={"start_field": START, "end_field": WHEN})
    raws = [
        incident("I-1", "2026-01-01T00:00:00.000+0000", None,
                 fields={START: "2026-01-15T00:00:00.000+0000", WHEN: "2026-01-15"}),
        incident("I-2", "2026-01-10T00:00:00.000+0000", "2026-01-10T00:30:00.000+0000",
                 fields={WHEN: "2026-01-08"}),  # end (Jan 9 00:00) before start: left out
        incident("I-3", "2026-01-10T00:00:00.000+0000", "2026-01-10T00:30:00.000+0000"),
    ]
    result = time_to_restore(context_of(raws, settings))
    assert (result.incidents, result.median_hours) == (2, 12.25)


def test_incidents_filtered_by_environment():
    settings = settings_with(incidents={"environment_field": ENV,
                                        "production_values": ("Production",)})
    raws = [
        incident("I-1", "2026-01-10T00:00:00.000+0000", "2026-01-10T00:30:00.000+0000",
                 fields={ENV: [option("Production")]}),
        incident("I-2", "2026-01-10T00:00:00.000+0000", "2026-01-10T10:30:00.000+0000",
                 fields={ENV: option("Staging")}),
    ]
    result = time_to_restore(context_of(raws, settings))
    assert (result.incidents, result.median_hours, result.tier) == (1, 0.5, "elite")


@pytest.mark.parametrize("settings", [ISSUE_SOURCE, VERSION_SOURCE], ids=["issues", "versions"])
def test_nothing_to_count_gives_nulls_and_null_tiers(settings):
    ctx = context_of([issue("S-1")], settings)
    assert deployment_frequency(ctx).to_json() == {
        "deployments": 0, "per_week": 0.0, "tier": None}
    assert lead_time(ctx).to_json() == {
        "changes": 0, "median_hours": None, "p85_hours": None, "tier": None}
    assert change_failure_rate(ctx).to_json() == {
        "deployments": 0, "failed": 0, "percent": None, "tier": None}
    assert time_to_restore(ctx).to_json() == {
        "incidents": 0, "median_hours": None, "p85_hours": None, "tier": None}


@pytest.mark.parametrize(
    ("count", "days", "tier"),
    [(1, 30, "medium"), (1, 31, "low"), (7, 7, "elite"), (1, 7, "high")],
)
def test_deployment_frequency_tier_at_exact_rate_boundaries(count, days, tier):
    raws = [issue(f"D-{n}", type="Deployment", transitions=done_at(f"2026-01-31T0{n}:00:00Z"))
            for n in range(count)]
    result = deployment_frequency(context_of(raws, period_days=days))
    assert result.per_week == count * 7 / days
    assert result.tier == tier


def test_incident_ending_at_its_start_counts_zero_hours():
    raws = [incident("I-1", "2026-01-10T00:00:00.000+0000", "2026-01-10T00:00:00.000+0000")]
    result = time_to_restore(context_of(raws))
    assert (result.incidents, result.median_hours, result.tier) == (1, 0.0, "elite")


def test_one_context_keeps_deployments_lead_times_and_restores_apart():
    """Rule: the context memoizes each DORA event table under its own name, so metrics
    computed one after another on one context each get their own table."""
    raws = [*ISSUE_SOURCE_ISSUES,
            incident("I-1", "2026-01-10T09:00:00.000+0000", "2026-01-10T09:30:00.000+0000")]
    ctx = context_of(raws, ISSUE_SOURCE)
    assert change_failure_rate(ctx).deployments == 2
    assert lead_time(ctx).changes == 3
    assert time_to_restore(ctx).incidents == 1
    assert deployment_frequency(ctx).deployments == 2
