"""Profiles over the issue stores: one fetch per shared JQL, numbers per profile."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from configuration.filters import parse_filter
from configuration.profiles import with_profiles
from configuration.settings import Settings
from data import profiles
from data.cache.keys import store_key
from data.service import fetch_command, metrics_command
from data.simulator.server import JiraSimulator
from tests.data.cache import conftest as cache_fixtures
from tests.data.cache.conftest import NOW

simulator = cache_fixtures.simulator
settings = cache_fixtures.settings

JQL = "project = DEMO ORDER BY created DESC"
PROFILES = {
    # Same JQL, another workflow, a filter, and one more mapped field (the date field).
    "deploys": {"dora": {"deployments": {"date_field": "customfield_10060"}},
                "filter": ["type!=Bug"]},
    "bugs": {"jira": {"jql": JQL}, "workflow": {"done_statuses": ["Done"]},
             "filter": ["type=Bug,Deployment,Incident"]},
    "other": {"jira": {"jql": "project = DEMO AND type = Bug"}},
}


@pytest.fixture
def with_profile_settings(settings: Settings) -> Settings:
    return with_profiles(settings, PROFILES)


def test_profiles_sharing_a_jql_share_one_store_and_fetch(
    with_profile_settings: Settings, simulator: JiraSimulator, tmp_path: Path
) -> None:
    usable = profiles.usable(with_profile_settings)
    stores = {name: p.settings.jira for name, p in usable.items()}
    keys = {name: store_key(jira) for name, jira in stores.items()}
    assert keys["default"] == keys["deploys"] == keys["bugs"] != keys["other"]

    fetch_command(usable["default"].settings, False, None, cache_dir=tmp_path, now=NOW)
    fetched = simulator.stats.requests
    assert fetched > 0
    for name in ("default", "deploys", "bugs"):
        profile = usable[name]
        report = metrics_command(profile.settings, None, NOW, 60, cache_dir=tmp_path, now=NOW,
                                 clauses=profile.clauses)
        assert report["issues"] > 0
    # The default's fetch also stored the field only "deploys" maps: no request since.
    assert simulator.stats.requests == fetched


def test_a_profile_report_equals_the_top_level_with_its_settings_and_filter(
    with_profile_settings: Settings, tmp_path: Path
) -> None:
    profile = profiles.select(with_profile_settings, "bugs")
    by_profile = metrics_command(profile.settings, None, NOW, 60, cache_dir=tmp_path, now=NOW,
                                 clauses=profile.clauses)
    by_hand = replace(with_profile_settings, profiles={},
                      workflow=replace(with_profile_settings.workflow, done_statuses=("Done",)))
    direct = metrics_command(by_hand, None, NOW, 60, cache_dir=tmp_path, now=NOW,
                             clauses=parse_filter(PROFILES["bugs"]["filter"]))
    assert json.dumps(by_profile, sort_keys=True) == json.dumps(direct, sort_keys=True)
    assert by_profile["issues"] < metrics_command(
        with_profile_settings, None, NOW, 60, cache_dir=tmp_path, now=NOW)["issues"]
