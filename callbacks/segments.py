"""Filter bar, shareable URL and drill-down callbacks (METRICS.md section 8).

Thin by rule: the view callback keeps the URL, the period and filter stores and the
header controls in step (one callback, because each of them is both a cause and an
effect: Dash allows such a loop only inside one callback); the drill-down callbacks
ask the runtime for the items behind a click and hand them to ``ui.drilldown``.

Terms: a *click* is a headline card (pattern id ``drill_source(metric)``), a weekly
bar or point of a trend (the week ending at the clicked bucket), a histogram bin (the
items whose value lies in the bin), a scatter point or an aging dot (that item).
"""

from __future__ import annotations

import logging
from typing import Any

import dash
import pandas as pd
from dash import ALL, Input, Output, State, dcc

from callbacks import drill_clicks
from callbacks.runtime import Runtime, error_message
from callbacks.view_url import View, parse_search, to_search
from configuration.errors import ConfigError, DashboardError
from configuration.filters import parse_clause, parse_filter
from data import exports
from data.segments import drill
from data.segments.options import filter_choices
from ui import drilldown, ids
from ui.shell import CUSTOM

log = logging.getLogger(__name__)


def view_from_controls(choice: str | None, start: str | None, end: str | None,
                       filters: list[str], current: View) -> View:
    """The view the header controls describe (keeps the URL's page inputs)."""
    if choice == CUSTOM and start and end:
        return View(None, start[:10], end[:10], tuple(filters), current.extra)
    if choice == CUSTOM:  # a range not picked yet: keep the current period
        return View(current.days, current.start, current.end, tuple(filters), current.extra)
    days = int(choice) if choice and choice.isdigit() else None
    return View(days, None, None, tuple(filters), current.extra)


def added_clause(field: str | None, op: str | None, values: list[str] | None) -> str:
    """The clause the bar's inputs describe; ConfigError when it is incomplete."""
    if not field or not values:
        raise ConfigError("Choose a field and at least one value to filter on.")
    return parse_clause(f"{field}{op or '='}{','.join(values)}").text


def register(app: dash.Dash, runtime: Runtime) -> None:
    _register_view(app, runtime)
    _register_values(app, runtime)
    _register_drill(app, runtime)


