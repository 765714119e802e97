"""The Forecast page's scope section (METRICS.md section 9): picker, burn-up, answer.

Terms: a *pick option* is ``{"label", "value", "group"}`` (value: a filter clause);
the scope is every clause chosen in the picker (all must hold). The answer comes from
:class:`data.scope_view.ScopeView`; nothing is computed here but wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from data.scope_view import ScopeView
from ui import format as fmt
from ui import ids
from ui.components import chart_card, empty_state
from ui.figures.forecast import burnup_chart
from ui.notes import how

CONFIDENCES = (0.5, 0.85, 0.95)
PICK_HELP = ("Pick a release, an epic or a label, or type a clause such as component=API "
             "or type!=Bug; every clause must hold.")


def scope_section(picks: Sequence[Mapping[str, str]], *, points: bool) -> Component:
    """The scope picker (quick picks + free clauses), the unit switch and the results."""
    unit = dbc.RadioItems(
        id=ids.FORECAST_SCOPE_UNIT, inline=True, value="items",
        options=[{"label": "Items", "value": "items"}, {"label": "Points", "value": "points"}],
        className="forecast-scope-unit" + ("" if points else " d-none"))
    picker = dcc.Dropdown(id=ids.FORECAST_SCOPE, multi=True, value=[], options=list(picks),
                          placeholder="Pick a release, an epic or a label…",
                          className="forecast-scope-picker")
    free = dbc.InputGroup([
        dbc.Input(id=ids.FORECAST_SCOPE_CLAUSE, placeholder="or type a clause: component=API",
                  type="text"),  # no debounce: Add reads what is typed
        dbc.Button("Add", id=ids.FORECAST_SCOPE_ADD, color="secondary", outline=True)],
        size="sm")
    return html.Div([
        dcc.Store(id=ids.FORECAST_SCOPE_INIT, data=0),
        # A page-local reader of the URL: the app's own Location is on every page, and
        # a callback on it would fire where the picker does not exist.
        dcc.Location(id=ids.FORECAST_SCOPE_URL, refresh=False),
        html.H4("When will this scope be done?", className="mb-2"),
        # Visually hidden labels: screen readers (and the dropdown's focus helper, see
        # assets/clientside.js) announce the controls by name.
        html.Label("Scope", htmlFor=ids.FORECAST_SCOPE, className="visually-hidden"),
        html.Label("Scope clause", htmlFor=ids.FORECAST_SCOPE_CLAUSE,
                   className="visually-hidden"),
        dbc.Row([dbc.Col(picker, lg=6, className="mb-2"), dbc.Col(free, lg=4, className="mb-2"),
                 dbc.Col(unit, lg=2, className="mb-2")]),
        html.Div(PICK_HELP, className="text-muted small mb-2"),
        html.Div(id=ids.FORECAST_SCOPE_MESSAGE),
        dcc.Loading(html.Div(id=ids.FORECAST_SCOPE_RESULTS), type="circle"),
    ], className="forecast-scope mb-3")


def pick_options(picks: Sequence[Any]) -> list[dict[str, str]]:
    """Dropdown options of the data's quick picks (``QuickPick``), group in the label."""
    return [{"label": f"{p.group}: {p.label}", "value": p.clause} for p in picks]


def _figures(view: ScopeView, unit: str) -> tuple[Any, Any, Any]:
    """(progress, burn-up totals, burn-up dones) in the chosen unit."""
    result = view.forecast
    if unit == "points" and result.points is not None:
        burnup = result.burnup
        return result.points, burnup.points_total or (), burnup.points_done or ()
    return result.items, result.burnup.total, result.burnup.done


def _counted(number: float, noun: str) -> str:
    """``1 item``, ``3 items``, ``2.5 points``."""
    return f"{fmt.number(number)} {noun if number != 1 else noun[:-1]}"


def sentences(view: ScopeView, unit: str) -> list[str]:
    """The answer in plain sentences (see the module docstring of the page)."""
    progress, _, _ = _figures(view, unit)
    what = "points" if unit == "points" and view.forecast.points is not None else "items"
    of = "" if view.name == "the scope" else f" of {view.name}"
    if view.forecast.items.total == 0:
        return [f"No flow item matches this scope{of}."]
    remaining = f"the {_counted(progress.remaining, what).replace(' ', ' remaining ', 1)}{of}"
    if progress.remaining <= 0:
        verb = "is" if progress.total == 1 else "are"
        lines = [f"All {_counted(progress.total, what)}{of} {verb} done."]
    elif all(d is None for d in progress.dates.values()):
        lines = ["No flow item was completed in this period, so there is no pace to forecast "
                 f"{remaining} from."]
    else:
        lines = [_line(view, c, progress.dates.get(c), remaining, what) for c in CONFIDENCES]
    if view.forecast.added:
        total = _counted(view.forecast.items.total, "items")
        lines.append(f"{view.forecast.added:,} of the {total} were added after the first week "
                     "shown.")
    return lines


def _line(view: ScopeView, confidence: float, date: datetime | None, lead: str,
          what: str) -> str:
    verb = "is" if lead.split(" ", 2)[1] == "1" else "are"
    head = f"{confidence:.0%} chance {lead} {verb} done by "
    text = head + (fmt.short_date(date) if date else "no date within ten years")
    if confidence == 0.85 and view.release is not None:
        release = view.release
        chance = release.points_chance if what == "points" else release.chance
        day = release.date - timedelta(days=1)  # the end of the release day
        text += f"; its release date, {fmt.short_date(day)}, has a {chance or 0:.0%} chance"
    return text


def remaining_button(view: ScopeView) -> Component:
    """Opens the drill-down panel on the items still to do (sortable, linked, CSV)."""
    count = len(view.remaining)
    return dbc.Button(f"Show the {_counted(count, 'items').replace(' ', ' remaining ', 1)}",
                      id=ids.FORECAST_REMAINING_BUTTON, color="primary", outline=True,
                      size="sm", className="mt-3", disabled=count == 0)


def scope_results(view: ScopeView, unit: str) -> Component:
    """Sentences, the burn-up chart and the button to the remaining items."""
    progress, totals, dones = _figures(view, unit)
    what = "points" if unit == "points" and view.forecast.points is not None else "items"
    if view.forecast.items.total == 0:
        return empty_state(sentences(view, unit)[0], action_href=None,
                           element_id=f"{ids.FORECAST_SCOPE_RESULTS}-empty")
    release = None
    if view.release is not None:
        chance = view.release.points_chance if what == "points" else view.release.chance
        release = (view.release.name, view.release.date, chance or 0.0)
    figure = burnup_chart(week_end=view.forecast.burnup.week_end, total=totals, done=dones,
                          as_of=view.as_of, total_now=progress.total, done_now=progress.done,
                          dates=progress.dates, unit=what, release=release)
    text = html.Ul([html.Li(line) for line in sentences(view, unit)],
                   id=ids.FORECAST_SCOPE_SENTENCES, className="forecast-sentences")
    return html.Div([
        dbc.Card(dbc.CardBody(text), className="mb-3 forecast-summary"),
        chart_card(f"Burn-up of {view.name} ({what})", ids.FORECAST_BURNUP_CHART, figure,
                   how("forecast_burnup")),
        remaining_button(view),
    ])
