"""Compare page callbacks (METRICS.md section 8): columns in the URL, numbers from
:mod:`data.compare`, drill-down through the shared panel.

The chosen columns travel in the URL as ``compare=TOKEN`` (repeated), so a copied
link shows the same comparison. A column's numbers are the same memoized reports its
profile's own page uses (the disk results cache, which team mode's workers warm).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import dash
from dash import ALL, Input, Output, State
from dash.development.base_component import Component

from callbacks.runtime import Runtime, error_message
from callbacks.view_url import parse_search, to_search
from configuration.errors import ConfigError, DashboardError
from configuration.filters import filter_texts, parse_filter
from data import compare, service
from data.compare import SEPARATOR
from ui import ids
from ui.pages import compare as compare_page

log = logging.getLogger(__name__)


def chosen_tokens(search: str | None) -> list[str]:
    return [v for k, v in parse_search(search).extra if k == "compare"]


def render_compare(runtime: Runtime, search: str | None, subtitle: str) -> Component:
    names = list(runtime.profiles())
    chosen = chosen_tokens(search) or names[1:3] or names[:2]
    return compare_page.layout(names, chosen, subtitle)


def compare_numbers(runtime: Runtime, tokens: list[str], period: dict | None) -> tuple:
    """``(columns, ColumnResults, department, department previous)``."""
    profiles = runtime.profiles()
    columns = compare.parse_columns(tokens, profiles)
    window = runtime.window(period)
    cache_dir = runtime.cache_dir
    results = service.disk_results(cache_dir)

    def stored(profile: Any) -> Any:
        return service.load_cached(profile.settings, cache_dir=cache_dir)

    found = compare.column_results(columns, stored, as_of=window.as_of,
                                   period_days=window.period_days, results=results)
    department = tuple(compare.department_report(
        profiles, stored, as_of=window.as_of, period_days=window.period_days,
        results=results, previous=previous) for previous in (False, True))
    return columns, found, department


def with_tokens(search: str | None, tokens: list[str]) -> str:
    view = parse_search(search)
    extra = tuple(p for p in view.extra if p[0] != "compare")
    return to_search(replace(view, extra=(*extra, *(("compare", t) for t in tokens))))


def register(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(Output(ids.COMPARE_RESULTS, "children"), Output(ids.COMPARE_MESSAGE, "children"),
                  Output(ids.COMPARE_COLUMNS, "data"),
                  Output(ids.URL, "search", allow_duplicate=True),
                  # Only the page's own input: a period change or a fetch redraws the
                  # page (callbacks.pages), and an input missing from other pages would
                  # be a browser error there.
                  Input(ids.COMPARE_PICK, "value"), State(ids.PERIOD_STORE, "data"),
                  State(ids.URL, "search"), prevent_initial_call="initial_duplicate")
    def show(tokens, period, search):
        tokens = list(tokens or [])
        wanted = with_tokens(search, tokens)
        url = wanted if wanted != (search or "") else dash.no_update
        try:
            columns, found, department = compare_numbers(runtime, tokens, period)
        except Exception as exc:  # one sentence on the page, never a 500
            if not isinstance(exc, DashboardError):
                log.exception("Compare failed")
            return None, error_message(exc), [], url
        shown = [(c.column.token, c.report, c.previous) for c in found]
        stored = [{"profile": c.profile.name, "filter": list(c.extra)} for c in columns]
        return compare_page.results(shown, department), "", stored, url

    @app.callback(Output(ids.COMPARE_PICK, "value"), Output(ids.COMPARE_PICK, "options"),
                  Output(ids.COMPARE_MESSAGE, "children", allow_duplicate=True),
                  Input(ids.COMPARE_SEGMENT_ADD, "n_clicks"),
                  State(ids.COMPARE_SEGMENT, "value"), State(ids.PROFILE_STORE, "data"),
                  State(ids.COMPARE_PICK, "value"), State(ids.COMPARE_PICK, "options"),
                  prevent_initial_call=True)
    def add_segment(clicks, typed, profile, chosen, options):
        if not clicks:
            raise dash.exceptions.PreventUpdate
        try:
            clauses = filter_texts(parse_filter([c for c in (typed or "").split(";")
                                                 if c.strip()]))
            if not clauses:
                raise ConfigError("Type one or more clauses such as component=API "
                                  "(separated by ;).")
        except ConfigError as exc:
            return dash.no_update, dash.no_update, str(exc)
        token = SEPARATOR.join([profile or "default", *clauses])
        values = [*(chosen or []), token] if token not in (chosen or []) else chosen
        known = {o["value"] for o in options or []}
        more = [] if token in known else [{"label": token, "value": token}]
        return values, [*(options or []), *more], ""

    @app.callback(Output(ids.DRILL_REQUEST, "data", allow_duplicate=True),
                  Input({"type": ids.COMPARE_CELL, "column": ALL, "metric": ALL}, "n_clicks"),
                  State(ids.COMPARE_COLUMNS, "data"), prevent_initial_call=True)
    def drill(clicks, columns):
        trigger = dash.ctx.triggered_id
        # A redraw re-creates the cells with n_clicks unset: not a click.
        if not isinstance(trigger, dict) or not any(clicks) or not columns:
            return dash.no_update
        column = columns[trigger["column"]]
        return {"metric": trigger["metric"], "profile": column["profile"],
                "filter": column["filter"]}


def warm_profiles(runtime: Runtime) -> None:
    """Every profile's report (this period and the one before) and the department
    total for the default period, into the disk results cache that every process
    reads: run after each sync (team mode: on the Celery worker that synced), so that
    no Compare page waits on a report it could have had ready."""
    profiles = runtime.profiles()
    window = runtime.window(None)
    cache_dir = runtime.cache_dir
    results = service.disk_results(cache_dir)

    def stored(profile: Any) -> Any:
        return service.load_cached(profile.settings, cache_dir=cache_dir)

    columns = [compare.Column(name, profile, profile.clauses)
               for name, profile in profiles.items()]
    compare.column_results(columns, stored, as_of=window.as_of,
                           period_days=window.period_days, results=results)
    for previous in (False, True):
        compare.department_report(profiles, stored, as_of=window.as_of,
                                  period_days=window.period_days, results=results,
                                  previous=previous)
