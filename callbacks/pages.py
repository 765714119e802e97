"""Page callbacks: the router that renders DORA / Flow / Forecast, and the CSV downloads.

Thin by rule: unpack the inputs, ask the runtime (``data/``) for the report and the
items behind it, hand plain data to the ``ui/`` page builders.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import dash
from dash import Input, Output, State, dcc
from dash.development.base_component import Component

from callbacks import access
from callbacks.compare import render_compare, warm_profiles
from callbacks.runtime import PRESET_DAYS, PageData, PagePeriod, Runtime, error_message
from callbacks.settings_profiles import editor as profile_editor
from callbacks.view_url import parse_search, to_search
from configuration.errors import DashboardError
from configuration.filters import parse_filter
from data import exports
from ui import format as fmt
from ui import ids
from ui.components import empty_state, error_state
from ui.pages import dora, flow, forecast
from ui.pages import settings as settings_page
from ui.pages.settings_read_only import read_only
from ui.tiers import benchmark_rows

log = logging.getLogger(__name__)
DEFAULT_FORECAST_ITEMS = 50
DEFAULT_FORECAST_DAYS = 30
NO_DATA = ("No data yet: the first fetch from JIRA is running or has failed. Check the "
           "message above, or the connection in Settings.")


NO_MATCH = "No issue matches this filter in this period: remove a filter above."


def no_issues(window: PagePeriod) -> str:
    return (f"There are no issues in this period ({window.label}): none of the query's "
            f"issues was created before {fmt.short_date(window.as_of)} {window.as_of:%Y}. "
            "Pick a later period.")


def subtitle(window: PagePeriod, report: dict | None) -> str:
    issues = (report or {}).get("issues")
    counted = f" · {issues:,} issues considered" if issues is not None else ""
    label = window.label[:1].upper() + window.label[1:]
    return f"{label} · as of {fmt.timestamp(window.as_of)}{counted}"


def render_dora(data: PageData) -> Component:
    items = data.items
    return dora.layout(data.report, data.previous, deployments=items.deployments,
                       lead_hours=items.changes["lead_time_hours"],
                       restore_hours=items.incidents["restore_hours"],
                       benchmarks=benchmark_rows(), subtitle=subtitle(data.window, data.report))


def render_flow(data: PageData) -> Component:
    completed = data.items.completed
    flow_types = dict(zip(completed["key"], completed["flow_type"], strict=True))
    return flow.layout(data.report, data.previous, subtitle=subtitle(data.window, data.report),
                       flow_types=flow_types)


def render_forecast(data: PageData, inputs: dict[str, str] | None = None) -> Component:
    """The Forecast page, its inputs from the URL (``items``, ``horizon``) when given."""
    inputs = inputs or {}
    return forecast.layout(items=_positive(inputs.get("items"), DEFAULT_FORECAST_ITEMS),
                           days=_positive(inputs.get("horizon"), DEFAULT_FORECAST_DAYS),
                           subtitle=subtitle(data.window, data.report))


def render_settings(runtime: Runtime, meta: dict | None) -> Component:
    # The dropdowns' last load, when it came from the JIRA the settings point at.
    same_jira = (meta or {}).get("url") == runtime.settings.jira.url
    page = settings_page.layout(runtime.public_settings(), token_saved=runtime.token_saved,
                                meta=meta if same_jira else {}, demo=runtime.demo,
                                mappings_from_demo=runtime.mappings_from_demo)
    if access.current_role() == "viewer":
        return read_only(page, access.current_user())
    page.children = [*page.children, profile_editor(runtime)]  # admins only
    return page


ROUTES = {"/": render_dora, "/dora": render_dora, "/flow": render_flow,
          "/forecast": render_forecast}


def render(runtime: Runtime, pathname: str | None, period: dict | None,
           meta: dict | None, *, filters: list[str] | None = None,
           search: str | None = None, profile: str | None = None) -> Component:
    """The page for ``pathname`` (unknown paths show the DORA page).

    A failure shows one sentence on the page, never a traceback: typed errors carry
    their own; anything else is logged with its traceback for the logs only.
    """
    path = (pathname or "/").rstrip("/") or "/"
    try:
        if path == "/settings":
            return render_settings(runtime, meta)
        if path == "/compare":
            label = runtime.window(period).label
            return render_compare(runtime, search, label[:1].upper() + label[1:])
        data = runtime.page_data(runtime.window(period), parse_filter(filters or []),
                                 profile)
        if data is None:
            return empty_state(NO_DATA)
        build = ROUTES.get(path, render_dora)
        if not data.report.get("issues") and build is not render_forecast:
            # A range before the data, or a filter nothing matches: no page of empty
            # charts blaming the settings.
            text = NO_MATCH if filters else no_issues(data.window)
            return empty_state(text, action_href=None, element_id=ids.NO_ISSUES)
        if build is render_forecast:
            inputs = dict(parse_search(search).extra)
            return runtime.memo_page((build.__name__, data.key, tuple(sorted(inputs.items()))),
                                     lambda: render_forecast(data, inputs))
        return runtime.memo_page((build.__name__, data.key), lambda: build(data))
    except Exception as exc:  # the page must say what failed instead of a 500
        if not isinstance(exc, DashboardError):
            log.exception("Rendering %s failed", path)
        return error_state(error_message(exc))


def warm(runtime: Runtime) -> None:
    """Compute and render the DORA and Flow pages of every preset period ahead of use,
    the settings' default period first: it is the one the first page load shows."""
    default = runtime.settings.period_days
    for days in sorted(PRESET_DAYS, key=lambda d: d != default):
        for path in ("/", "/flow"):
            render(runtime, path, {"period_days": days}, None)
    runtime.prepare_segments()  # so that the first filter change is as fast as the next
    if runtime.settings.profiles and not runtime.team:  # team mode: the worker did it
        warm_profiles(runtime)


