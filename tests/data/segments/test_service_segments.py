"""Segments through the service, from the cache (simulator -> store) and from a file."""

from __future__ import annotations

import json
from pathlib import Path

from configuration.filters import parse_filter
from configuration.settings import Settings
from data.service import items_command, metrics_command
from data.simulator.server import JiraSimulator
from tests.data.cache import conftest as cache_fixtures
from tests.data.cache.conftest import NOW, project

simulator = cache_fixtures.simulator
settings = cache_fixtures.settings
DAYS = 60


def test_a_segment_from_the_cache_costs_no_request_and_equals_the_file_path(
    settings: Settings, simulator: JiraSimulator, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    whole = metrics_command(settings, None, NOW, DAYS, cache_dir=cache_dir, now=NOW)
    simulator.reset_stats()
    clauses = parse_filter(["type=Story"])
    story = metrics_command(settings, None, NOW, DAYS, cache_dir=cache_dir, now=NOW,
                            clauses=clauses)
    others = metrics_command(settings, None, NOW, DAYS, cache_dir=cache_dir, now=NOW,
                             clauses=parse_filter(["type!=Story"]))
    found = items_command(settings, None, "velocity", NOW, DAYS, cache_dir=cache_dir,
                          now=NOW, clauses=clauses)
    assert simulator.stats.requests == 0  # a segment is computed from the store
    completed = [r["flow"]["velocity"]["completed"] for r in (whole, story, others)]
    assert completed[1] + completed[2] == completed[0]
    assert completed[1] == len(found) > 0
    assert {item["type"] for item in found} == {"Story"}
    issues_file = tmp_path / "issues.json"
    issues_file.write_text(json.dumps({"issues": project()}))
    from_file = items_command(settings, issues_file, "velocity", NOW, DAYS, clauses=clauses)
    assert [i["key"] for i in from_file] == [i["key"] for i in found]


def test_a_filter_on_a_custom_field_not_stored_yet_fetches_once(
    settings: Settings, simulator: JiraSimulator, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    metrics_command(settings, None, NOW, DAYS, cache_dir=cache_dir, now=NOW)
    clauses = parse_filter(["customfield_19999!=anything"])
    simulator.reset_stats()
    first = metrics_command(settings, None, NOW, DAYS, cache_dir=cache_dir, now=NOW,
                            clauses=clauses)
    assert simulator.stats.requests > 0  # the store lacked the field: one sync
    simulator.reset_stats()
    again = metrics_command(settings, None, NOW, DAYS, cache_dir=cache_dir, now=NOW,
                            clauses=clauses)
    assert simulator.stats.requests == 0
    assert again == first
