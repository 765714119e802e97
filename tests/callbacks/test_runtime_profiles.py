"""The runtime's pages for a profile: its settings and its filter, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callbacks.runtime import Runtime
from configuration.errors import ConfigError
from configuration.filters import parse_filter
from configuration.validation import settings_to_dict
from data.simulator.demo_settings import demo_settings
from data.simulator.server import JiraSimulator
from tests.data.cache.conftest import project

PROFILES = {"stories": {"filter": ["type=Story"]}, "week": {"period_days": 7}}


@pytest.fixture
def runtime(tmp_path: Path):
    with JiraSimulator(project(), email="demo@example.com", token="demo-token") as jira:
        raw = settings_to_dict(demo_settings(jira.url), include_token=True)
        (tmp_path / "settings.json").write_text(json.dumps(raw | {"profiles": PROFILES}))
        started = Runtime(tmp_path / "settings.json", tmp_path / "cache").start()
        started.sync(full=False)
        yield started


def test_a_profile_page_is_the_top_level_segment_of_its_filter(runtime: Runtime) -> None:
    window = runtime.window(None)
    by_profile = runtime.page_data(window, (), "stories")
    by_filter = runtime.page_data(window, parse_filter(["type=Story"]))
    assert by_profile.report == by_filter.report
    assert by_profile.report["issues"] < runtime.page_data(window).report["issues"]
    scoped = runtime.scope_view(window, ["type=Story"], (), "stories")
    assert scoped == runtime.scope_view(window, ["type=Story"], ["type=Story"])
    assert runtime.profile("week").settings.period_days == 7


def test_an_unknown_profile_names_the_profiles(runtime: Runtime) -> None:
    with pytest.raises(ConfigError, match="default, stories, week"):
        runtime.page_data(runtime.window(None), (), "nobody")
