"""Every settings rule of METRICS.md section 5, as tables of raw input -> outcome."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from configuration.errors import ConfigError
from configuration.settings import Settings
from configuration.validation import (
    SettingsInvalid,
    parse_settings,
    problems_of,
    settings_to_dict,
)

EXAMPLE: dict[str, Any] = {
    "jira": {
        "url": "https://your-domain.atlassian.net",
        "flavor": "cloud",
        "auth": "basic",
        "email": "you@example.com",
        "token": None,
        "jql": "project = DEMO",
        "page_size": 100,
        "rate_limit": {"requests": 100, "per_seconds": 10},
        "timeout_seconds": 30,
    },
    "workflow": {
        "active_statuses": ["In Progress", "In Review"],
        "waiting_statuses": ["Blocked", "Ready for QA"],
        "done_statuses": ["Done", "Closed"],
    },
    "flow_types": {"feature": ["Story"], "defect": ["Bug"], "risk": ["Vulnerability"],
                   "debt": ["Tech Debt"]},
    "dora": {
        "deployments": {
            "source": "issues",
            "issue_types": ["Deployment"],
            "date_field": None,
            "environment_field": "customfield_10050",
            "production_values": ["Production"],
            "failure_field": "customfield_10051",
            "failure_values": ["Yes"],
        },
        "incidents": {
            "issue_types": ["Incident"],
            "environment_field": None,
            "production_values": [],
            "start_field": None,
            "end_field": None,
        },
        "change_start_field": None,
    },
    "period_days": 90,
    "cache": {"ttl_hours": 24},
    "forecast": {"scope_filter": [], "points_field": None},
}


def nested(dotted: str, value: Any) -> dict[str, Any]:
    """``nested("jira.rate_limit.requests", 0)`` -> ``{"jira": {"rate_limit": {...: 0}}}``."""
    raw: Any = value
    for part in reversed(dotted.split(".")):
        raw = {part: raw}
    return raw


def attribute(settings: Settings, dotted: str) -> Any:
    value: Any = settings
    for part in dotted.split("."):
        value = value[part] if isinstance(value, dict | type(settings.flow_types)) else getattr(
            value, part)
    return value


def test_empty_settings_are_the_documented_defaults():
    assert parse_settings({}) == Settings()


def test_the_metrics_md_example_parses_to_the_documented_values():
    settings = parse_settings(EXAMPLE)
    assert settings.jira.url == "https://your-domain.atlassian.net"
    assert settings.jira.rate_limit.per_seconds == 10.0
    assert settings.workflow.waiting_statuses == ("Blocked", "Ready for QA")
    assert settings.dora.deployments.environment_field == "customfield_10050"
    assert settings.dora.incidents.production_values == ()
    assert settings.forecast.scope_filter == ()
    assert settings.mapped_field_ids() == ("customfield_10050", "customfield_10051")


def test_settings_to_dict_round_trips_the_example_in_its_shape():
    data = settings_to_dict(parse_settings(EXAMPLE), include_token=True)
    assert json.loads(json.dumps(data)) == data  # JSON-ready
    # the contract's keys first, in its order; keys added since (filter_fields) after
    assert list(data)[: len(EXAMPLE)] == list(EXAMPLE)
    assert list(data["jira"]) == list(EXAMPLE["jira"])
    assert data["jira"]["rate_limit"] == {"requests": 100, "per_seconds": 10.0}
    assert parse_settings(data) == parse_settings(EXAMPLE)


def test_settings_to_dict_leaves_the_token_out_unless_asked():
    settings = parse_settings(nested("jira.token", "secret-abc"))
    assert "token" not in settings_to_dict(settings)["jira"]
    assert settings_to_dict(settings, include_token=True)["jira"]["token"] == "secret-abc"


def test_the_token_is_not_in_the_settings_repr():
    assert "secret-abc" not in repr(parse_settings(nested("jira.token", "secret-abc")))


VALID = [
    # (dotted key, raw value, expected attribute value)
    ("jira.url", "https://x.atlassian.net/", "https://x.atlassian.net"),
    ("jira.url", "http://jira.local:8080/jira", "http://jira.local:8080/jira"),
    ("jira.url", None, None),
    ("jira.flavor", "datacenter", "datacenter"),
    ("jira.auth", "bearer", "bearer"),
    ("jira.email", "a@b.org", "a@b.org"),
    ("jira.email", "dc-user", "dc-user"),
    ("jira.token", "t0ken", "t0ken"),
    ("jira.jql", "  project = X ", "project = X"),
    ("jira.page_size", 1, 1),
    ("jira.page_size", 5000, 5000),
    ("jira.rate_limit.requests", 1, 1),
    ("jira.rate_limit.per_seconds", 0.5, 0.5),
    ("jira.rate_limit.per_seconds", 2, 2.0),
    ("jira.timeout_seconds", 1, 1.0),
    ("workflow.active_statuses", ["In Progress "], ("In Progress",)),
    ("workflow.waiting_statuses", [], ()),
    ("workflow.done_statuses", None, None),
    ("dora.deployments.source", "versions", "versions"),
    ("dora.deployments.date_field", "customfield_1", "customfield_1"),
    ("dora.incidents.production_values", ["Prod", "Live"], ("Prod", "Live")),
    ("dora.change_start_field", None, None),
    ("period_days", 1, 1),
    ("period_days", 3650, 3650),
    ("cache.ttl_hours", 0.25, 0.25),
    ("flow_types.feature", ["Story", "Task"], ("Story", "Task")),
    ("forecast.scope_filter", [], ()),
    ("forecast.scope_filter", ["fixVersion = 2.0", "type!=Bug"], ("fixversion=2.0", "type!=Bug")),
    ("forecast.points_field", None, None),
    ("forecast.points_field", "customfield_10016", "customfield_10016"),
]


@pytest.mark.parametrize(("key", "value", "expected"), VALID)
def test_valid_values_are_accepted_and_normalized(key, value, expected):
    assert attribute(parse_settings(nested(key, value)), key) == expected


def test_omitted_flow_types_keep_their_defaults():
    settings = parse_settings({"flow_types": {"feature": ["Story", "Task"]}})
    assert dict(settings.flow_types) == {
        "feature": ("Story", "Task"), "defect": ("Bug",), "risk": ("Vulnerability",),
        "debt": ("Tech Debt",),
    }


INVALID = [
    # (raw settings, dotted key named, words in the message)
    ({"colour": 1}, "colour", "unknown key"),
    (nested("dora.deployments.colour", "red"), "dora.deployments.colour", "unknown key"),
    (nested("jira.urll", "https://x"), "jira.urll", 'did you mean "url"'),
    (nested("flow_types.epic", ["Epic"]), "flow_types.epic", "unknown key"),
    ({"jira": []}, "jira", "must be an object"),
    ({"jira": None}, "jira", "must be an object"),
    (nested("jira.rate_limit", 5), "jira.rate_limit", "must be an object"),
    (nested("jira.url", "ftp://x.org"), "jira.url", "http"),
    (nested("jira.url", "https://"), "jira.url", "host"),
    (nested("jira.url", "x.atlassian.net"), "jira.url", "http"),
    (nested("jira.url", "https://x.org:port"), "jira.url", "port"),
    (nested("jira.url", "https://me:pw@x.org"), "jira.url", "credentials"),
    (nested("jira.url", "https://x.org/?a=1"), "jira.url", "query"),
    (nested("jira.url", "https://x .org"), "jira.url", "host"),
    (nested("jira.url", 42), "jira.url", "not a whole number"),
    (nested("jira.flavor", "server"), "jira.flavor", '"cloud", "datacenter"'),
    (nested("jira.auth", "oauth"), "jira.auth", '"basic", "bearer"'),
    (nested("jira.auth", None), "jira.auth", "must be one of"),
    (nested("jira.email", ""), "jira.email", "e-mail address or user name"),
    (nested("jira.email", 7), "jira.email", "e-mail address or user name"),
    (nested("jira.email", "not an email"), "jira.email", "without spaces"),
    (nested("jira.email", "me@"), "jira.email", "like you@example.com"),
    (nested("jira.email", "me@host"), "jira.email", "like you@example.com"),
    (nested("jira.token", ""), "jira.token", "non-empty"),
    (nested("jira.token", 123), "jira.token", "non-empty"),
    (nested("jira.jql", ""), "jira.jql", "must not be empty"),
    (nested("jira.jql", "   "), "jira.jql", "must not be empty"),
    (nested("jira.jql", ["project = X"]), "jira.jql", "must not be empty"),
    (nested("jira.page_size", 0), "jira.page_size", "at least 1 and at most 5000"),
    (nested("jira.page_size", 5001), "jira.page_size", "at least 1 and at most 5000"),
    (nested("jira.page_size", 10.0), "jira.page_size", "must be a whole number of at least 1"),
    (nested("jira.page_size", "100"), "jira.page_size", "must be a whole number"),
    (nested("jira.page_size", True), "jira.page_size", "must be a whole number"),
    (nested("jira.rate_limit.requests", 0), "jira.rate_limit.requests", "at least 1"),
    (nested("jira.rate_limit.requests", -5), "jira.rate_limit.requests", "at least 1"),
    (nested("jira.rate_limit.per_seconds", 0), "jira.rate_limit.per_seconds", "greater than 0"),
    (nested("jira.rate_limit.per_seconds", -1.5), "jira.rate_limit.per_seconds",
     "greater than 0"),
    (nested("jira.timeout_seconds", 0), "jira.timeout_seconds", "greater than 0"),
    (nested("jira.timeout_seconds", float("nan")), "jira.timeout_seconds", "greater than 0"),
    (nested("jira.timeout_seconds", float("inf")), "jira.timeout_seconds", "greater than 0"),
    (nested("jira.timeout_seconds", None), "jira.timeout_seconds", "not null"),
    (nested("workflow.active_statuses", "In Progress"), "workflow.active_statuses",
     "list of names"),
    (nested("workflow.done_statuses", ["Done", ""]), "workflow.done_statuses", "non-empty"),
    (nested("workflow.done_statuses", ["Done", 3]), "workflow.done_statuses", "non-empty"),
    ({"workflow": {"active_statuses": ["Review"], "done_statuses": ["REVIEW"]}},
     "workflow.done_statuses", 'status "REVIEW" is also in workflow.active_statuses'),
    ({"workflow": {"waiting_statuses": ["Blocked"], "active_statuses": ["blocked"]}},
     "workflow.waiting_statuses", "also in workflow.active_statuses"),
    (nested("flow_types", ["Story"]), "flow_types", "must be an object"),
    (nested("flow_types.feature", "Story"), "flow_types.feature", "list of names"),
    (nested("flow_types.feature", [1]), "flow_types.feature", "non-empty"),
    ({"flow_types": {"feature": ["Story"], "debt": ["story"]}}, "flow_types.debt",
     'issue type "story" is also in flow_types.feature'),
    ({"flow_types": {"feature": ["Bug"]}}, "flow_types.defect", "also in flow_types.feature"),
    (nested("dora.deployments.source", "releases"), "dora.deployments.source",
     '"issues", "versions"'),
    (nested("dora.deployments.issue_types", None), "dora.deployments.issue_types",
     "list of names"),
    (nested("dora.deployments.failure_values", [True]), "dora.deployments.failure_values",
     "non-empty"),
    (nested("dora.deployments.environment_field", ""), "dora.deployments.environment_field",
     "field id"),
    (nested("dora.incidents.start_field", 10), "dora.incidents.start_field", "field id"),
    (nested("dora.incidents.issue_types", ["Deployment"]), "dora.incidents.issue_types",
     'issue type "Deployment" is also in dora.deployments.issue_types'),
    (nested("dora.change_start_field", []), "dora.change_start_field", "field id"),
    # Issue 10, item 4: a number input holding 0 or -5 sends null; "not null" helped no one.
    ({"period_days": 0}, "period_days", "must be a whole number of at least 1"),
    ({"period_days": -5}, "period_days", "must be a whole number of at least 1"),
    ({"period_days": None}, "period_days", "must be a whole number of at least 1"),
    ({"period_days": 3651}, "period_days", "at most 3650"),
    ({"period_days": 30.5}, "period_days", "whole number"),
    (nested("cache.ttl_hours", 0), "cache.ttl_hours", "greater than 0"),
    (nested("cache.ttl_hours", -1), "cache.ttl_hours", "greater than 0"),
    (nested("cache.ttl_hours", "24"), "cache.ttl_hours", "not text"),
    (nested("forecast.scope_filter", "fixversion=2.0"), "forecast.scope_filter", "list"),
    (nested("forecast.scope_filter", ["fixversion"]), "forecast.scope_filter",
     "FIELD=V1,V2"),
    (nested("forecast.scope_filter", ["colour=red"]), "forecast.scope_filter",
     'unknown field "colour"'),
    (nested("forecast.scope_filter", ["label= ,"]), "forecast.scope_filter", "no value"),
    (nested("forecast.points_field", ""), "forecast.points_field", "a field id"),
    (nested("forecast.colour", 1), "forecast.colour", "unknown key"),
]


@pytest.mark.parametrize(("raw", "key", "words"), INVALID)
def test_each_invalid_value_names_its_key_and_problem(raw, key, words):
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings(raw)
    assert caught.value.problems[0][0] == key
    assert words in caught.value.problems[0][1]
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")
    assert "\n" not in str(caught.value)


def test_deployment_and_incident_types_may_overlap_when_deployments_are_versions():
    raw = {"dora": {"deployments": {"source": "versions", "issue_types": ["Incident"]}}}
    assert parse_settings(raw).dora.deployments.source == "versions"


def test_every_problem_is_collected_not_just_the_first():
    raw = {"jira": {"url": "ftp://x", "page_size": 0}, "period_days": 0, "bogus": 1}
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings(raw)
    keys = [key for key, _ in caught.value.problems]
    assert keys == ["jira.url", "jira.page_size", "period_days", "bogus"]
    assert str(caught.value).startswith("4 problems in the settings: jira.url: ")
    assert all(key in str(caught.value) for key in keys)


def test_a_settings_error_is_a_config_error_with_problems_for_display():
    with pytest.raises(ConfigError) as caught:
        parse_settings({"period_days": 0})
    assert problems_of(caught.value) == [
        ("period_days", "must be a whole number of at least 1 and at most 3650")]
    assert problems_of(ConfigError("bad file")) == [(None, "bad file")]


def test_a_non_object_is_rejected():
    with pytest.raises(SettingsInvalid, match="must be an object"):
        parse_settings(["jira"])  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["jira.url", "jira.email", "jira.token", "jira.jql"])
def test_messages_never_echo_the_rejected_value(key):
    text_value = 'ftp://s3cr3t-value with "spaces"'
    raw = nested(key, text_value if key == "jira.url" else ["s3cr3t-value"])
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings(raw)
    assert "s3cr3t" not in str(caught.value)


names = st.lists(st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and s),
                 max_size=4, unique_by=str.casefold)


@given(period=st.integers(1, 3650), page=st.integers(1, 5000), active=names,
       ttl=st.floats(min_value=0.01, max_value=1e6))
def test_any_valid_settings_round_trip_through_settings_to_dict(period, page, active, ttl):
    settings = parse_settings({"period_days": period, "jira": {"page_size": page},
                               "workflow": {"active_statuses": active},
                               "cache": {"ttl_hours": ttl}})
    assert parse_settings(settings_to_dict(settings)) == settings
