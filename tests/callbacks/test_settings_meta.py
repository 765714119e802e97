"""The Settings dropdowns follow the connected JIRA (issue 10, item 3), against the
simulator over real HTTP."""

from __future__ import annotations

import dash
import pytest

from callbacks import settings_meta as sm
from callbacks.runtime import Runtime
from configuration.settings import JiraSettings
from data.simulator.server import JiraSimulator
from tests.ui.tree import text_of


@pytest.fixture
def simulator():
    with JiraSimulator(issues=[]) as sim:
        yield sim


def jira_of(sim: JiraSimulator) -> JiraSettings:
    return JiraSettings(url=sim.url, email="demo@example.com", token="demo-token")


FORM = {"dora.incidents.start_field": "customfield_10070", "workflow.active_statuses": None,
        "workflow.done_statuses": ["Done", "Shipped"], "flow_types.feature": ["Story"],
        "dora.deployments.issue_types": ["Deployment", "Release"]}


def test_every_list_loads_and_fills_its_dropdowns(simulator):
    meta = sm.load_lists(jira_of(simulator))
    assert meta["failed"] == {}
    assert meta["url"] == simulator.url
    assert {(f["id"], f["name"]) for f in meta["fields"]} >= {
        ("customfield_10050", "Environment"), ("customfield_10016", "Story Points")}
    assert {"name": "In Progress", "category": "indeterminate"} in meta["statuses"]
    assert "Deployment" in meta["issue_types"]
    updates = sm.dropdown_updates(meta, FORM)
    assert len(updates) == len(sm.FIELD_KEYS) + 2 * len(sm.STATUS_KEYS) + len(sm.TYPE_KEYS)
    active = updates[len(sm.FIELD_KEYS) + len(sm.STATUS_KEYS)]
    assert "In Progress" in active  # pre-selected from JIRA's "in progress" category
    # The lists offer everything JIRA has, plus the current picks.
    feature = updates[len(sm.FIELD_KEYS) + 2 * len(sm.STATUS_KEYS)]
    assert [o["value"] for o in feature] == [*meta["issue_types"], *(
        ["Story"] if "Story" not in meta["issue_types"] else [])]


def test_one_failing_list_loses_only_itself_and_says_which(simulator):
    simulator.fail_next(1, 500)  # the first request: the fields
    meta = sm.load_lists(jira_of(simulator))
    assert set(meta["failed"]) == {"fields"}
    assert meta["statuses"]
    assert meta["issue_types"]
    updates = sm.dropdown_updates(meta, FORM)
    assert updates[: len(sm.FIELD_KEYS)] == [dash.no_update] * len(sm.FIELD_KEYS)
    assert dash.no_update not in updates[len(sm.FIELD_KEYS):]
    text = text_of(sm.load_message(meta, FORM))
    loaded, failed = (part.strip() for part in text.split("Could not load the fields: "))
    assert loaded.startswith("Loaded ")
    assert loaded.endswith("statuses and 7 issue types from JIRA.")
    assert "fields" not in loaded
    assert failed


def test_missing_mappings_are_named_by_their_label():
    meta = {"fields": [{"id": "customfield_10050", "name": "Environment"}],
            "statuses": [{"name": "Done", "category": "done"}],
            "issue_types": ["Bug", "deployment"], "failed": {}}
    assert sm.missing_mappings(meta, FORM) == [
        "Incident start field: customfield_10070", "Done statuses: Shipped",
        "Features: Story", "Deployment issue types: Release"]
    # A list that did not load cannot say what is missing from it.
    assert sm.missing_mappings({"failed": {"fields": "x"}}, FORM) == []


def test_the_demo_mappings_go_when_the_url_leaves_the_simulator(tmp_path):
    runtime = Runtime(tmp_path / "settings.json", tmp_path / "cache").start()
    try:
        demo_url = runtime.simulator.url
        assert runtime.public_settings()["dora"]["incidents"]["start_field"]
        source, values = sm.mapping_reset(runtime, "https://acme.atlassian.net", "demo")
        assert source == "defaults"
        assert values["dora.incidents.start_field"] is None
        assert values["workflow.done_statuses"] == []
        assert values["flow_types.feature"] == ["Story"]  # METRICS.md's default
        assert values["dora.deployments.production_values"] == "Production"
        assert set(values) == set(sm.MAPPING_KEYS)
        assert sm.mapping_reset(runtime, "https://acme.atlassian.net/x", "defaults") == \
            ("defaults", {})  # typing on: nothing the user picked since is undone
        source, values = sm.mapping_reset(runtime, demo_url + "/", "defaults")
        assert source == "demo"
        assert values["dora.incidents.start_field"] == \
            runtime.public_settings()["dora"]["incidents"]["start_field"]
    finally:
        runtime.close()


def test_the_demo_mappings_still_go_after_a_save_that_kept_the_demo_url(tmp_path):
    """Saving the demo's settings (say, a new period) keeps the demo's field ids; they
    must still be cleared when the URL later leaves the simulator."""
    runtime = Runtime(tmp_path / "settings.json", tmp_path / "cache").start()
    try:
        raw = runtime.public_settings()
        runtime.save({**raw, "period_days": 30})
        assert not runtime.demo
        assert runtime.mappings_from_demo
        source, values = sm.mapping_reset(runtime, "https://acme.atlassian.net", "demo")
        assert source == "defaults"
        assert values["dora.incidents.start_field"] is None
    finally:
        runtime.close()


def test_mappings_saved_for_another_jira_are_never_reset(tmp_path):
    runtime = Runtime(tmp_path / "settings.json", tmp_path / "cache").start()
    try:
        raw = runtime.public_settings()
        moved = {**raw, "jira": {**raw["jira"], "url": "https://acme.atlassian.net",
                                 "token": "typed-1"}}
        runtime.save(moved)
        assert not runtime.mappings_from_demo
        assert sm.mapping_reset(runtime, "https://other.atlassian.net", "saved") == \
            ("saved", {})
    finally:
        runtime.close()


def test_only_a_green_test_connection_message_reloads_the_lists():
    assert sm.connected({"type": "Alert", "props": {"color": "success", "children": "x"}})
    assert not sm.connected({"type": "Alert", "props": {"color": "danger"}})
    assert not sm.connected(None)


def test_the_points_field_offers_the_number_fields_of_the_connected_jira(simulator):
    meta = sm.load_lists(jira_of(simulator))
    updates = sm.dropdown_updates(meta, {"forecast.points_field": "customfield_99"})
    points = updates[sm.FIELD_KEYS.index("forecast.points_field")]
    numbers = {f["id"] for f in meta["fields"] if f["type"] == "number"}
    assert "customfield_10016" in numbers
    assert [o["value"] for o in points] == [
        *sorted(numbers, key=lambda i: next(f["name"].casefold() for f in meta["fields"]
                                            if f["id"] == i)), "customfield_99"]
    # every other field dropdown still offers every field
    environment = updates[sm.FIELD_KEYS.index("dora.deployments.environment_field")]
    assert len(environment) == len(meta["fields"])
