"""Property tests (hypothesis): invariants that hold for any issues and histories."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.metrics.report import compute_report, report_to_json
from tests.builders import issue, jira_time
from tests.data.metrics.support import context_of

TYPES = ("Story", "Bug", "Vulnerability", "Tech Debt", "Epic", "Deployment", "Incident")
STATUSES = ("To Do", "In Progress", "In Review", "Blocked", "Done", "Closed", "in progress")
OFFSETS = ("+0000", "+0530", "-0500", "Z")


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
    return issue(f"P-{number}", type=draw(st.sampled_from(TYPES)),
                 created=stamp(created, draw(st.sampled_from(OFFSETS))),
                 transitions=transitions)


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
