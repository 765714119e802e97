"""The Forecast page: Monte Carlo answers as plain sentences and confidence curves.

Two questions, both answered from the window's daily throughput by the engine
(``data.metrics.forecast``): *how many* items in the next D days ("85% chance of
at least 27 items by 15 Jan") and *when* N items will be done ("50 items done by
3 Mar with 85% confidence"). D and N are adjustable on the page.

Above them, the *scope* section (METRICS.md section 9): a scope picked from the data
(a release, an epic, a label) or typed as filter clauses, its burn-up with the
forecast fan and the release date's chance, the answer in sentences, and the items
that remain. :func:`scope_section` is the shell, :func:`scope_results` the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from ui import format as fmt
from ui import ids
from ui.components import chart_card, empty_state, page_header
from ui.figures.forecast import how_many_curve, when_curve
from ui.notes import how
from ui.pages.forecast_scope import scope_section

NO_THROUGHPUT = ("No flow item was completed in this period, so there is no throughput to "
                 "forecast from: check the done statuses in Settings or pick a longer period.")
SENTENCE_CONFIDENCES = (0.5, 0.85, 0.95)


def controls(items: int, days: int) -> Component:
    """The inputs: how many items to finish, and how far ahead to look."""
    def field(label, element_id, value, suffix):
        return dbc.Col(dbc.InputGroup([
            dbc.InputGroupText(html.Label(label, htmlFor=element_id, className="mb-0")),
            dbc.Input(id=element_id, type="number", min=1, max=3650, step=1, value=value,
                      debounce=True, style={"maxWidth": "7rem"}),
            dbc.InputGroupText(suffix)]), lg=4, md=6, className="mb-2")
    return dbc.Row([field("When will", ids.FORECAST_ITEMS_INPUT, items, "items be done?"),
                    field("How many in the next", ids.FORECAST_DAYS_INPUT, days, "days?")],
                   className="forecast-controls mb-3")


def layout(*, items: int, days: int, subtitle: str,
           picks: Sequence[Mapping[str, str]] = (), points: bool = False) -> Component:
    """The page shell; :func:`results` fills ``FORECAST_RESULTS`` from a callback,
    :func:`scope_results` fills ``FORECAST_SCOPE_RESULTS``."""
    return html.Div([
        page_header("Forecast", subtitle, ids.FORECAST_DOWNLOAD_BUTTON, ids.FORECAST_DOWNLOAD),
        scope_section(picks, points=points),
        html.H4("Throughput forecast", className="mt-4 mb-3"),
        controls(items, days),
        html.Div(id=ids.FORECAST_RESULTS),
    ])


def sentences(as_of: datetime, days: int, items: int, how_many: Mapping[float, int],
              when: Mapping[float, datetime | None]) -> list[str]:
    """Plain sentences for the 50/85/95% confidence levels."""
    horizon = fmt.short_date(as_of + timedelta(days=days))
    lines = [f"{c:.0%} chance of at least {how_many[c]:,} items by {horizon}"
             for c in SENTENCE_CONFIDENCES if c in how_many]
    for c in SENTENCE_CONFIDENCES:
        if c not in when:
            continue
        date = when[c]
        lines.append(f"{items:,} items done by {fmt.short_date(date)} with {c:.0%} confidence"
                     if date is not None else
                     f"{items:,} items: not within ten years at {c:.0%} confidence")
    return lines


def results(*, as_of: datetime, days: int, items: int, how_many: Mapping[float, int],
            when: Mapping[float, datetime | None], completed: int, sample_days: int) -> Component:
    """Sentences and the two confidence curves, or an empty state without throughput."""
    if completed == 0:
        return empty_state(NO_THROUGHPUT, element_id=f"{ids.FORECAST_RESULTS}-empty")
    basis = (f"Based on {completed:,} items completed over the last {sample_days} days "
             f"({fmt.number(completed / sample_days, 2)} per day).")
    said = sentences(as_of, days, items, how_many, when)
    text = html.Ul([html.Li(line) for line in said], id=ids.FORECAST_SENTENCES,
                   className="forecast-sentences")
    # The charts' text alternatives carry the 85% answers, this page's headline numbers.
    many = next((line for line in said if line.startswith("85% chance")), "")
    done = next((line for line in said if "85% confidence" in line), "")
    return html.Div([
        dbc.Card(dbc.CardBody([text, html.Div(basis, className="text-muted small")]),
                 className="mb-3 forecast-summary"),
        dbc.Row([
            dbc.Col(chart_card(f"How many items in the next {days} days?",
                               ids.FORECAST_HOW_MANY_CHART, how_many_curve(how_many, days),
                               how("forecast_how_many"),
                               headline=f"{many}." if many else ""),
                    lg=6, className="mb-3"),
            dbc.Col(chart_card(f"When will {items} items be done?", ids.FORECAST_WHEN_CHART,
                               when_curve(when, items) if any(when.values()) else None,
                               how("forecast_when"), empty_message=NO_THROUGHPUT,
                               headline=f"{done}." if done else ""),
                    lg=6, className="mb-3"),
        ]),
    ])
