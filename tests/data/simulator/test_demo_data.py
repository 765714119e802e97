"""The demo project: deterministic, and every edge case METRICS.md needs is present (counted)."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.simulator.demo_data import generate_demo_issues
from data.simulator.timefmt import parse_jira
from tests.data.simulator.helpers import ANCHOR

DONE = {"Done", "Closed"}
ACTIVE_OR_WAITING = {"In Progress", "In Review", "Blocked", "Ready for QA"}


def ordered(issue: dict) -> list[dict]:
    return sorted(issue["changelog"]["histories"],
                  key=lambda h: (parse_jira(h["created"]), int(h["id"])))


def moves(issue: dict) -> list[tuple[datetime, str, str]]:
    return [(parse_jira(h["created"]), item["fromString"], item["toString"])
            for h in ordered(issue) for item in h["items"] if item["field"] == "status"]


def kind(issue: dict) -> str:
    return issue["fields"]["issuetype"]["name"]


def status(issue: dict) -> str:
    return issue["fields"]["status"]["name"]


def test_same_anchor_and_seed_give_identical_json(demo_issues: list[dict]) -> None:
    again = generate_demo_issues(anchor=ANCHOR)
    assert json.dumps(again) == json.dumps(demo_issues)


def test_another_seed_or_anchor_gives_other_data() -> None:
    base = generate_demo_issues(anchor=ANCHOR, count=200)
    other_seed = generate_demo_issues(anchor=ANCHOR, seed=8, count=200)
    later = generate_demo_issues(anchor=ANCHOR + timedelta(days=1), count=200)
    assert json.dumps(other_seed) != json.dumps(base)
    assert parse_jira(later[0]["fields"]["created"]) - parse_jira(
        base[0]["fields"]["created"]) == timedelta(days=1)


def test_a_naive_anchor_means_utc() -> None:
    naive = generate_demo_issues(anchor=ANCHOR.replace(tzinfo=None), count=300)
    assert naive == generate_demo_issues(anchor=ANCHOR, count=300)


@pytest.mark.parametrize("count", [50, 300, 1000])
def test_count_keys_and_ids(count: int) -> None:
    issues = generate_demo_issues(anchor=ANCHOR, count=count)
    assert len(issues) == count
    assert [i["key"] for i in issues] == [f"DEMO-{n}" for n in range(1, count + 1)]
    assert len({i["id"] for i in issues}) == count
    created = [parse_jira(i["fields"]["created"]) for i in issues]
    assert created == sorted(created)  # keys follow creation, as in JIRA


def test_everything_happens_in_the_200_days_before_the_anchor(demo_issues: list[dict]) -> None:
    stamps = [parse_jira(i["fields"]["created"]) for i in demo_issues]
    stamps += [parse_jira(h["created"]) for i in demo_issues for h in ordered(i)]
    assert max(stamps) < ANCHOR
    assert min(stamps) >= ANCHOR - timedelta(days=201)
    assert max(stamps) - min(stamps) > timedelta(days=180)  # six months and more


def test_issue_types(demo_issues: list[dict]) -> None:
    counts = Counter(kind(i) for i in demo_issues)
    assert set(counts) == {"Story", "Bug", "Tech Debt", "Vulnerability", "Incident",
                           "Deployment", "Task"}
    assert min(counts.values()) >= 30
    assert counts["Story"] > counts["Bug"] > counts["Tech Debt"]


def test_two_to_eight_deployments_a_week_some_failed_some_to_staging(
    demo_issues: list[dict]
) -> None:
    deployments = [i for i in demo_issues if kind(i) == "Deployment"]
    start = (ANCHOR - timedelta(days=200)).replace(hour=0, minute=0, second=0, microsecond=0)
    per_week = Counter((parse_jira(d["fields"]["created"]) - start).days // 7
                       for d in deployments)
    full_weeks = [per_week[w] for w in range((ANCHOR - start).days // 7)]
    assert min(full_weeks) >= 2
    assert max(full_weeks) <= 8
    environments = Counter(_values(d["fields"]["customfield_10050"]) for d in deployments)
    failures = Counter(_values(d["fields"]["customfield_10051"]) for d in deployments)
    assert environments[("Production",)] >= 80
    assert environments[("Staging",)] >= 10
    assert failures[("Yes",)] >= 6
    assert failures[()] >= 1  # no value at all
    assert sum(d["fields"]["customfield_10060"] is None for d in deployments) >= 5
    days = [d["fields"]["customfield_10075"] for d in deployments
            if d["fields"]["customfield_10075"]]
    assert len(days) >= 100
    assert all(len(day) == 10 and day[4] == day[7] == "-" for day in days)  # date-only


def _values(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    return tuple(item["value"] if isinstance(item, dict) else item for item in items)


def test_custom_fields_come_as_options_strings_and_lists(demo_issues: list[dict]) -> None:
    shapes = Counter(type(i["fields"]["customfield_10050"]).__name__ for i in demo_issues
                     if i["fields"]["customfield_10050"] is not None)
    failure_shapes = Counter(type(i["fields"]["customfield_10051"]).__name__
                             for i in demo_issues)
    teams = [i["fields"]["customfield_10080"] for i in demo_issues]
    assert min(shapes[name] for name in ("dict", "str", "list")) >= 5
    assert failure_shapes["str"] >= 3
    assert sum(isinstance(t, list) and len(t) == 2 for t in teams) >= 100
    assert sum(isinstance(i["fields"]["customfield_10016"], float) for i in demo_issues) >= 500


EDGE_CASES = {
    # name -> (test on an issue, its moves; at least this many issues)
    "entered Blocked": (lambda i, m: any(t == "Blocked" for _, _, t in m), 100),
    "Blocked at the anchor": (lambda i, m: status(i) == "Blocked", 10),
    "waited in Ready for QA": (lambda i, m: any(t == "Ready for QA" for _, _, t in m), 500),
    "reopened and done again": (
        lambda i, m: _reopened(m) and status(i) in DONE, 30),
    "reopened and not done": (lambda i, m: _reopened(m) and status(i) not in DONE, 10),
    "Done -> Closed": (lambda i, m: any((f, t) == ("Done", "Closed") for _, f, t in m), 50),
    "skipped start (To Do -> Done)": (lambda i, m: bool(m) and m[0][1:] == ("To Do", "Done"),
                                      20),
    "backward move (In Review -> In Progress)": (
        lambda i, m: any((f, t) == ("In Review", "In Progress") for _, f, t in m), 50),
    "back to not started": (
        lambda i, m: any((f, t) == ("In Progress", "To Do") for _, f, t in m), 10),
    "created In Progress, no status history": (
        lambda i, m: not m and status(i) == "In Progress", 3),
    "created In Progress, then moved": (lambda i, m: bool(m) and m[0][1] == "In Progress", 10),
    "never started": (lambda i, m: not m and status(i) == "To Do", 50),
    "two status changes at one instant": (
        lambda i, m: len({at for at, _, _ in m}) < len(m), 5),
    "in progress at the anchor (WIP)": (lambda i, m: status(i) in ACTIVE_OR_WAITING, 50),
    "more than 40 histories": (lambda i, m: len(i["changelog"]["histories"]) > 40, 10),
    "status change hidden by the Cloud cut": (
        lambda i, m: any(item["field"] == "status" for h in ordered(i)[:-40]
                         for item in h["items"]), 10),
    "created in the last day": (
        lambda i, m: parse_jira(i["fields"]["created"]) >= ANCHOR - timedelta(days=1), 3),
}


def _reopened(m: list[tuple[datetime, str, str]]) -> bool:
    return any(f in DONE and t not in DONE for _, f, t in m)


@pytest.fixture(scope="module")
def with_moves(demo_issues: list[dict]) -> list[tuple[dict, list]]:
    return [(issue, moves(issue)) for issue in demo_issues]


@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_edge_case_is_present(with_moves: list[tuple[dict, list]], case: str) -> None:
    check, at_least = EDGE_CASES[case]
    found = sum(bool(check(issue, issue_moves)) for issue, issue_moves in with_moves)
    assert found >= at_least, f"{case}: {found}"


def test_timestamps_use_several_utc_offsets(demo_issues: list[dict]) -> None:
    offsets = Counter(h["created"][-5:] for i in demo_issues for h in ordered(i))
    offsets.update(i["fields"]["created"][-5:] for i in demo_issues)
    assert {"+0000", "+0100", "+0530", "-0500"} <= set(offsets)
    assert min(offsets.values()) > 100


def test_resolution_date_is_the_last_move_into_done(
    with_moves: list[tuple[dict, list]]
) -> None:
    for issue, m in with_moves:
        resolved = issue["fields"]["resolutiondate"]
        if status(issue) not in DONE:
            assert resolved is None, issue["key"]
            continue
        into_done = [at for at, f, t in m if t in DONE and f not in DONE]
        assert parse_jira(resolved) == into_done[-1], issue["key"]
        assert issue["fields"]["status"]["statusCategory"]["key"] == "done"


def test_status_field_matches_the_last_status_change(
    with_moves: list[tuple[dict, list]]
) -> None:
    for issue, m in with_moves:
        if m:
            assert m[-1][2] == status(issue), issue["key"]
            assert all(a[2] == b[1] for a, b in itertools.pairwise(m)), issue["key"]


def test_versions_released_unreleased_and_undated(demo_issues: list[dict]) -> None:
    versions: dict[str, dict] = {}
    for issue in demo_issues:
        for version in issue["fields"]["fixVersions"] + issue["fields"]["versions"]:
            versions[version["id"]] = version
    shapes = Counter((v["released"], "releaseDate" in v) for v in versions.values())
    assert shapes[(True, True)] >= 25
    assert shapes[(True, False)] >= 1  # released without a date: not a deployment
    assert shapes[(False, True)] >= 1  # planned
    assert shapes[(False, False)] >= 1  # not planned yet
    for version in versions.values():
        if version["released"] and "releaseDate" in version:
            end_of_day = datetime.fromisoformat(version["releaseDate"]).replace(
                tzinfo=UTC) + timedelta(days=1)
            assert end_of_day <= ANCHOR


def test_changes_share_fix_versions_with_deployments(demo_issues: list[dict]) -> None:
    deployed = {v["name"] for i in demo_issues if kind(i) == "Deployment"
                for v in i["fields"]["fixVersions"]}
    linked = [i for i in demo_issues if kind(i) not in ("Deployment", "Incident")
              and {v["name"] for v in i["fields"]["fixVersions"]} & deployed]
    assert len(linked) >= 1000


def test_incidents_name_released_versions_and_impact_times(demo_issues: list[dict]) -> None:
    incidents = [i for i in demo_issues if kind(i) == "Incident"]
    named = [v for i in incidents for v in i["fields"]["versions"]]
    assert len(named) >= 10
    assert all(v["released"] for v in named)
    starts = [i for i in incidents if i["fields"]["customfield_10070"]]
    ends = [i for i in incidents if i["fields"]["customfield_10071"]]
    assert len(starts) >= 15
    assert len(ends) >= 5
    assert len(incidents) - len(starts) >= 3  # falls back to created
    assert sum(status(i) not in DONE for i in incidents) >= 1


@pytest.mark.parametrize(("seed", "anchor"), [
    (1, ANCHOR), (99, datetime(2025, 1, 15, 7, 30, tzinfo=UTC)),
])
def test_edge_cases_hold_for_other_seeds_and_anchors(seed: int, anchor: datetime) -> None:
    issues = generate_demo_issues(anchor=anchor, seed=seed)
    shifted = ANCHOR - anchor  # the checks above are written against ANCHOR
    missing = []
    for case, (check, at_least) in EDGE_CASES.items():
        found = sum(bool(check(_shift(i, shifted), moves(i))) for i in issues)
        if found < at_least:
            missing.append(f"{case}: {found} < {at_least}")
    assert missing == []


def _shift(issue: dict, by: timedelta) -> dict:
    created = parse_jira(issue["fields"]["created"]) + by
    return {**issue, "fields": {**issue["fields"], "created": created.isoformat()}}


# The first issue of shared/examples/cloud-search-jql-page.json, a real Cloud page.
EXAMPLE = Path(__file__).with_name("cloud_example_issue.json")


def test_demo_issues_have_the_shape_of_a_real_cloud_page(demo_issues: list[dict]) -> None:
    example = json.loads(EXAMPLE.read_text())  # a real Cloud deployment record
    demo = next(i for i in demo_issues if kind(i) == "Deployment" and i["fields"][
        "customfield_10060"] and len(i["changelog"]["histories"]) >= 2)
    assert set(example) <= set(demo)
    assert set(example["fields"]) <= set(demo["fields"])
    for name, value in example["fields"].items():
        if value is not None and demo["fields"][name] is not None:
            assert type(demo["fields"][name]) is type(value), name
    assert set(example["changelog"]) == set(demo["changelog"])
    example_item = example["changelog"]["histories"][1]["items"][0]
    demo_item = next(item for h in demo["changelog"]["histories"] for item in h["items"]
                     if item["field"] == "status")
    assert set(demo_item) == set(example_item)
    assert set(demo["changelog"]["histories"][0]) >= set(example["changelog"]["histories"][0])
