"""Property tests (hypothesis): invariants that hold for any issues and histories."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.engine import assert_same, headline
from benchmarks.engine_reference import reference_metrics
from data.issues.normalize import normalize_issues
from data.metrics.context import CalculationContext
from data.metrics.report import compute_report, report_to_json
from tests.builders import issue, jira_time, version
from tests.data.metrics.support import AS_OF, DAYS, context_of, settings_with

TYPES = ("Story", "Bug", "Vulnerability", "Tech Debt", "Epic", "Deployment", "Incident")
STATUSES = ("To Do", "In Progress", "In Review", "Blocked", "Done", "Closed", "in progress")
OFFSETS = ("+0000", "+0530", "-0500", "Z")
RELEASES = (version("1", "v1", True, "2026-01-10"), version("2", "v2", True, "2026-01-20"),
            version("3", "v3", False, "2026-01-25"), version("4", "v4", True))


BASE = datetime(2025, 12, 1, tzinfo=UTC)


def stamp(hours: int, offset: str) -> str:
    """A JIRA timestamp ``hours`` after 2025-12-01 00:00 UTC, written with ``offset``."""
    zone = {"+0000": UTC, "Z": UTC, "+0530": timezone(timedelta(hours=5, minutes=30)),
            "-0500": timezone(timedelta(hours=-5))}[offset]
    text = jira_time((BASE + timedelta(hours=hours)).astimezone(zone))
    return text[:-5] + "Z" if offset == "Z" else text


@st.composite
def raw_issue(draw, number: int) -> dict:
    created = draw(st.integers(0, 60 * 24))
    steps = draw(st.lists(
        st.tuples(st.integers(0, 30 * 24), st.sampled_from(STATUSES), st.sampled_from(OFFSETS)),
        max_size=6,
    ))
    current, at, transitions = "To Do", created, []
    for gap, target, offset in steps:
        at += gap
        transitions.append((stamp(at, offset), current, target))
        current = target
    fix = [RELEASES[i] for i in draw(st.sets(st.integers(0, len(RELEASES) - 1), max_size=2))]
    affects = draw(st.lists(st.sampled_from(RELEASES), max_size=1))
    return issue(f"P-{number}", type=draw(st.sampled_from(TYPES)),
                 created=stamp(created, draw(st.sampled_from(OFFSETS))),
                 transitions=transitions, fix_versions=fix, versions=affects)


@st.composite
def raw_issues(draw) -> list[dict]:
    count = draw(st.integers(0, 12))
    return [draw(raw_issue(n)) for n in range(count)]


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(raw_issues())
def test_by_type_sums_to_completed_and_distribution_to_100(raws):
    flow = report_to_json(compute_report(context_of(raws), analytics=False))["flow"]
    velocity, shares = flow["velocity"], flow["distribution"].values()
    assert sum(velocity["by_type"].values()) == velocity["completed"]
    if velocity["completed"]:
        assert math.isclose(sum(shares), 100.0, abs_tol=1e-9)
    else:
        assert all(share is None for share in shares)


@FAST
@given(raw_issues())
def test_load_and_efficiency_are_consistent(raws):
    flow = report_to_json(compute_report(context_of(raws), analytics=False))["flow"]
    assert sum(flow["load"]["by_status"].values()) == flow["load"]["wip"]
    percent = flow["efficiency"]["percent"]
    assert percent is None or -1e-9 <= percent <= 100 + 1e-9
    assert flow["time"]["items"] + flow["time"]["unstarted"] == flow["velocity"]["completed"]


def reordered(raws: list[dict], seed: int) -> list[dict]:
    """The same issues in another order, each with its histories in another order."""
    shuffler = random.Random(seed)
    result = []
    for raw in shuffler.sample(raws, len(raws)):
        copy = {**raw, "changelog": {**raw["changelog"]}}
        histories = list(raw["changelog"]["histories"])
        shuffler.shuffle(histories)
        copy["changelog"]["histories"] = histories
        result.append(copy)
    return result


@FAST
@given(raw_issues(), st.integers(0, 2**16))
def test_results_do_not_depend_on_issue_or_history_order(raws, seed):
    first = report_to_json(compute_report(context_of(raws), analytics=False))
    second = report_to_json(compute_report(context_of(reordered(raws, seed)), analytics=False))
    assert first == second


@FAST
@given(raw_issues(), st.sampled_from(["issues", "versions"]))
def test_engine_equals_the_per_issue_reference_loop(raws, source):
    settings = settings_with(deployments={"source": source})
    frames = normalize_issues(raws, settings.mapped_field_ids())
    ctx = CalculationContext.build(frames, settings, as_of=AS_OF, period_days=DAYS)
    engine = report_to_json(compute_report(ctx, analytics=False))
    reference = reference_metrics(frames, settings, pd.Timestamp(AS_OF), DAYS)
    assert_same(headline(engine), headline(reference), "random")
