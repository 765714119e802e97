"""Profiles (METRICS.md section 8): deep merge, per-profile validation, saves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from configuration.errors import ConfigError
from configuration.profiles import (
    CONNECTION_KEYS,
    DEFAULT,
    deep_merge,
    profile_names,
    resolve,
    resolve_all,
)
from configuration.settings_file import load_settings, save_settings
from configuration.validation import SettingsInvalid, parse_settings, settings_to_dict

TOP = {
    "jira": {"url": "https://jira.example.com", "email": "a@example.com",
             "token": "tok-1234-secret", "jql": "project = ALL"},
    "workflow": {"active_statuses": ["In Progress", "Review"], "done_statuses": ["Done"]},
    "flow_types": {"defect": ["Bug", "Defect"]},
    "dora": {"deployments": {"environment_field": "customfield_1",
                             "production_values": ["Production", "Live"]}},
    "period_days": 30,
}

MERGES = [
    # (profile object, dotted path in the resolved settings, expected value)
    pytest.param({"jira": {"jql": "project = MOB"}}, "jira.jql", "project = MOB",
                 id="a value replaces"),
    pytest.param({"jira": {"jql": "project = MOB"}}, "jira.url", "https://jira.example.com",
                 id="objects merge: siblings kept"),
    pytest.param({"workflow": {"active_statuses": ["Doing"]}}, "workflow.active_statuses",
                 ["Doing"], id="a list replaces, never appends"),
    pytest.param({"workflow": {"active_statuses": ["Doing"]}}, "workflow.done_statuses",
                 ["Done"], id="the other lists are inherited"),
    pytest.param({"flow_types": {"feature": ["Epic Story"]}}, "flow_types.defect",
                 ["Bug", "Defect"], id="flow types merge per type"),
    pytest.param({"flow_types": {"feature": ["Epic Story"]}}, "flow_types.feature",
                 ["Epic Story"], id="one flow type replaced"),
    pytest.param({"dora": {"deployments": {"failure_field": "customfield_2"}}},
                 "dora.deployments.production_values", ["Production", "Live"],
                 id="nested objects merge"),
    pytest.param({"dora": {"deployments": {"production_values": []}}},
                 "dora.deployments.production_values", [], id="an empty list replaces"),
    pytest.param({"period_days": 7}, "period_days", 7, id="a number replaces"),
    pytest.param({}, "period_days", 30, id="an empty profile is the top level"),
]


def at(data: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        data = data[key]
    return data


def with_profiles(**profiles: Any) -> dict[str, Any]:
    return {**TOP, "profiles": profiles}


@pytest.mark.parametrize(("override", "path", "expected"), MERGES)
def test_a_profile_is_deep_merged_over_the_top_level(override, path, expected):
    profile = resolve(parse_settings(with_profiles(p=override)), "p")
    assert at(settings_to_dict(profile.settings), path) == expected


def test_deep_merge_leaves_its_inputs_unchanged():
    base, override = {"a": {"b": [1], "c": 2}}, {"a": {"b": [3]}}
    assert deep_merge(base, override) == {"a": {"b": [3], "c": 2}}
    assert base == {"a": {"b": [1], "c": 2}}
    assert override == {"a": {"b": [3]}}


@pytest.mark.parametrize("key", CONNECTION_KEYS)
def test_a_profile_cannot_change_the_connection(key):
    value = {"flavor": "datacenter", "auth": "bearer"}.get(key, "https://other.example.com")
    settings = parse_settings(with_profiles(p={"jira": {key: value}}))
    with pytest.raises(SettingsInvalid) as caught:
        resolve(settings, "p")
    assert caught.value.problems[0][0] == f"profiles.p.jira.{key}"
    assert "connection" in caught.value.problems[0][1]


def test_a_profile_keeps_the_connection_and_token_of_the_top_level():
    profile = resolve(parse_settings(with_profiles(p={"jira": {"jql": "project = P"}})), "p")
    assert profile.settings.jira.token == "tok-1234-secret"
    assert profile.settings.jira.email == "a@example.com"


BAD = [
    # (profile name, profile object, the dotted key at fault)
    ("mobile", {"workflow": {"active": ["x"]}}, "profiles.mobile.workflow.active"),
    ("mobile", {"period_days": 0}, "profiles.mobile.period_days"),
    ("mobile", {"filter": ["colour=red"]}, "profiles.mobile.filter"),
    ("mobile", {"filter": "type=Bug"}, "profiles.mobile.filter"),
    ("mobile", {"workflow": {"waiting_statuses": ["Review"]}},
     "profiles.mobile.workflow.waiting_statuses"),
    ("mobile", ["not", "an", "object"], "profiles.mobile"),
    ("mobile", {"profiles": {}}, "profiles.mobile.profiles"),
    ("bad/name", {}, "profiles.bad/name"),
]


@pytest.mark.parametrize(("name", "override", "key"), BAD)
def test_a_bad_profile_is_named_and_never_blocks_the_others(name, override, key):
    settings = parse_settings(with_profiles(**{name: override, "web": {"period_days": 14}}))
    good, problems = resolve_all(settings)
    assert list(good) == [DEFAULT, "web"]
    assert good["web"].settings.period_days == 14
    assert key in [k for k, _message in problems]
    with pytest.raises(SettingsInvalid) as caught:
        resolve(settings, name)
    assert caught.value.problems[0][0] == key


def test_a_profile_named_default_is_refused_and_default_stays_the_top_level():
    settings = parse_settings(with_profiles(default={"period_days": 7}))
    _good, problems = resolve_all(settings)
    assert problems[0][0] == "profiles.default"
    assert resolve(settings, DEFAULT).settings.period_days == 30


def test_an_unknown_profile_names_the_existing_ones():
    settings = parse_settings(with_profiles(web={}, mobile={}))
    with pytest.raises(ConfigError) as caught:
        resolve(settings, "desktop")
    assert str(caught.value) == ('Unknown profile "desktop"; the profiles are: '
                                 'default, web, mobile.')
    assert profile_names(settings) == (DEFAULT, "web", "mobile")


def test_the_filter_is_kept_in_canonical_form():
    settings = parse_settings(with_profiles(p={"filter": [" Component = API , Web "]}))
    assert resolve(settings, "p").filter == ("component=API,Web",)
    assert resolve(settings, None).filter == ()


def test_the_file_loads_with_a_bad_profile_and_a_save_refuses_one(tmp_path: Path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(with_profiles(bad={"period_days": -1}, ok={})))
    loaded = load_settings(path, env={})
    assert set(loaded.profiles) == {"bad", "ok"}
    before = path.read_text()
    with pytest.raises(SettingsInvalid) as caught:
        save_settings(with_profiles(bad={"period_days": -1}), path, env={})
    assert caught.value.problems[0][0] == "profiles.bad.period_days"
    assert path.read_text() == before


def test_profiles_round_trip_through_a_save(tmp_path: Path):
    path = tmp_path / "settings.json"
    profiles = {"mobile": {"jira": {"jql": "project = MOB"}, "filter": ["label=ios"]}}
    save_settings(with_profiles(**profiles), path, env={})
    assert json.loads(path.read_text())["profiles"] == profiles
    assert resolve(load_settings(path, env={}), "mobile").filter == ("label=ios",)


def test_settings_without_profiles_keep_their_shape():
    assert "profiles" not in settings_to_dict(parse_settings(TOP))
