from __future__ import annotations

import pytest

from callbacks.settings_form import feedback_for, form_to_raw, missing_required
from configuration.validation import parse_settings

BASE = {"jira": {"url": "https://old.example", "flavor": "cloud", "auth": "basic",
                 "email": None, "jql": "project = OLD", "page_size": 50,
                 "rate_limit": {"requests": 10, "per_seconds": 1.0}, "timeout_seconds": 30.0},
        "period_days": 90}


@pytest.mark.parametrize(("key", "value", "path", "expected"), [
    ("jira.url", "  https://x.atlassian.net ", ("jira", "url"), "https://x.atlassian.net"),
    ("jira.email", "", ("jira", "email"), None),
    ("dora.deployments.production_values", "Production, Prod ,",
     ("dora", "deployments", "production_values"), ["Production", "Prod"]),
    ("workflow.active_statuses", [], ("workflow", "active_statuses"), None),
    ("workflow.done_statuses", ["Done"], ("workflow", "done_statuses"), ["Done"]),
    ("dora.deployments.date_field", None, ("dora", "deployments", "date_field"), None),
    ("flow_types.feature", None, ("flow_types", "feature"), []),
    ("period_days", 30.0, ("period_days",), 30),
])
def test_form_values_become_settings_values(key, value, path, expected):
    raw = form_to_raw({key: value}, BASE)
    node = raw
    for part in path:
        node = node[part]
    assert node == expected


def test_form_keeps_unshown_keys_and_adds_the_token_only_when_typed():
    raw = form_to_raw({"jira.url": "https://x.example", "jira.token": ""}, BASE)
    assert raw["jira"]["page_size"] == 50
    assert "token" not in raw["jira"]
    assert form_to_raw({"jira.token": " s3cret "}, BASE, token=" s3cret ")["jira"]["token"] \
        == "s3cret"
    assert "token" not in BASE["jira"]  # the base is not modified


def test_a_complete_form_parses():
    raw = form_to_raw({"jira.url": "https://x.atlassian.net", "jira.jql": "project = X",
                       "flow_types.feature": ["Story"], "flow_types.defect": ["Bug"]}, BASE)
    settings = parse_settings(raw)
    assert settings.flow_types["feature"] == ("Story",)
    assert settings.jira.page_size == 50


KEYS = ["jira.url", "flow_types.feature", "dora.deployments.issue_types"]


@pytest.mark.parametrize(("problems", "per_key", "unplaced"), [
    ([("jira.url", "must start with https://")], {"jira.url": "must start with https://"}, []),
    ([("flow_types.feature[0]", "is empty")], {"flow_types.feature": "is empty"}, []),
    ([("workflow", "a status is in two lists")], {}, ["workflow: a status is in two lists"]),
    ([(None, "bad")], {}, ["bad"]),
    ([("jira.url", "a."), ("jira.url", "b.")], {"jira.url": "a. b."}, []),
])
def test_problems_go_next_to_their_field(problems, per_key, unplaced):
    assert feedback_for(problems, KEYS) == (per_key, unplaced)


@pytest.mark.parametrize(("values", "missing"), [
    ({"jira.url": "https://x.net", "jira.jql": "project = X"}, []),
    ({"jira.url": "", "jira.jql": "project = X"}, ["jira.url"]),
    ({"jira.url": None, "jira.jql": "  "}, ["jira.url", "jira.jql"]),
    ({}, ["jira.url", "jira.jql"]),
])
def test_url_and_query_are_required_by_the_form(values, missing):
    assert [key for key, _ in missing_required(values)] == missing


def test_the_filter_bar_fields_round_trip_through_the_form():
    raw = form_to_raw({"filter_fields": ["customfield_10042", "customfield_7"]}, {})
    assert parse_settings(raw).filter_fields == ("customfield_10042", "customfield_7")
    assert form_to_raw({"filter_fields": None}, {})["filter_fields"] == []
