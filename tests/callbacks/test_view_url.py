"""The shareable view: URL query string <-> view (METRICS.md section 8)."""

from __future__ import annotations

import pytest

from callbacks.segments import added_clause, view_from_controls
from callbacks.view_url import View, parse_search, to_search
from configuration.errors import ConfigError
from ui.shell import CUSTOM


@pytest.mark.parametrize(
    ("search", "view"),
    [
        ("", View()),
        ("?days=30", View(days=30)),
        ("?from=2026-03-01&to=2026-03-31", View(start="2026-03-01", end="2026-03-31")),
        ("?days=7&filter=type%3DBug&filter=component%21%3DAPI%2CWeb",
         View(days=7, filters=("type=Bug", "component!=API,Web"))),
        ("?filter=Label = beta&items=80&horizon=14",
         View(filters=("label=beta",), extra=(("items", "80"), ("horizon", "14")))),
    ],
)
def test_parse_and_write_round_trip(search: str, view: View) -> None:
    assert parse_search(search) == view
    assert parse_search(to_search(view)) == view


@pytest.mark.parametrize(
    ("search", "problem"),
    [
        ("?days=0", "days must be"),
        ("?days=x", "days must be"),
        ("?from=2026-03-01", "from and to must be given together"),
        ("?from=yesterday&to=2026-03-01", "from must be a date"),
        ("?filter=team=A", 'unknown field "team"'),
        ("?filter=type=", "has no value"),
    ],
)
def test_unusable_parameters_are_dropped_and_named(search: str, problem: str) -> None:
    view = parse_search(search)
    assert any(problem in p for p in view.problems)
    assert (view.days, view.start, view.filters) == (None, None, ())


def test_the_period_store_of_a_view() -> None:
    assert View(days=30).period(90) == {"period_days": 30, "start": None, "end": None}
    assert View().period(90) == {"period_days": 90, "start": None, "end": None}
    assert View(start="2026-03-01", end="2026-03-02").period(90) == {
        "period_days": None, "start": "2026-03-01", "end": "2026-03-02"}


def test_the_controls_make_a_view_keeping_the_page_inputs() -> None:
    current = View(days=7, extra=(("items", "10"),))
    assert view_from_controls("30", None, None, ["type=Bug"], current) == View(
        days=30, filters=("type=Bug",), extra=(("items", "10"),))
    picked = view_from_controls(CUSTOM, "2026-03-01T00:00:00", "2026-03-09", [], current)
    assert (picked.start, picked.end) == ("2026-03-01", "2026-03-09")
    assert view_from_controls(CUSTOM, None, None, [], current).days == 7


def test_the_bar_makes_a_clause_or_says_what_is_missing() -> None:
    assert added_clause("component", "!=", ["API", "Web"]) == "component!=API,Web"
    with pytest.raises(ConfigError, match="Choose a field"):
        added_clause("label", "=", [])


@pytest.mark.parametrize(("search", "profile", "back"), [
    ("?profile=mobile&days=30", "mobile", "?days=30&profile=mobile"),
    ("?profile=default", None, ""),
    ("?profile=", None, ""),
    ("?profile=Team%20A", "Team A", "?profile=Team+A"),
])
def test_the_profile_travels_in_the_url(search, profile, back):
    view = parse_search(search)
    assert view.profile == profile
    assert to_search(view) == back
