"""Demo settings: valid, pointed at the simulator, and enough for the project's own client."""

from __future__ import annotations

import pytest

from configuration.validation import parse_settings, settings_to_dict
from data.jira.client import JiraClient
from data.jira.fields import fields_for
from data.simulator.demo_data import generate_demo_issues
from data.simulator.demo_settings import demo_settings
from data.simulator.server import JiraSimulator
from tests.data.simulator.helpers import ANCHOR


def test_demo_settings_survive_validation() -> None:
    settings = demo_settings("http://127.0.0.1:8081")
    assert parse_settings(settings_to_dict(settings, include_token=True)) == settings
    assert settings.jira.jql == "project = DEMO ORDER BY key"
    assert settings.mapped_field_ids() == (
        "customfield_10016", "customfield_10050", "customfield_10051", "customfield_10060",
        "customfield_10070", "customfield_10071")


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_the_client_fetches_the_demo_project_with_complete_changelogs(flavor: str) -> None:
    issues = generate_demo_issues(anchor=ANCHOR, count=400)
    with JiraSimulator(issues, flavor=flavor, changelog_cut=5, clock=lambda: ANCHOR) as sim:
        settings = demo_settings(sim.url, flavor=flavor)
        client = JiraClient(settings.jira)
        try:
            fetched = client.search(settings.jira.jql, fields_for(settings))
        finally:
            client.close()
        requests_seen = sim.stats.requests
    # The client decodes typed issues (data.issues.raw): attributes, not dict keys.
    by_key = {i.key: i for i in fetched}
    assert sorted(by_key) == sorted(i["key"] for i in issues)
    for raw in issues:
        got = [{"id": h.id} for h in by_key[raw["key"]].changelog.histories]
        expected = raw["changelog"]["histories"]
        assert sorted(h["id"] for h in got) == sorted(h["id"] for h in expected), raw["key"]
    assert requests_seen >= 5  # pages plus changelog completion (every changelog was cut at 5)