def _register_view(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(
        Output(ids.URL, "search"), Output(ids.PERIOD_STORE, "data"),
        Output(ids.FILTER_STORE, "data"), Output(ids.PERIOD_SELECT, "value"),
        Output(ids.PERIOD_RANGE, "start_date"), Output(ids.PERIOD_RANGE, "end_date"),
        Output(ids.PERIOD_RANGE_WRAP, "style"), Output(ids.FILTER_ACTIVE, "options"),
        Output(ids.FILTER_ACTIVE, "value"), Output(ids.FILTER_ERROR, "children"),
        Output(ids.FILTER_VALUES, "value"),
        Input(ids.URL, "search"), Input(ids.PERIOD_SELECT, "value"),
        Input(ids.PERIOD_RANGE, "start_date"), Input(ids.PERIOD_RANGE, "end_date"),
        Input(ids.FILTER_ADD, "n_clicks"), Input(ids.FILTER_ACTIVE, "value"),
        State(ids.FILTER_FIELD, "value"), State(ids.FILTER_OP, "value"),
        State(ids.FILTER_VALUES, "value"), State(ids.PERIOD_STORE, "data"),
        State(ids.FILTER_STORE, "data"),
    )
    def sync_view(*args):
        search, choice, start, end, _add, active, field, op, values, period, shown = args
        current = parse_search(search)
        trigger = dash.ctx.triggered_id
        error, cleared = "; ".join(current.problems), dash.no_update
        default_days = runtime.settings.period_days
        if trigger == ids.URL and (current.period(default_days), list(current.filters)) == (
                period, shown):
            # Only a page input of the URL changed (the Forecast's): the view is as shown.
            return (dash.no_update,) * 11
        if trigger in (None, ids.URL):
            view = current
        elif choice == CUSTOM and not (start and end):
            # a range not picked yet: show the picker, keep the current view
            return (*(dash.no_update,) * 6, {"display": "block"}, *(dash.no_update,) * 4)
        else:
            filters = [f for f in (active or []) if f]
            if trigger == ids.FILTER_ADD:
                try:
                    clause = added_clause(field, op, values)
                    filters = [*filters, clause] if clause not in filters else filters
                    cleared, error = [], ""
                except ConfigError as exc:
                    error = str(exc)
            view = view_from_controls(choice, start, end, filters, current)
        return _outputs(view, default_days, search, error, cleared)


def _outputs(view: View, default_days: int, search: str | None, error: str,
             cleared: Any) -> tuple:
    period = view.period(default_days)
    new_search = to_search(view)
    custom = bool(view.start and view.end)
    choice = CUSTOM if custom else str(period["period_days"])
    filters = list(view.filters)
    return (new_search if new_search != (search or "") else dash.no_update, period, filters,
            choice, view.start if custom else dash.no_update,
            view.end if custom else dash.no_update,
            {"display": "block" if custom else "none"}, filters, filters, error, cleared)


def _register_values(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(Output(ids.FILTER_VALUES, "options"), Input(ids.FILTER_FIELD, "value"),
                  Input(ids.DATA_VERSION, "data"))
    def offer_values(field, _version):
        stored = runtime.stored()
        if stored is None or not field:
            return []
        return [{"label": label, "value": value}
                for value, label in filter_choices(stored.frames, field)]


def _register_drill(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(Output(ids.DRILL_REQUEST, "data"),
                  Input({"type": ids.DRILL_TYPE, "metric": ALL}, "n_clicks"),
                  prevent_initial_call=True)
    def card_click(cards):
        trigger = dash.ctx.triggered_id
        # A page render re-creates the cards with n_clicks unset: not a click.
        if not isinstance(trigger, dict) or not any(cards):
            return dash.no_update
        return {"metric": trigger["metric"]}

    # One callback per chart: a page holds only some of the charts, and a callback
    # whose inputs are missing from the page would not run.
    for chart in drill_clicks.CHARTS:
        _register_chart(app, chart)

    @app.callback(
        Output(ids.DRILL_PANEL, "is_open"), Output(ids.DRILL_PANEL, "title"),
        Output(ids.DRILL_COUNT, "children"), Output(ids.DRILL_TABLE, "data"),
        Output(ids.DRILL_TABLE, "columns"), Output(ids.DRILL_HISTORY, "children"),
        Input(ids.DRILL_REQUEST, "data"), State(ids.PERIOD_STORE, "data"),
        State(ids.FILTER_STORE, "data"), prevent_initial_call=True,
    )
    def open_panel(request, period, filters):
        if not request:
            return (dash.no_update,) * 6
        try:
            shown = _drill(runtime, request, period, filters)
        except Exception as exc:  # say what failed in the panel, never a 500
            if not isinstance(exc, DashboardError):
                log.exception("Drill-down failed")
            return True, "Items", error_message(exc), [], [], None
        rows, columns = drilldown.table(shown.items, runtime.settings.jira.url,
                                        link=shown.linked)
        history = drilldown.history(shown.history) if shown.history is not None else None
        return (True, drilldown.TITLES.get(request["metric"], "Items"),
                drilldown.count_text(request["metric"], len(shown.items), shown.scope),
                rows, columns, history)

    @app.callback(Output(ids.DRILL_DOWNLOAD, "data"),
                  Input(ids.DRILL_DOWNLOAD_BUTTON, "n_clicks"),
                  State(ids.DRILL_REQUEST, "data"), State(ids.PERIOD_STORE, "data"),
                  State(ids.FILTER_STORE, "data"), prevent_initial_call=True)
    def download(n_clicks, request, period, filters):
        if not n_clicks or not request:
            return dash.no_update
        shown = _drill(runtime, request, period, filters)
        name = f"{request['metric']}-items.csv"
        return dcc.send_string(exports.to_csv(pd.DataFrame(shown.items)), name)


def _register_chart(app: dash.Dash, chart: str) -> None:
    states = [State(chart, "figure")] if chart in drill_clicks.HISTOGRAMS else []

    def chart_click(click, figure=None):
        return drill_clicks.request_for(chart, click, figure) or dash.no_update

    app.callback(Output(ids.DRILL_REQUEST, "data", allow_duplicate=True),
                 Input(chart, "clickData"), *states, prevent_initial_call=True)(chart_click)


def _drill(runtime: Runtime, request: dict, period: dict | None,
           filters: list[str] | None) -> drill.Shown:
    window = runtime.window(period)
    ctx = runtime.context(window, parse_filter(filters or []))
    return drill.shown_items(ctx, request, runtime.stored().frames)
