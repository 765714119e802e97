"""The Forecast page's scope view: quick picks, release chance, remaining items."""

from __future__ import annotations

from datetime import UTC, datetime

from configuration.filters import parse_filter
from data.issues.normalize import normalize_issues
from data.jira.fields import value_field_ids
from data.metrics.context import CalculationContext
from data.scope_view import parent_summaries, quick_picks, scope_view
from tests.builders import issue, version
from tests.data.metrics.scope_fixture import AS_OF, DAYS, POINTS, SETTINGS, release_raw

OLD = version("100", "1.0", released=True, release_date="2026-01-05")
LATER = version("300", "3.0", released=False)  # no release date yet


def extra_issues() -> list[dict]:
    """A released version, an undated one, an open and a done epic, labels."""
    epic = {"parent": {"key": "E-1", "fields": {"summary": "Checkout revamp"}}}
    return [
        issue("X-1", fix_versions=[OLD], fields={"labels": ["api", "web"], **epic}),
        issue("X-2", fix_versions=[LATER], fields={"labels": ["api"], **epic}),
        issue("E-1", type="Epic", created="2026-01-02T00:00:00.000+0000"),
        issue("E-2", type="Epic", created="2026-01-02T00:00:00.000+0000",
              transitions=[("2026-01-10T00:00:00.000+0000", "To Do", "Done")]),
        issue("X-3", fields={"parent": {"key": "E-2", "fields": {"summary": "Old work"}}}),
    ]


def frames():
    """The fixture normalized with every stored value field (labels, parent, points)."""
    return normalize_issues(release_raw() + extra_issues(), value_field_ids(SETTINGS))


def context():
    return CalculationContext.build(frames(), SETTINGS, as_of=AS_OF, period_days=DAYS)


def test_quick_picks_offer_unreleased_versions_open_epics_and_labels() -> None:
    ctx = context()
    picks = quick_picks(ctx, {"E-1": "Checkout revamp"})
    assert [(p.group, p.clause, p.label) for p in picks] == [
        ("Fix version", "fixversion=2.0", "2.0 · release 10 Feb 2026"),  # dated first
        ("Fix version", "fixversion=3.0", "3.0"),  # 1.0 is released: no pick
        ("Epic", "parent=E-1", "E-1 · Checkout revamp"),  # E-2 is done: no pick
        ("Label", "label=api", "api (2 items)"),  # most used first
        ("Label", "label=later", "later (1 items)"),
        ("Label", "label=web", "web (1 items)"),
    ]
    assert picks[0].release_date == datetime(2026, 2, 11, tzinfo=UTC)  # end of the day


def test_parent_summaries_come_from_the_children() -> None:
    summaries = parent_summaries(frames().issues, context())
    assert summaries == {"E-1": "Checkout revamp", "E-2": "Old work"}


def test_the_release_date_has_the_chance_of_the_trials_done_by_its_end() -> None:
    # 3 items remain at 2 a day: every trial needs 2 days (02-03), long before 2.0's
    # release (end of 02-10): 100%. 9 points at 3 a day: 3 days, also 100%.
    view = scope_view(context(), parse_filter(["fixversion=2.0"]), POINTS)
    assert view.name == "2.0"
    assert view.release is not None
    assert (view.release.name, view.release.date) == ("2.0", datetime(2026, 2, 11, tzinfo=UTC))
    assert (view.release.chance, view.release.points_chance) == (1.0, 1.0)
    assert [row["key"] for row in view.remaining] == ["S-2", "S-5", "S-4"]  # oldest first
    assert view.remaining[0] == {"key": "S-2", "summary": "Issue S-2", "type": "Story",
                                 "status": "In Progress", "created": "2026-01-10T00:00:00+00:00",
                                 "points": 8.0}


def test_no_release_without_exactly_one_dated_version() -> None:
    ctx = context()
    for clauses in (["fixversion=3.0"], ["fixversion=2.0,3.0"], ["label=api"],
                    ["fixversion!=2.0"]):
        assert scope_view(ctx, parse_filter(clauses)).release is None, clauses
    assert scope_view(ctx, parse_filter(["label=api", "type=Story"])).name == "the scope"


def test_the_drill_down_panel_shows_the_remaining_items_of_a_scope() -> None:
    from data.segments.drill import SCOPE_REMAINING, shown_items

    shown = shown_items(context(), {"metric": SCOPE_REMAINING, "scope": ["fixversion=2.0"]},
                        frames())
    assert [item["key"] for item in shown.items] == ["S-2", "S-5", "S-4"]
    assert (shown.scope, shown.linked) == ("not done at as of, 2.0", True)
