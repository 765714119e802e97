"""The scope section's URL and picker logic (callbacks.forecast_scope), without a browser."""

from __future__ import annotations

import json

import dash
import pytest

from callbacks.forecast_scope import (
    edit_scope,
    scope_answer,
    url_values,
    with_options,
    with_values,
)
from callbacks.runtime import Runtime
from callbacks.view_url import parse_search, to_search
from configuration.errors import ConfigError
from configuration.filters import parse_filter
from configuration.validation import settings_to_dict
from data.simulator.demo_settings import demo_settings
from data.simulator.server import JiraSimulator
from tests.data.cache.conftest import project
from tests.ui.tree import text_of
from ui import ids


def test_the_scope_is_every_scope_parameter_of_the_url() -> None:
    search = "?days=30&scope=fixversion%3D2.0&filter=type%3DBug&scope=label%3Dapi"
    assert url_values(search, "scope") == ["fixversion=2.0", "label=api"]
    assert with_values(search, "scope", ["parent=E-1"]) == (
        "?days=30&filter=type%3DBug&scope=parent%3DE-1")
    assert with_values("?scope=a%3Db", "scope", []) == ""


def test_the_shareable_view_carries_the_scope_along() -> None:
    # The view callback rewrites the URL from the period and filter: the scope survives.
    search = "?days=30&filter=type%3DBug&scope=fixversion%3D2.0&scope=label%3Dapi"
    assert url_values(to_search(parse_search(search)), "scope") == [
        "fixversion=2.0", "label=api"]


def test_picking_writes_the_scope_into_the_url() -> None:
    url, *rest = edit_scope(ids.FORECAST_SCOPE, ["label=api"], None, [], "?days=30")
    assert url == "?days=30&scope=label%3Dapi"
    assert rest == [dash.no_update, dash.no_update, dash.no_update, None]
    # the same scope as the URL already holds: nothing to write
    assert edit_scope(ids.FORECAST_SCOPE, ["label=api"], None, [], url)[0] is dash.no_update


@pytest.mark.parametrize("trigger", [ids.FORECAST_SCOPE_ADD, ids.FORECAST_SCOPE_CLAUSE])
def test_a_typed_clause_is_added_in_its_canonical_spelling(trigger: str) -> None:
    url, chosen, options, typed, message = edit_scope(
        trigger, ["label=api"], " Component = API , Web", [{"label": "x", "value": "label=api"}],
        "")
    assert chosen == ["label=api", "component=API,Web"]
    assert url == "?scope=label%3Dapi&scope=component%3DAPI%2CWeb"
    assert options[-1] == {"label": "component=API,Web", "value": "component=API,Web"}
    assert (typed, message) == ("", None)


def test_a_bad_clause_says_why_and_changes_nothing() -> None:
    url, chosen, options, typed, message = edit_scope(
        ids.FORECAST_SCOPE_ADD, ["label=api"], "team=A", [], "?scope=label%3Dapi")
    assert (url, chosen, options, typed) == (dash.no_update,) * 4
    assert 'unknown field "team"' in str(message)


def test_options_keep_every_chosen_clause() -> None:
    known = [{"label": "Fix version: 2.0", "value": "fixversion=2.0"}]
    assert with_options(known, ["fixversion=2.0", "label=x"]) == [
        *known, {"label": "label=x", "value": "label=x"}]


def test_back_and_forward_set_the_picker_from_the_url() -> None:
    search = "?scope=label%3Dapi&scope=type%3DBug"
    reader = ids.FORECAST_SCOPE_URL
    url, chosen, options, typed, message = edit_scope(reader, ["label=api"], None, [], search)
    assert (url, typed, message) == (dash.no_update, dash.no_update, None)
    assert chosen == ["label=api", "type=Bug"]
    assert [o["value"] for o in options] == chosen
    assert edit_scope(reader, chosen, None, options, search) == (dash.no_update,) * 5


@pytest.fixture
def synced_runtime(tmp_path):
    with JiraSimulator(project(), email="demo@example.com", token="demo-token") as jira:
        raw = settings_to_dict(demo_settings(jira.url), include_token=True)
        (tmp_path / "settings.json").write_text(json.dumps(raw))
        runtime = Runtime(tmp_path / "settings.json", tmp_path / "cache").start()
        runtime.sync(full=False)
        yield runtime


def test_a_scope_on_a_custom_field_never_fetched_says_so_instead_of_matching_nothing(
        synced_runtime) -> None:
    window = synced_runtime.window(None)
    results, _switch = scope_answer(synced_runtime, ["customfield_99999=x"], "items", None, [])
    assert "customfield_99999 is not among the fetched fields" in text_of(results)
    # The same in the segment's filter; a fetched field still works.
    with pytest.raises(ConfigError, match="customfield_99999 is not among"):
        synced_runtime.context(window, parse_filter(["customfield_99999!=x"]))
    assert synced_runtime.scope_view(window, ["type=Story"]).name
