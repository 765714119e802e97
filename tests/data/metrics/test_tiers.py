"""The DORA tier table at every boundary (METRICS.md section 4)."""

from __future__ import annotations

import pytest

from data.metrics.tiers import tier_for

BOUNDARIES = [
    # deployments per week: >= 7 / >= 1 / >= 7/30 / below
    ("deployment_frequency", 7.0, "elite"),
    ("deployment_frequency", 6.999, "high"),
    ("deployment_frequency", 1.0, "high"),
    ("deployment_frequency", 0.999, "medium"),
    ("deployment_frequency", 7 / 30, "medium"),
    ("deployment_frequency", 7 / 30 - 1e-9, "low"),
    ("deployment_frequency", 0.0, "low"),
    # lead time median hours: < 24 / < 168 / < 720 / else
    ("lead_time_for_changes", 0.0, "elite"),
    ("lead_time_for_changes", 23.999, "elite"),
    ("lead_time_for_changes", 24.0, "high"),
    ("lead_time_for_changes", 167.999, "high"),
    ("lead_time_for_changes", 168.0, "medium"),
    ("lead_time_for_changes", 719.999, "medium"),
    ("lead_time_for_changes", 720.0, "low"),
    # change failure percent: <= 5 / <= 10 / <= 15 / above
    ("change_failure_rate", 0.0, "elite"),
    ("change_failure_rate", 5.0, "elite"),
    ("change_failure_rate", 5.001, "high"),
    ("change_failure_rate", 10.0, "high"),
    ("change_failure_rate", 10.001, "medium"),
    ("change_failure_rate", 15.0, "medium"),
    ("change_failure_rate", 15.001, "low"),
    ("change_failure_rate", 100.0, "low"),
    # time to restore median hours: < 1 / < 24 / < 168 / else
    ("time_to_restore", 0.999, "elite"),
    ("time_to_restore", 1.0, "high"),
    ("time_to_restore", 23.999, "high"),
    ("time_to_restore", 24.0, "medium"),
    ("time_to_restore", 167.999, "medium"),
    ("time_to_restore", 168.0, "low"),
]


@pytest.mark.parametrize(("metric", "value", "tier"), BOUNDARIES,
                         ids=[f"{m}-{v:g}-{t}" for m, v, t in BOUNDARIES])
def test_tier_boundaries(metric, value, tier):
    assert tier_for(metric, value) == tier


@pytest.mark.parametrize(
    "metric",
    ["deployment_frequency", "lead_time_for_changes", "change_failure_rate", "time_to_restore"],
)
def test_nothing_to_count_has_no_tier(metric):
    assert tier_for(metric, None) is None