def register(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(Output(ids.PAGE_CONTENT, "children"),
                  Input(ids.URL, "pathname"), Input(ids.PERIOD_STORE, "data"),
                  Input(ids.FILTER_STORE, "data"), Input(ids.DATA_VERSION, "data"),
                  State(ids.SETTINGS_JIRA_META, "data"), State(ids.URL, "search"),
                  # A State: the view callback writes it together with the period store,
                  # whose change redraws the page (an Input more would trigger on every
                  # page load, which the Settings page must not redraw on).
                  State(ids.PROFILE_STORE, "data"))
    def route(*args):
        pathname, period, filters, _version, meta, search, profile = args
        # The settings form is not redrawn by a period change or a fetch: that would
        # throw away what the user is typing.
        on_settings = (pathname or "").rstrip("/") == "/settings"
        if on_settings and dash.ctx.triggered_id not in (None, ids.URL):
            return dash.no_update
        return render(runtime, pathname, period, meta, filters=filters, search=search,
                      profile=profile)

    _register_forecast(app, runtime)
    _register_forecast_url(app)
    _register_downloads(app, runtime)


def _register_forecast(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(Output(ids.FORECAST_RESULTS, "children"),
                  Input(ids.FORECAST_ITEMS_INPUT, "value"),
                  Input(ids.FORECAST_DAYS_INPUT, "value"),
                  State(ids.PERIOD_STORE, "data"), State(ids.FILTER_STORE, "data"),
                  State(ids.PROFILE_STORE, "data"))
    def update_forecast(items, days, period, filters, profile):
        window = runtime.window(period)
        data = runtime.page_data(window, parse_filter(filters or []), profile)
        if data is None:
            return empty_state(NO_DATA)
        items = _positive(items, DEFAULT_FORECAST_ITEMS)
        days = _positive(days, DEFAULT_FORECAST_DAYS)
        answer = exports.forecast_answers(data.items.completed, window.as_of,
                                          window.period_days, items=items, days=days)
        return forecast.results(as_of=window.as_of, days=days, items=items,
                                how_many=answer.how_many, when=answer.when,
                                completed=answer.completed, sample_days=answer.sample_days)


def _register_forecast_url(app: dash.Dash) -> None:
    """The Forecast inputs go into the URL (a shared link shows the same answers)."""
    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.FORECAST_ITEMS_INPUT, "value"),
                  Input(ids.FORECAST_DAYS_INPUT, "value"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def remember_inputs(items, days, search):
        current = parse_search(search)
        # the other page inputs (the scope forecast's scope=) stay as they are
        others = tuple((k, v) for k, v in current.extra if k not in ("items", "horizon"))
        extra = (("items", str(_positive(items, DEFAULT_FORECAST_ITEMS))),
                 ("horizon", str(_positive(days, DEFAULT_FORECAST_DAYS))), *others)
        wanted = to_search(replace(current, extra=extra))
        return wanted if wanted != (search or "") else dash.no_update


def _positive(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 < number <= 3650 else default


DOWNLOADS = (
    (ids.DORA_DOWNLOAD, ids.DORA_DOWNLOAD_BUTTON, "dora", exports.dora_table),
    (ids.FLOW_DOWNLOAD, ids.FLOW_DOWNLOAD_BUTTON, "flow", exports.flow_table),
    (ids.FORECAST_DOWNLOAD, ids.FORECAST_DOWNLOAD_BUTTON, "forecast-throughput",
     exports.throughput_table),
)


def _register_downloads(app: dash.Dash, runtime: Runtime) -> None:
    for download_id, button_id, name, table in DOWNLOADS:
        def download(n_clicks, period, filters, profile, *, table=table, name=name):
            if not n_clicks:
                return dash.no_update
            window = runtime.window(period)
            data = runtime.page_data(window, parse_filter(filters or []), profile)
            if data is None:
                return dash.no_update
            stamp = f"{window.as_of:%Y%m%d}-{window.period_days}d"
            return dcc.send_string(exports.to_csv(table(data.items)), f"{name}-{stamp}.csv")

        app.callback(Output(download_id, "data"), Input(button_id, "n_clicks"),
                     State(ids.PERIOD_STORE, "data"), State(ids.FILTER_STORE, "data"),
                     State(ids.PROFILE_STORE, "data"), prevent_initial_call=True)(download)

