"""The scope section's wording, chart and table (ui.pages.forecast_scope)."""

from __future__ import annotations

from configuration.filters import parse_filter
from data.scope_view import scope_view
from tests.data.test_scope_view import context
from ui.figures.forecast import burnup_chart
from ui.pages.forecast_scope import remaining_button, scope_results, sentences


def view(*clauses: str, points: str | None = "customfield_10016"):
    return scope_view(context(), parse_filter(list(clauses)), points)


def test_the_answer_in_sentences_with_the_release_date() -> None:
    # 3 items remain, 2 done a day: 2 days after as_of 02-01 -> 3 Feb; 2.0 is released
    # at the end of 10 Feb. S-3 and S-4 joined after the first week (01-25).
    assert sentences(view("fixversion=2.0"), "items") == [
        "50% chance the 3 remaining items of 2.0 are done by 3 Feb",
        "85% chance the 3 remaining items of 2.0 are done by 3 Feb; its release date, "
        "10 Feb, has a 100% chance",
        "95% chance the 3 remaining items of 2.0 are done by 3 Feb",
        "2 of the 5 items were added after the first week shown.",
    ]
    assert sentences(view("fixversion=2.0"), "points")[1] == (
        "85% chance the 9 remaining points of 2.0 are done by 4 Feb; its release date, "
        "10 Feb, has a 100% chance")


def test_nothing_remaining_and_nothing_matching_are_said_plainly() -> None:
    assert sentences(view("type=Epic", "status=Done"), "items")[0] == "All 1 item is done."
    assert sentences(view("label=web"), "items")[0] == (
        "50% chance the 1 remaining item of web is done by 2 Feb")
    assert sentences(view("label=nothing"), "items") == [
        "No flow item matches this scope of nothing."]


def test_the_burn_up_draws_scope_done_the_fan_and_the_release() -> None:
    scope = view("fixversion=2.0")
    figure = burnup_chart(week_end=scope.forecast.burnup.week_end,
                          total=scope.forecast.burnup.total, done=scope.forecast.burnup.done,
                          as_of=scope.as_of, total_now=5, done_now=2,
                          dates=scope.forecast.items.dates, unit="items",
                          release=("2.0", scope.release.date, 1.0))
    names = [trace.name for trace in figure.data]
    assert names == ["scope at the first week", "total scope", "done", "50% forecast",
                     "85% forecast", "95% forecast"]
    assert list(figure.data[1].y) == [3, 5]  # the totals per week end
    assert "2.0: 100% chance" in [a.text for a in figure.layout.annotations]


def test_the_remaining_items_open_in_the_drill_down_panel() -> None:
    button = remaining_button(view("fixversion=2.0"))
    assert (button.children, button.disabled) == ("Show the 3 remaining items", False)
    assert remaining_button(view("type=Epic", "status=Done")).disabled is True
    assert "Show the 3 remaining items" in str(scope_results(view("fixversion=2.0"), "items"))
