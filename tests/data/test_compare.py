"""The Compare page's numbers: each column equals its profile's own report, and the
department total counts every profile's issues once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from configuration.errors import ConfigError
from configuration.filters import parse_filter
from configuration.profiles import with_profiles
from configuration.settings import Settings
from data import compare, profiles
from data.cache.results import ResultsCache
from data.service import fetch_command, load_cached, metrics_command
from data.simulator.server import JiraSimulator
from tests.data.cache import conftest as cache_fixtures
from tests.data.cache.conftest import NOW

simulator = cache_fixtures.simulator
settings = cache_fixtures.settings
DAYS = 60
PROFILES = {
    "stories": {"filter": ["type=Story"]},
    "bugs": {"filter": ["type=Bug,Deployment"], "workflow": {"done_statuses": ["Done"]}},
    "overlap": {"filter": ["type=Story,Bug"]},
    "bug-jql": {"jira": {"jql": "project = DEMO AND type = Bug"}},
}


@pytest.fixture
def fetched(settings: Settings, simulator: JiraSimulator, tmp_path: Path) -> Settings:
    top = with_profiles(settings, PROFILES)
    for profile in profiles.usable(top).values():
        fetch_command(profile.settings, False, None, cache_dir=tmp_path, now=NOW)
    return top


def stored_in(cache_dir: Path):
    return lambda profile: load_cached(profile.settings, cache_dir=cache_dir)


def test_each_column_equals_its_profiles_own_report(fetched: Settings, tmp_path: Path):
    usable = profiles.usable(fetched)
    columns = compare.parse_columns(["stories", "bugs", "bugs|label=none", "bug-jql"], usable)
    found = compare.column_results(columns, stored_in(tmp_path), as_of=NOW, period_days=DAYS,
                                   results=ResultsCache())
    for result in found[:2] + found[3:]:
        profile = result.column.profile
        own = metrics_command(profile.settings, None, NOW, DAYS, cache_dir=tmp_path, now=NOW,
                              clauses=profile.clauses)
        assert result.report == own
        before = metrics_command(profile.settings, None, NOW - timedelta(days=DAYS), DAYS,
                                 cache_dir=tmp_path, now=NOW, clauses=profile.clauses)
        assert result.previous == before
    assert found[2].report["issues"] == 0  # a segment: the profile's filter AND its own


def test_the_department_counts_each_issue_once(fetched: Settings, tmp_path: Path):
    usable = profiles.usable(fetched)
    total = compare.department_report(usable, stored_in(tmp_path), as_of=NOW,
                                      period_days=DAYS, results=ResultsCache())
    # stories, bugs (+ deployments) and overlap (stories + bugs), plus the Bug JQL's
    # bugs again: the union is the stories, bugs and deployments, once each.
    union = metrics_command(fetched, None, NOW, DAYS, cache_dir=tmp_path, now=NOW,
                            clauses=parse_filter(["type=Story,Bug,Deployment"]))
    assert total["issues"] == union["issues"]
    assert total == union


def test_a_department_without_named_profiles_is_the_default(settings: Settings,
                                                            simulator: JiraSimulator,
                                                            tmp_path: Path):
    fetch_command(settings, False, None, cache_dir=tmp_path, now=NOW)
    usable = profiles.usable(settings)
    total = compare.department_report(usable, stored_in(tmp_path), as_of=NOW,
                                      period_days=DAYS, results=ResultsCache())
    assert total == metrics_command(settings, None, NOW, DAYS, cache_dir=tmp_path, now=NOW)


@pytest.mark.parametrize(("tokens", "words"), [
    (["stories"], "from 2 to 8"),
    (["stories", "stories"], "from 2 to 8"),
    (["stories", "nobody"], 'Unknown profile "nobody"'),
    (["stories", "bugs|colour=red"], "unknown field"),
    ([f"stories|label=l{n}" for n in range(9)], "(9 chosen)"),
])
def test_bad_columns_say_what_is_wrong(settings: Settings, tokens, words):
    usable = profiles.usable(with_profiles(settings, PROFILES))
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        compare.parse_columns(tokens, usable)
