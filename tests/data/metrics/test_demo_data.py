"""The engine on the simulator's demo project: non-null, self-consistent, and equal to
the per-issue reference loop (``benchmarks/engine_reference.py``)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import pytest

from benchmarks.engine import assert_same, headline
from benchmarks.engine_reference import reference_metrics
from data.issues.normalize import normalize_issues
from data.metrics.context import CalculationContext
from data.metrics.report import compute_report, report_to_json
from data.simulator.catalog import demo_statuses
from data.simulator.demo_data import generate_demo_issues
from data.simulator.demo_settings import demo_settings

ANCHOR = datetime(2026, 3, 1, tzinfo=UTC)
SETTINGS = demo_settings("http://127.0.0.1:9")
VERSIONS = replace(SETTINGS, dora=replace(
    SETTINGS.dora, deployments=replace(SETTINGS.dora.deployments, source="versions")))


@pytest.fixture(scope="module")
def frames():
    raws = generate_demo_issues(anchor=ANCHOR)
    return normalize_issues(raws, SETTINGS.mapped_field_ids(), demo_statuses())


@pytest.fixture(scope="module")
def payload(frames):
    ctx = CalculationContext.build(frames, SETTINGS, as_of=ANCHOR, period_days=90)
    return report_to_json(compute_report(ctx))


def test_every_headline_number_is_present(payload):
    for name, metric in payload["dora"].items():
        assert all(value is not None for value in metric.values()), name
    flow = payload["flow"]
    assert flow["velocity"]["completed"] > 0
    assert None not in flow["time"].values()
    assert flow["efficiency"]["percent"] is not None
    assert flow["load"]["wip"] > 0
    assert None not in flow["distribution"].values()


def test_numbers_are_self_consistent(payload):
    dora, flow = payload["dora"], payload["flow"]
    velocity, time = flow["velocity"], flow["time"]
    assert sum(velocity["by_type"].values()) == velocity["completed"]
    assert time["items"] + time["unstarted"] == velocity["completed"]
    assert math.isclose(sum(flow["distribution"].values()), 100.0)
    assert sum(flow["load"]["by_status"].values()) == flow["load"]["wip"]
    assert 0 < flow["efficiency"]["percent"] < 100
    assert time["median_days"] <= time["p85_days"] <= time["p95_days"]
    cfr = dora["change_failure_rate"]
    assert cfr["deployments"] == dora["deployment_frequency"]["deployments"]
    assert cfr["failed"] <= cfr["deployments"]


def test_weekly_series_stay_within_the_window_totals(payload):
    series, flow = payload["series"], payload["flow"]
    assert len(series["week_start"]) == 12  # 90 days hold 12 whole weeks
    assert sum(series["completed"]) <= flow["velocity"]["completed"]
    assert sum(series["deployments"]) <= payload["dora"]["deployment_frequency"]["deployments"]
    assert series["wip"][-1] == flow["load"]["wip"]
    for kind, counts in series["throughput_by_type"].items():
        assert sum(counts) <= flow["velocity"]["by_type"][kind]


@pytest.mark.parametrize("settings", [SETTINGS, VERSIONS], ids=["issues", "versions"])
@pytest.mark.parametrize("as_of", ["2026-03-01T00:00:00Z", "2026-01-15T13:30:00Z"])
def test_engine_equals_the_reference_loop(frames, settings, as_of):
    ctx = CalculationContext.build(frames, settings, as_of=as_of, period_days=90)
    engine = report_to_json(compute_report(ctx, analytics=False))
    reference = reference_metrics(frames, settings, pd.Timestamp(as_of), 90)
    assert_same(headline(engine), headline(reference), "demo")
    assert engine["dora"]["deployment_frequency"]["deployments"] > 0
