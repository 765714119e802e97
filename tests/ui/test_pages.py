from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from tests.ui.sample import DORA_CHARTS, FLOW_CHARTS, empty_report, report
from tests.ui.tree import find, ids_in, text_of, walk
from ui import ids
from ui.pages import dora, flow, forecast
from ui.pages import settings as settings_page
from ui.tiers import benchmark_rows

DEPLOYMENTS = pd.DataFrame({
    "name": ["v1", "v2"], "failed": [False, True],
    "time": pd.to_datetime(["2026-01-10T10:00Z", "2026-01-20T10:00Z"], utc=True)})
NO_DEPLOYMENTS = DEPLOYMENTS.iloc[0:0]


def dora_page(data, previous=None, deployments=DEPLOYMENTS, lead=(10.0, 30.5, 80.0),
              restore=(4.0, 6.0)):
    return dora.layout(data, previous, deployments=deployments,
                       lead_hours=pd.Series(lead, dtype=float),
                       restore_hours=pd.Series(restore, dtype=float),
                       benchmarks=benchmark_rows(), subtitle="last 21 days")




def test_dora_page_draws_every_chart_and_card():
    page = dora_page(report())
    assert set(DORA_CHARTS) <= ids_in(page)
    assert text_of(find(page, "dora-deployment-frequency-value")) == "2 per week"
    assert text_of(find(page, "dora-lead-time-value")) == "30.5 hours"
    assert text_of(find(page, "dora-change-failure-rate-value")) == "16.7 %"
    assert text_of(find(page, "dora-time-to-restore-value")) == "5 hours"
    assert text_of(find(page, "dora-change-failure-rate-tier")) == "Low"


def test_dora_cards_compare_with_the_previous_period():
    previous = report(dora__deployment_frequency={"deployments": 3, "per_week": 1.0,
                                                  "tier": "high"})
    card = find(dora_page(report(), previous), "dora-deployment-frequency-card")
    assert "▲ 100% vs previous period" in text_of(card)


def test_cards_compare_only_with_a_previous_period_the_data_covers():
    """Issue 10, item 6: "▲ 695%" against a period mostly before the data."""
    previous = {**report(flow__velocity={"completed": 1, "per_week": 0.5, "by_type": {}}),
                "covered": False, "start": "2025-12-08T00:00:00+00:00",
                "data_start": "2026-05-04T00:00:00+00:00"}
    why = "no comparison: the data starts 4 May 2026, after the previous period's start"
    for page, card in ((dora_page(report(), previous), "dora-deployment-frequency-card"),
                       (flow.layout(report(), previous, subtitle="x",
                                    flow_types={"DEMO-1": "feature"}), "flow-velocity-card")):
        text = text_of(find(page, card))
        assert why in text
        assert "vs previous period" not in text


def test_tier_tooltip_shows_the_benchmark_table():
    text = text_of(find(dora_page(report()), ids.DORA_CARDS))
    assert "at least 7 deployments per week" in text
    assert "under 24 hours (median)" in text
    assert "over 15 % of deployments failed" in text


def test_dora_page_with_nothing_to_count_says_why_instead_of_zero():
    page = dora_page(empty_report(), deployments=NO_DEPLOYMENTS, lead=(), restore=())
    assert not set(DORA_CHARTS) & ids_in(page)
    assert f"{ids.DORA_DEPLOYMENTS_TIMELINE}-empty" in ids_in(page)
    text = text_of(page)
    assert dora.NO_DEPLOYMENTS in text
    assert text_of(find(page, "dora-deployment-frequency-value")) == "— per week"
    assert "No tier" in text_of(find(page, "dora-lead-time-card"))


def test_flow_page_draws_every_chart():
    page = flow.layout(report(), None, subtitle="x", flow_types={"DEMO-1": "feature"})
    assert set(FLOW_CHARTS) <= ids_in(page)
    assert text_of(find(page, "flow-velocity-value")) == "4 items / week"
    assert text_of(find(page, "flow-efficiency-value")) == "41.2% "
    assert text_of(find(page, "flow-distribution-value")) == "50% feature"


