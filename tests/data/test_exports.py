"""The items behind the numbers: exact rows for a small hand-built project."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace

import pandas as pd
import pytest

from configuration.settings import DeploymentSettings, DoraSettings, Settings, WorkflowSettings
from data import exports
from data.issues.normalize import normalize_issues
from data.metrics.context import CalculationContext
from tests.builders import issue, option, version

AS_OF = "2026-01-10T00:00:00Z"
FAILED = "customfield_10051"
SETTINGS = Settings(
    workflow=WorkflowSettings(active_statuses=("In Progress",), waiting_statuses=("Blocked",),
                              done_statuses=("Done",)),
    dora=DoraSettings(deployments=DeploymentSettings(failure_field=FAILED,
                                                     failure_values=("Yes",))),
)
V1 = version("1", "v1", True, "2026-01-05")
RAW = [
    issue("DEMO-1", "Story", "2026-01-01T09:00:00.000+0000", transitions=[
        ("2026-01-02T10:00:00.000+0000", "To Do", "In Progress"),
        ("2026-01-04T10:00:00.000+0000", "In Progress", "Done")], fix_versions=[V1]),
    issue("DEMO-2", "Deployment", "2026-01-04T12:00:00.000+0000", transitions=[
        ("2026-01-05T10:00:00.000+0000", "To Do", "Done")], fix_versions=[V1],
        fields={FAILED: option("Yes")}),
    issue("DEMO-3", "Incident", "2026-01-06T10:00:00.000+0000", transitions=[
        ("2026-01-06T14:00:00.000+0000", "To Do", "Done")]),
    issue("DEMO-4", "Bug", "2026-01-07T09:00:00.000+0000", transitions=[
        ("2026-01-08T12:00:00.000+0000", "To Do", "In Progress")]),
]


@pytest.fixture(scope="module")
def items() -> exports.PageItems:
    frames = normalize_issues(RAW, SETTINGS.mapped_field_ids())
    ctx = CalculationContext.build(frames, SETTINGS, as_of=AS_OF, period_days=9)
    return exports.page_items(ctx)


def test_deployments_in_the_window(items):
    assert list(items.deployments["key"]) == ["DEMO-2"]  # an issue: its key
    assert list(items.deployments["failed"]) == [True]
    assert items.deployments["time"].iloc[0] == pd.Timestamp("2026-01-05T10:00Z")


def test_version_deployments_are_named_not_keyed():
    """METRICS.md section 8: a released version has a name, an issue deployment a key."""
    settings = replace(SETTINGS, dora=replace(
        SETTINGS.dora, deployments=DeploymentSettings(source="versions")))
    frames = normalize_issues(RAW, settings.mapped_field_ids())
    ctx = CalculationContext.build(frames, settings, as_of=AS_OF, period_days=9)
    deployments = exports.page_items(ctx).deployments
    assert list(deployments.columns) == ["name", "time", "failed"]
    assert list(deployments["name"]) == ["v1"]


def test_changes_with_exact_lead_time(items):
    assert list(items.changes["key"]) == ["DEMO-1"]
    assert items.changes["lead_time_hours"].iloc[0] == 72.0  # Jan 2 10:00 -> Jan 5 10:00


def test_incidents_with_exact_restore_time(items):
    assert list(items.incidents["key"]) == ["DEMO-3"]
    assert items.incidents["restore_hours"].iloc[0] == 4.0


def test_completed_flow_items_with_flow_time(items):
    completed = items.completed.set_index("key")
    assert set(completed.index) == {"DEMO-1", "DEMO-3"}  # deployments are not flow items
    assert completed.loc["DEMO-1", "flow_days"] == 2.0
    assert completed.loc["DEMO-1", "flow_type"] == "feature"
    assert math.isnan(completed.loc["DEMO-3", "flow_days"])  # never started


def test_wip_with_age(items):
    assert list(items.wip["key"]) == ["DEMO-4"]
    assert items.wip["age_days"].iloc[0] == pytest.approx(1.5)  # Jan 8 12:00 -> Jan 10
    assert items.wip["flow_type"].iloc[0] == "defect"


def test_csv_tables_name_each_record_kind(items):
    dora_csv = exports.to_csv(exports.dora_table(items))
    header, *rows = csv.reader(io.StringIO(dora_csv))
    assert header[0] == "record"
    assert [r[0] for r in rows] == ["deployment", "change", "incident"]
    assert "2026-01-05T10:00:00Z" in dora_csv
    flow_kinds = list(exports.flow_table(items)["record"])
    assert flow_kinds.count("completed") == 2
    assert flow_kinds.count("in_progress") == 1


def test_throughput_table_and_forecast_share_the_engine_day_buckets(items):
    table = exports.throughput_table(items)
    assert len(table) == 9
    assert int(table["completed_items"].sum()) == 2
    answer = exports.forecast_answers(items.completed, items.as_of, 9, items=2, days=9)
    assert answer.completed == 2
    assert answer.sample_days == 9
    assert answer.how_many[0.5] >= 0
    assert set(answer.how_many) == set(exports.CURVE_CONFIDENCES)


def test_empty_tables_still_have_a_record_column():
    empty = exports.PageItems(pd.Timestamp(AS_OF), 9, *[pd.DataFrame()] * 5)
    assert list(exports.dora_table(empty).columns) == ["record"]


def test_previous_period_uses_the_metric_definitions_on_the_earlier_window():
    frames = normalize_issues(RAW, SETTINGS.mapped_field_ids())
    # Window [Jan 6, Jan 10): the previous one, [Jan 2, Jan 6), holds DEMO-1's
    # completion (Jan 4) and the deployment (Jan 5 10:00), not the restore (Jan 6 14:00).
    ctx = CalculationContext.build(frames, SETTINGS, as_of=AS_OF, period_days=4)
    previous = exports.previous_period(ctx)
    assert previous["dora"]["deployment_frequency"]["deployments"] == 1
    assert previous["dora"]["change_failure_rate"]["failed"] == 1
    assert previous["flow"]["velocity"]["completed"] == 1
    assert previous["flow"]["time"]["median_days"] == 2.0
    assert previous["dora"]["time_to_restore"]["incidents"] == 0  # restored on Jan 6


@pytest.mark.parametrize(("period_days", "covered"),
                         [(1, True), (4, True), (5, False), (30, False)])
def test_previous_period_says_whether_the_data_reaches_back_to_its_start(period_days,
                                                                         covered):
    frames = normalize_issues(RAW, SETTINGS.mapped_field_ids())
    first = frames.issues["created"].min()
    ctx = CalculationContext.build(frames, SETTINGS, as_of=AS_OF, period_days=period_days)
    previous = exports.previous_period(ctx)
    start = pd.Timestamp(AS_OF) - pd.Timedelta(days=2 * period_days)
    assert previous["start"] == start.isoformat()
    assert previous["data_start"] == first.isoformat()
    assert previous["covered"] is covered
    assert (first <= start) is covered


# ---- CSV formula injection (issue 11 item 4) ------------------------------------------

@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Done", "Done"),
    ("a=b", "a=b"),
])
def test_formula_like_text_is_neutralised_and_quoted(cell, written):
    table = pd.DataFrame({"record": ["x"], "status": [cell],
                          "kind": pd.Categorical([cell]), "hours": [-1.5], "count": [-3]})
    text = exports.to_csv(table)
    _, row = list(csv.reader(io.StringIO(text)))
    assert row[1:3] == [written, written]
    body = text.split("\n", 1)[1]
    quoted = '"' + written.replace('"', '""') + '"'
    assert body.startswith(f'"x",{quoted},{quoted},')  # text cells are quoted
    assert body.rstrip("\n").endswith(",-1.5,-3")  # our numbers stay plain numbers


def test_hostile_names_from_jira_are_neutralised_in_every_export():
    hostile = [issue("DEMO-9", "=cmd|'/C calc'!A0", "2026-01-07T09:00:00.000+0000",
                     transitions=[("2026-01-08T12:00:00.000+0000", "To Do", "@In Progress")])]
    settings = Settings(workflow=WorkflowSettings(active_statuses=("@In Progress",)),
                        flow_types={"feature": ("=cmd|'/C calc'!A0",)})
    frames = normalize_issues(RAW + hostile, settings.mapped_field_ids())
    ctx = CalculationContext.build(frames, settings, as_of=AS_OF, period_days=9)
    page = exports.page_items(ctx)
    for table in (exports.dora_table(page), exports.flow_table(page),
                  exports.throughput_table(page)):
        for row in csv.reader(io.StringIO(exports.to_csv(table))):
            assert not [cell for cell in row if cell.startswith(exports.FORMULA_STARTS)], row
    flow = exports.to_csv(exports.flow_table(page))
    assert "'=cmd|'/C calc'!A0" in flow
    assert "'@In Progress" in flow
