"""Change Failure Rate on its own (METRICS.md section 4): counts, percent, window."""

from __future__ import annotations

import pytest

from data.metrics.change_failure_rate import change_failure_rate
from tests.builders import option
from tests.data.metrics.support import context_of, window
from tests.data.metrics.test_dora import ISSUE_SOURCE, deploy

# Three production deployments in the window [2026-01-04, 2026-02-01), one failed; a
# staging one (failed, not a deployment) and one before the window (failed).
ISSUES = [
    deploy("D-1", "2026-01-10T10:00:00.000+0000", option("Production"), option("No")),
    deploy("D-2", "2026-01-20T10:00:00.000+0000", option("Production"), option("Yes")),
    deploy("D-3", "2026-01-25T10:00:00.000+0000", option("Production"), option("No")),
    deploy("D-4", "2026-01-21T10:00:00.000+0000", option("Staging"), option("Yes")),
    deploy("D-5", "2026-01-02T10:00:00.000+0000", option("Production"), option("Yes")),
]



@pytest.fixture(scope="module")
def ctx():
    return context_of(ISSUES, ISSUE_SOURCE)


def test_one_failure_in_three_deployments_is_a_third(ctx):
    """Rule: percent = failed / deployments x 100 (1 of 3, which a fixed 50% or a
    count of 1-of-2 would not give)."""
    result = change_failure_rate(ctx)
    assert (result.deployments, result.failed) == (3, 1)
    assert result.percent == pytest.approx(100 / 3, abs=1e-12)
    assert result.tier == "low"


@pytest.mark.parametrize(("start", "end", "counts", "percent"), [
    ("2026-01-15", "2026-01-22", (1, 1), 100.0),  # only D-2, which failed
    ("2026-01-01", "2026-01-15", (2, 1), 50.0),  # D-5 (failed) and D-1
    ("2026-01-21", "2026-01-25T10:00", (0, 0), None),  # D-3 falls on the end: outside
])
def test_an_explicit_window_counts_only_its_deployments(ctx, start, end, counts, percent):
    """Rule: with ``window=`` the rate covers the deployments in ``[start, end)`` of that
    window, not the context's own (the previous-period cards depend on it)."""
    result = change_failure_rate(ctx, window(start, end))
    assert (result.deployments, result.failed) == counts
    assert result.percent == percent
