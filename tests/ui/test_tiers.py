from __future__ import annotations

import pytest

from ui.tiers import benchmark_rows


@pytest.mark.parametrize(("metric", "expected"), [
    ("deployment_frequency", [("elite", "at least 7 deployments per week"),
                              ("high", "at least 1 deployments per week"),
                              ("medium", "at least 0.23 deployments per week"),
                              ("low", "under 0.23 deployments per week")]),
    ("change_failure_rate", [("elite", "at most 5 % of deployments failed"),
                             ("high", "at most 10 % of deployments failed"),
                             ("medium", "at most 15 % of deployments failed"),
                             ("low", "over 15 % of deployments failed")]),
    ("time_to_restore", [("elite", "under 1 hours (median)"), ("high", "under 24 hours (median)"),
                         ("medium", "under 168 hours (median)"),
                         ("low", "at least 168 hours (median)")]),
])
def test_benchmark_rows_word_the_engine_tier_table(metric, expected):
    assert benchmark_rows()[metric] == expected
