from __future__ import annotations

import pytest

from ui.tiers import benchmark_rows


@pytest.mark.parametrize(("metric", "expected"), [
    ("deployment_frequency", [("elite", "at least 7 deployments per week"),
                              ("high", "at least 1 deployment per week"),
                              ("medium", "at least 0.23 deployments per week"),
                              ("low", "under 0.23 deployments per week")]),
    ("change_failure_rate", [("elite", "at most 5 % of deployments failed"),
                             ("high", "at most 10 % of deployments failed"),
                             ("medium", "at most 15 % of deployments failed"),
                             ("low", "over 15 % of deployments failed")]),
    ("lead_time_for_changes", [("elite", "under 24 hours (median)"),
                               ("high", "under 168 hours (median)"),
                               ("medium", "under 720 hours (median)"),
                               ("low", "at least 720 hours (median)")]),
    ("time_to_restore", [("elite", "under 1 hour (median)"), ("high", "under 24 hours (median)"),
                         ("medium", "under 168 hours (median)"),
                         ("low", "at least 168 hours (median)")]),
])
def test_benchmark_rows_word_the_engine_tier_table(metric, expected):
    """Rule: the rows word the engine's table, with the unit singular after exactly 1
    ("at least 1 deployment per week") and plural after any other number."""
    assert benchmark_rows()[metric] == expected
