from __future__ import annotations

import pytest

from tests.ui.tree import find, ids_in, text_of
from ui import ids
from ui.shell import cancelled_alert, fetch_alert, layout, period_options, progress_text


@pytest.mark.parametrize(("result", "age", "expected"), [
    ({"ok": True, "mode": "full", "summary": "Fetched 5 issues"}, None, "Fetched 5 issues"),
    ({"ok": False, "error": "JIRA is unreachable."}, "3 min",
     "The fetch failed. JIRA is unreachable. The pages keep showing the last good data, "
     "synced 3 min ago."),
    ({"ok": False, "error": "Bad JQL."}, None, "The fetch failed. Bad JQL."),
])
def test_fetch_alert(result, age, expected):
    assert " ".join(text_of(fetch_alert(result, data_age=age)).split()) == expected


def test_a_fetch_that_found_the_cache_fresh_says_nothing():
    assert fetch_alert({"ok": True, "mode": "cached"}, data_age="1 min") is None
    assert "synced 2 h ago" in text_of(cancelled_alert("2 h"))


def test_progress_text():
    assert progress_text(100, 2400) == "Fetching issues from JIRA: 100 of 2,400"
    assert progress_text(1500, None) == "Fetching issues from JIRA: 1,500 so far"


def test_shell_has_the_controls_and_hides_the_badge_outside_demo():
    shell = layout(default_days=45, demo=False)
    assert {ids.PERIOD_SELECT, ids.REFRESH_BUTTON, ids.FULL_REFRESH_BUTTON, ids.CANCEL_BUTTON,
            ids.FETCH_PROGRESS, ids.PAGE_CONTENT, ids.NAV_SETTINGS} <= ids_in(shell)
    assert [o["value"] for o in period_options(45)] == ["45", "7", "30", "90", "180", "custom"]
    assert find(shell, ids.DEMO_BADGE).style == {"display": "none"}
    assert find(layout(default_days=90, demo=True), ids.DEMO_BADGE).style == {}


def test_a_settings_problem_is_shown_with_a_link_to_settings():
    shell = layout(default_days=90, demo=False, problem="period_days: must be at least 1")
    # Not in the fetch alert: the next fetch empties that when it starts.
    alert = find(shell, ids.SETTINGS_PROBLEM)
    assert "The settings file could not be used. period_days: must be at least 1" in \
        " ".join(text_of(alert).split())
    assert layout(default_days=90, demo=False).children  # no problem: no alert
    assert find(layout(default_days=90, demo=False), ids.SETTINGS_PROBLEM).children is None
