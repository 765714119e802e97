"""The demo project through the metric engine: every number on the dashboard has data."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from configuration.settings import DeploymentSettings
from data.issues.normalize import normalize_issues
from data.metrics.context import CalculationContext
from data.metrics.report import compute_report, report_to_json
from data.simulator.catalog import demo_statuses
from data.simulator.demo_settings import demo_settings
from tests.data.simulator.helpers import ANCHOR


def report(issues: list[dict], source: str) -> dict[str, Any]:
    settings = demo_settings("http://127.0.0.1:8081")
    if source == "versions":
        settings = replace(settings, dora=replace(
            settings.dora, deployments=DeploymentSettings(source="versions")))
    frames = normalize_issues(issues, settings.mapped_field_ids(), demo_statuses())
    context = CalculationContext.build(frames, settings, as_of=ANCHOR, period_days=90)
    return report_to_json(compute_report(context, analytics=False))


@pytest.mark.parametrize("source", ["issues", "versions"])
def test_every_dora_metric_has_a_value_and_a_tier(demo_issues: list[dict],
                                                  source: str) -> None:
    dora = report(demo_issues, source)["dora"]
    assert dora["deployment_frequency"]["deployments"] >= 10
    assert dora["change_failure_rate"]["failed"] >= 1
    assert dora["lead_time_for_changes"]["changes"] >= 100
    assert dora["time_to_restore"]["incidents"] >= 5
    assert all(metric["tier"] is not None for metric in dora.values())
    assert 0 < dora["change_failure_rate"]["percent"] < 50


def test_every_flow_metric_has_a_value(demo_issues: list[dict]) -> None:
    flow = report(demo_issues, "issues")["flow"]
    assert all(share > 0 for share in flow["distribution"].values())  # "other" too
    assert flow["time"]["unstarted"] > 0  # skipped starts
    assert flow["time"]["items"] > 500
    assert 20 < flow["efficiency"]["percent"] < 100  # waiting time counts
    assert set(flow["load"]["by_status"]) == {"In Progress", "In Review", "Blocked",
                                              "Ready for QA"}
