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
from dataclasses import replace
from typing import Any

import dash
import pandas as pd
from dash import ALL, Input, Output, State, dcc

from callbacks import drill_clicks
from callbacks.runtime import Runtime, error_message
from callbacks.view_url import View, parse_search, to_search
from configuration.errors import ConfigError, DashboardError
from configuration.filters import parse_clause, parse_filter
from configuration.profiles import DEFAULT
from data import exports
from data.segments import drill
from data.segments.options import filter_choices
from ui import drilldown, ids
from ui.shell import CUSTOM

log = logging.getLogger(__name__)


def view_from_controls(choice: str | None, start: str | None, end: str | None,
                       filters: list[str], current: View, *,
                       profile: str | None = None) -> View:
    """The view the header controls describe (keeps the URL's page inputs)."""
    profile = None if profile in (None, "", DEFAULT) else profile
    if choice == CUSTOM and start and end:
        return View(None, start[:10], end[:10], tuple(filters), current.extra, profile)
    if choice == CUSTOM:  # a range not picked yet: keep the current period
        return View(current.days, current.start, current.end, tuple(filters), current.extra,
                    profile)
    days = int(choice) if choice and choice.isdigit() else None
    return View(days, None, None, tuple(filters), current.extra, profile)


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
        Output(ids.PROFILE_STORE, "data"), Output(ids.PROFILE_SELECT, "value"),
        Input(ids.URL, "search"), Input(ids.PERIOD_SELECT, "value"),
        Input(ids.PERIOD_RANGE, "start_date"), Input(ids.PERIOD_RANGE, "end_date"),
        Input(ids.FILTER_ADD, "n_clicks"), Input(ids.FILTER_ACTIVE, "value"),
        Input(ids.PROFILE_SELECT, "value"),
        State(ids.FILTER_FIELD, "value"), State(ids.FILTER_OP, "value"),
        State(ids.FILTER_VALUES, "value"), State(ids.PERIOD_STORE, "data"),
        State(ids.FILTER_STORE, "data"), State(ids.PROFILE_STORE, "data"),
    )
    def sync_view(*args):
        search, choice, start, end, _add, active, profile, field, op, values, period, shown, \
            shown_profile = args
        current = parse_search(search)
        trigger = dash.ctx.triggered_id
        error, cleared = "; ".join(current.problems), dash.no_update
        default_days = _default_days(runtime, current.profile)
        if trigger == ids.URL and (current.period(default_days), list(current.filters),
                                   current.profile) == (period, shown, shown_profile):
            # Only a page input of the URL changed (the Forecast's): the view is as shown.
            return (dash.no_update,) * 13
        if trigger in (None, ids.URL):
            view = current
        elif choice == CUSTOM and not (start and end):
            # a range not picked yet: show the picker, keep the current view
            return (*(dash.no_update,) * 6, {"display": "block"}, *(dash.no_update,) * 6)
        else:
            filters = [f for f in (active or []) if f]
            if trigger == ids.FILTER_ADD:
                try:
                    clause = added_clause(field, op, values)
                    filters = [*filters, clause] if clause not in filters else filters
                    cleared, error = [], ""
                except ConfigError as exc:
                    error = str(exc)
            view = view_from_controls(choice, start, end, filters, current, profile=profile)
            if trigger == ids.PROFILE_SELECT and not view.start:
                # Another profile: its own period, unless a date range was picked.
                view = replace(view, days=None)
        return _outputs(view, _default_days(runtime, view.profile), search, error, cleared)


def _default_days(runtime: Runtime, profile: str | None) -> int:
    """The profile's own period (a profile may override ``period_days``)."""
    try:
        return runtime.profile(profile).settings.period_days
    except ConfigError:  # an unknown or bad profile: the page says so itself
        return runtime.settings.period_days


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
            {"display": "block" if custom else "none"}, filters, filters, error, cleared,
            view.profile, view.profile or DEFAULT)


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
        State(ids.FILTER_STORE, "data"), State(ids.PROFILE_STORE, "data"),
        prevent_initial_call=True,
    )
    def open_panel(request, period, filters, profile):
        if not request:
            return (dash.no_update,) * 6
        try:
            shown = _drill(runtime, request, period, filters, profile)
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
                  State(ids.FILTER_STORE, "data"), State(ids.PROFILE_STORE, "data"),
                  prevent_initial_call=True)
    def download(n_clicks, request, period, filters, profile):
        if not n_clicks or not request:
            return dash.no_update
        shown = _drill(runtime, request, period, filters, profile)
        name = f"{request['metric']}-items.csv"
        return dcc.send_string(exports.to_csv(pd.DataFrame(shown.items)), name)


def _register_chart(app: dash.Dash, chart: str) -> None:
    states = [State(chart, "figure")] if chart in drill_clicks.HISTOGRAMS else []

    def chart_click(click, figure=None):
        return drill_clicks.request_for(chart, click, figure) or dash.no_update

    app.callback(Output(ids.DRILL_REQUEST, "data", allow_duplicate=True),
                 Input(chart, "clickData"), *states, prevent_initial_call=True)(chart_click)


def _drill(runtime: Runtime, request: dict, period: dict | None,
           filters: list[str] | None, profile: str | None = None) -> drill.Shown:
    # A compare column's request names its own profile and filter (callbacks.compare).
    profile = request.get("profile", profile)
    filters = request.get("filter", filters)
    window = runtime.window(period)
    ctx = runtime.context(window, parse_filter(filters or []), profile)
    return drill.shown_items(ctx, request, runtime.stored(profile).frames)
