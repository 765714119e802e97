"""The scope section's URL and picker logic (callbacks.forecast_scope), without a browser."""

from __future__ import annotations

import dash
import pytest

from callbacks.forecast_scope import edit_scope, url_values, with_options, with_values
from callbacks.view_url import parse_search, to_search
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