def test_flow_page_with_nothing_completed_shows_empty_states():
    page = flow.layout(empty_report(), None, subtitle="x")
    assert not set(FLOW_CHARTS) & ids_in(page)
    assert {f"{c}-empty" for c in FLOW_CHARTS} <= ids_in(page)
    assert flow.NO_COMPLETED in text_of(page)


def test_forecast_sentences_read_plainly():
    as_of = datetime(2026, 1, 1, tzinfo=UTC)
    lines = forecast.sentences(as_of, 14, 50, {0.5: 31, 0.85: 27, 0.95: 24},
                               {0.5: datetime(2026, 2, 20, tzinfo=UTC),
                                0.85: datetime(2026, 3, 3, tzinfo=UTC), 0.95: None})
    assert "85% chance of at least 27 items by 15 Jan" in lines
    assert "50 items done by 3 Mar with 85% confidence" in lines
    assert "50 items: not within ten years at 95% confidence" in lines


def test_forecast_without_throughput_is_an_empty_state():
    as_of = datetime(2026, 1, 1, tzinfo=UTC)
    result = forecast.results(as_of=as_of, days=30, items=50, how_many={0.85: 0},
                              when={0.85: None}, completed=0, sample_days=90)
    assert forecast.NO_THROUGHPUT in text_of(result)
    assert ids.FORECAST_HOW_MANY_CHART not in ids_in(result)


SETTINGS_RAW = {"jira": {"url": "https://x.atlassian.net", "flavor": "cloud", "auth": "basic",
                         "email": "a@b.c", "jql": "project = X"},
                "workflow": {"active_statuses": None, "waiting_statuses": ["Blocked"],
                             "done_statuses": None},
                "flow_types": {"feature": ["Story"]},
                "dora": {"deployments": {"source": "issues", "issue_types": ["Deployment"],
                                         "environment_field": "customfield_1"},
                         "incidents": {"issue_types": ["Incident"]}},
                "period_days": 90}
META = {"fields": [{"id": "customfield_1", "name": "Environment"},
                   {"id": "resolutiondate", "name": "Resolved"}],
        "statuses": [{"name": "Done", "category": "done"},
                     {"name": "In Progress", "category": "indeterminate"},
                     {"name": "To Do", "category": "new"}],
        "issue_types": ["Bug", "Story"]}


def test_settings_form_never_carries_the_token():
    page = settings_page.layout(SETTINGS_RAW, token_saved=True, meta=META, demo=False)
    token = find(page, ids.SETTINGS_INPUTS["jira.token"])
    assert token.type == "password"
    assert token.value == ""
    assert "A token is saved" in text_of(find(page, ids.SETTINGS_TOKEN_STATUS))


def test_settings_status_lists_default_to_jira_categories():
    page = settings_page.layout(SETTINGS_RAW, token_saved=False, meta=META, demo=True)
    assert find(page, ids.SETTINGS_INPUTS["workflow.active_statuses"]).value == ["In Progress"]
    assert find(page, ids.SETTINGS_INPUTS["workflow.done_statuses"]).value == ["Done"]
    assert find(page, ids.SETTINGS_INPUTS["workflow.waiting_statuses"]).value == ["Blocked"]
    labels = [o["label"] for o in settings_page.status_options(META["statuses"])]
    assert labels == ["To Do  (To do)", "In Progress  (In progress)", "Done  (Done)"]


@pytest.mark.parametrize(("current", "expected_last"), [
    (None, "Resolved (resolutiondate)"),
    ("customfield_9", "customfield_9 (not found in JIRA)"),
])
def test_field_options_show_name_and_id(current, expected_last):
    options = settings_page.field_options(META["fields"], [current])
    assert options[0] == {"label": "Environment (customfield_1)", "value": "customfield_1"}
    assert options[-1]["label"] == expected_last


def test_every_chart_is_named_by_its_headline_and_how_it_is_computed():
    """Issue 10, item 9: a text alternative on each chart's figure."""
    page = flow.layout(report(), None, subtitle="x", flow_types={"DEMO-1": "feature"})
    for graph_id in FLOW_CHARTS:
        figure = next(f for f in walk(page) if type(f).__name__ == "Figure"
                      and graph_id in ids_in(f))
        text = getattr(figure, "aria-label")
        assert "How this is computed: " in text
        assert any(c.isdigit() for c in text.split("How this is computed")[0]), text
