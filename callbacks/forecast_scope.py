"""Callbacks of the Forecast page's scope section (METRICS.md section 9).

Thin by rule. The scope lives in the shareable view's URL (``scope=CLAUSE``, repeated;
:mod:`callbacks.view_url` carries it along with the period and the filter):

- :func:`fill_picker` runs when the page is drawn: the picker shows the URL's scope
  among the data's quick picks;
- :func:`edit_scope` follows the picker and the free clause input, and writes the
  scope back into the URL (a bad clause says why instead); a URL changed from outside
  (back / forward) sets the picker;
- :func:`scope_answer` asks the runtime for the scope view of the current period and
  filter and hands it to ``ui.pages.forecast_scope``; its button asks the drill-down
  panel (:mod:`callbacks.segments`) for the remaining items.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash
from dash import Input, Output, State

from callbacks.runtime import Runtime, error_message
from configuration.errors import ConfigError, DashboardError
from configuration.filters import parse_clause
from data.segments.drill import SCOPE_REMAINING
from ui import ids
from ui.components import error_state
from ui.pages import forecast_scope

log = logging.getLogger(__name__)
POINTS_SWITCH = "forecast-scope-unit"


def url_values(search: str | None, name: str) -> list[str]:
    """Every value of the query parameter ``name`` in a URL's ``?search``."""
    return [value for key, value in parse_qsl((search or "").lstrip("?")) if key == name]


def with_values(search: str | None, name: str, values: list[str]) -> str:
    """``search`` with every ``name`` parameter replaced by ``values`` (others kept)."""
    kept = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != name]
    query = urlencode([*kept, *((name, v) for v in values)])
    return f"?{query}" if query else ""


def with_options(options: list[dict] | None, values: list[str]) -> list[dict]:
    """The picker's options, plus an option for every chosen clause it lacks."""
    known = list(options or [])
    present = {o["value"] for o in known}
    return known + [{"label": v, "value": v} for v in values if v not in present]


def fill_picker(runtime: Runtime, search: str | None, period: dict | None,
                filters: list[str] | None, profile: str | None = None
                ) -> tuple[list[str], list[dict]]:
    """(picker value, picker options): the URL's scope among the data's quick picks."""
    scope = url_values(search, "scope")
    try:
        picks = runtime.scope_picks(runtime.window(period), filters or [], profile)
    except ConfigError:
        picks = ()  # the page already says what is wrong with the filter
    return scope, with_options(forecast_scope.pick_options(picks), scope)


def edit_scope(trigger: Any, chosen: list[str] | None, typed: str | None,
               options: list[dict] | None, search: str | None) -> tuple:
    """(URL search, picker value, picker options, typed clause, message) after an edit."""
    keep = dash.no_update
    chosen = list(chosen or [])
    if trigger == ids.FORECAST_SCOPE_URL:  # back / forward, or another callback wrote it
        scope = url_values(search, "scope")
        if scope == chosen:
            return keep, keep, keep, keep, keep
        return keep, scope, with_options(options, scope), keep, None
    if trigger in (ids.FORECAST_SCOPE_ADD, ids.FORECAST_SCOPE_CLAUSE):
        if not (typed or "").strip():
            return keep, keep, keep, keep, None
        try:
            clause = parse_clause(typed or "").text
        except ConfigError as exc:
            return keep, keep, keep, keep, error_state(exc.problem)
        chosen = chosen if clause in chosen else [*chosen, clause]
        return (_search(search, chosen), chosen, with_options(options, chosen), "", None)
    return _search(search, chosen), keep, keep, keep, None


def _search(search: str | None, scope: list[str]) -> Any:
    new = with_values(search, "scope", scope)
    return dash.no_update if new == (search or "") else new


def scope_answer(runtime: Runtime, chosen: list[str] | None, unit: str | None,
                 period: dict | None, filters: list[str] | None, *,
                 profile: str | None = None) -> tuple:
    """(results, unit switch class) for the chosen scope (in ``profile``)."""
    try:
        points = bool(runtime.profile(profile).settings.forecast.points_field)
    except ConfigError:
        points = False
    switch = POINTS_SWITCH + ("" if points else " d-none")
    try:
        view = runtime.scope_view(runtime.window(period), list(chosen or []), filters or [],
                                  profile)
    except Exception as exc:  # the section says what failed instead of a 500
        if not isinstance(exc, DashboardError):
            log.exception("The scope forecast failed")
        return error_state(error_message(exc)), switch
    return forecast_scope.scope_results(view, unit or "items"), switch


def register(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(Output(ids.FORECAST_SCOPE, "value"), Output(ids.FORECAST_SCOPE, "options"),
                  Input(ids.FORECAST_SCOPE_INIT, "data"), State(ids.URL, "search"),
                  State(ids.PERIOD_STORE, "data"), State(ids.FILTER_STORE, "data"),
                  State(ids.PROFILE_STORE, "data"))
    def scope_picker(_drawn, search, period, filters, profile):
        return fill_picker(runtime, search, period, filters, profile)

    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Output(ids.FORECAST_SCOPE, "value", allow_duplicate=True),
                  Output(ids.FORECAST_SCOPE, "options", allow_duplicate=True),
                  Output(ids.FORECAST_SCOPE_CLAUSE, "value"),
                  Output(ids.FORECAST_SCOPE_MESSAGE, "children"),
                  Input(ids.FORECAST_SCOPE, "value"), Input(ids.FORECAST_SCOPE_ADD, "n_clicks"),
                  Input(ids.FORECAST_SCOPE_CLAUSE, "n_submit"),
                  Input(ids.FORECAST_SCOPE_URL, "search"),
                  State(ids.FORECAST_SCOPE_CLAUSE, "value"),
                  State(ids.FORECAST_SCOPE, "options"), prevent_initial_call=True)
    def scope_edit(chosen, _add, _submit, search, typed, options):
        return edit_scope(dash.ctx.triggered_id, chosen, typed, options, search)

    @app.callback(Output(ids.FORECAST_SCOPE_RESULTS, "children"),
                  Output(ids.FORECAST_SCOPE_UNIT, "className"),
                  Input(ids.FORECAST_SCOPE, "value"), Input(ids.FORECAST_SCOPE_UNIT, "value"),
                  State(ids.PERIOD_STORE, "data"), State(ids.FILTER_STORE, "data"),
                  State(ids.PROFILE_STORE, "data"))
    def scope_results(chosen, unit, period, filters, profile):
        return scope_answer(runtime, chosen, unit, period, filters, profile=profile)

    @app.callback(Output(ids.DRILL_REQUEST, "data", allow_duplicate=True),
                  Input(ids.FORECAST_REMAINING_BUTTON, "n_clicks"),
                  State(ids.FORECAST_SCOPE, "value"), prevent_initial_call=True)
    def show_remaining(clicks, chosen):
        # the segments' drill-down panel shows them (sortable, linked, CSV)
        if not clicks:
            return dash.no_update
        return {"metric": SCOPE_REMAINING, "scope": list(chosen or [])}
