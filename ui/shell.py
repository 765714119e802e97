"""The app shell: navigation, the period selector, sync status and fetch controls.

The *period* is the window the pages show: a preset length (7/30/90/180 days)
ending now, or a custom date range (both days included). The shell holds the
shared stores (period, data version, fetch result) and the page container; pages
are rendered into :data:`ui.ids.PAGE_CONTENT` by the router callback.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from ui import drilldown, ids
from ui.filter_bar import filter_bar
from ui.pages.settings import demo_style

PAGES = (("DORA", "/", ids.NAV_DORA), ("Flow", "/flow", ids.NAV_FLOW),
         ("Forecast", "/forecast", ids.NAV_FORECAST), ("Compare", "/compare", ids.NAV_COMPARE),
         ("Settings", "/settings", ids.NAV_SETTINGS))
PRESETS = (7, 30, 90, 180)
CUSTOM = "custom"
LOADING_DELAY_MS = 400  # a page drawn faster than this shows no spinner at all
WATCH_MS = 2000  # team mode: how often a fetch that ended without a result is checked


def period_options(default_days: int) -> list[dict[str, str]]:
    options = [{"label": f"Last {d} days", "value": str(d)} for d in PRESETS]
    if default_days not in PRESETS:
        options.insert(0, {"label": f"Last {default_days} days", "value": str(default_days)})
    return [*options, {"label": "Custom range…", "value": CUSTOM}]


def demo_badge(demo: bool) -> Component:
    style = demo_style(demo)
    # Colours in assets/app.css (dark on amber): Flatly's own pair lacks contrast.
    return dcc.Link(dbc.Badge("Demo data · connect your JIRA", color="warning",
                              pill=True, className="demo-badge"),
                    href="/settings", id=ids.DEMO_BADGE, style=style,
                    title="These numbers come from a simulated JIRA. Open Settings to "
                          "connect yours.")


def navbar(demo: bool) -> Component:
    """Brand, page links and the demo badge; below the ``md`` width (phones) the links
    and badge fold behind a menu button (toggled in ``assets/clientside.js``)."""
    links = [dbc.NavItem(dbc.NavLink(label, href=href, id=element_id, active="exact"))
             for label, href, element_id in PAGES]
    return dbc.Navbar(dbc.Container([
        html.Div([html.Span("◆", className="brand-mark", **{"aria-hidden": "true"}),
                  dbc.NavbarBrand("Delivery Metrics", href="/", className="ms-2")],
                 className="d-flex align-items-center"),
        dbc.NavbarToggler(id=ids.NAV_TOGGLER, n_clicks=0),
        dbc.Collapse([dbc.Nav(links, navbar=True, className="me-auto ms-md-3"),
                      demo_badge(demo)], id=ids.NAV_COLLAPSE, is_open=False, navbar=True),
    ], fluid=True), color="primary", dark=True, expand="md", className="app-navbar")


def settings_problem_alert(problem: str | None) -> Component | None:
    """Why the settings file was not used, and where to fix it."""
    if not problem:
        return None
    return dbc.Alert([html.Strong("The settings file could not be used. "), problem, " ",
                      dcc.Link("Fix it in Settings.", href="/settings")],
                     color="danger", className="mt-2 settings-problem")


def profile_options(names: list[str] | tuple[str, ...]) -> list[dict[str, str]]:
    """The switcher's options: ``default`` reads as "All (default)"."""
    return [{"label": "Default" if name == "default" else name, "value": name}
            for name in names]


def profile_switcher(names: list[str] | tuple[str, ...]) -> Component:
    """The profile switcher (METRICS.md section 8); hidden while there is only
    ``default``."""
    # The flex layout sits on an inner box: Bootstrap's d-flex is !important and
    # would override the wrapper's display:none.
    return html.Div(html.Div([
        html.Label("Profile", htmlFor=ids.PROFILE_SELECT, className="toolbar-label mb-0"),
        dbc.Select(id=ids.PROFILE_SELECT, options=profile_options(names), value="default",
                   size="sm", className="profile-select me-3",
                   placeholder="Choose a profile"),
    ], className="d-flex align-items-center"), id=ids.PROFILE_WRAP,
        style=profile_wrap_style(names))


def profile_wrap_style(names: list[str] | tuple[str, ...]) -> dict[str, str]:
    return {} if len(names) > 1 else {"display": "none"}


def toolbar(default_days: int, problem: str | None = None,
            filter_fields: list[tuple[str, str]] | None = None,
            profiles: tuple[str, ...] = ("default",)) -> Component:
    """Profile switcher, period selector, last sync time, refresh controls and the
    fetch progress."""
    return dbc.Container([
        html.Div([
            html.Div([
                profile_switcher(profiles),
                html.Label("Period", htmlFor=ids.PERIOD_SELECT, className="toolbar-label mb-0"),
                # The placeholder names the list: dbc.Select always renders it, as a
                # hidden option that some phones still list (blank without a text).
                dbc.Select(id=ids.PERIOD_SELECT, options=period_options(default_days),
                           value=str(default_days), size="sm", className="period-select",
                           placeholder="Choose a period"),
                html.Div(dcc.DatePickerRange(id=ids.PERIOD_RANGE, display_format="D MMM YYYY",
                                             first_day_of_week=1, clearable=False),
                         id=ids.PERIOD_RANGE_WRAP, style={"display": "none"},
                         className="ms-2"),
            ], className="d-flex align-items-center"),
            html.Div([
                html.Span("", id=ids.SYNC_LABEL, className="sync-label me-3"),
                dbc.ButtonGroup([
                    dbc.Button("Refresh", id=ids.REFRESH_BUTTON, color="primary", size="sm",
                               title="Fetch what changed in JIRA since the last sync"),
                    dbc.Button("Full refresh", id=ids.FULL_REFRESH_BUTTON, color="primary",
                               outline=True, size="sm", title="Fetch every issue again"),
                ]),
                dbc.Button("Cancel", id=ids.CANCEL_BUTTON, color="danger", outline=True,
                           size="sm", className="ms-2", style={"display": "none"}),
            ], className="d-flex align-items-center"),
        ], className="toolbar-row"),
        filter_bar(filter_fields or []),
        html.Div([
            html.Div("", id=ids.FETCH_PROGRESS_LABEL, className="small text-muted mb-1"),
            dbc.Progress(id=ids.FETCH_PROGRESS, value=0, max=100, striped=True, animated=True,
                         style={"height": "8px"}),
        ], id=ids.FETCH_PROGRESS_WRAP, style={"display": "none"}, className="mt-2"),
        html.Div(settings_problem_alert(problem), id=ids.SETTINGS_PROBLEM),
        html.Div(id=ids.FETCH_ALERT),
        html.Div(id=ids.STALE_NOTE),
    ], fluid=True, className="app-toolbar")


def layout(*, default_days: int, demo: bool, problem: str | None = None,
           page_load_id: str = "", filter_fields: list[tuple[str, str]] | None = None,
           profiles: tuple[str, ...] = ("default",)) -> Component:
    """The whole shell: navigation, toolbar, shared stores and the page container.

    ``page_load_id`` is unique per page load (the caller makes it): the fetch job of
    each browser tab is keyed by it, so two tabs never share a job's result.
    """
    return html.Div([
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.PAGE_LOAD_ID, data=page_load_id),
        dcc.Store(id=ids.FETCH_RUNNING, data=False),
        dcc.Store(id=ids.FETCH_WATCH_STATE),
        dcc.Interval(id=ids.FETCH_WATCH, interval=WATCH_MS, disabled=True),
        dcc.Store(id=ids.PERIOD_STORE, data={"period_days": default_days, "start": None,
                                             "end": None}),
        dcc.Store(id=ids.FILTER_STORE, data=[]),
        dcc.Store(id=ids.PROFILE_STORE, data=None),
        dcc.Store(id=ids.DRILL_REQUEST),
        dcc.Store(id=ids.DATA_VERSION, data=0),
        dcc.Store(id=ids.AUTO_SYNC),
        dcc.Store(id=ids.SAVED_SYNC),
        dcc.Store(id=ids.FETCH_RESULT),
        navbar(demo),
        toolbar(default_days, problem, filter_fields, profiles),
        drilldown.panel(),
        # The spinner covers a page being routed to, nothing else: without
        # ``target_components`` any callback inside the page (Test connection, Save)
        # would hide the whole page while it runs.
        dbc.Container(dcc.Loading(html.Div(id=ids.PAGE_CONTENT, className="page"),
                                  type="circle", delay_show=LOADING_DELAY_MS,
                                  target_components={ids.PAGE_CONTENT: "children"}),
                      fluid=True, className="app-main"),
    ], className="app")


CONNECTING = "Connecting to JIRA…"


def progress_text(fetched: int, expected: int | None) -> str:
    if expected:
        return f"Fetching issues from JIRA: {fetched:,} of {expected:,}"
    return f"Fetching issues from JIRA: {fetched:,} so far"


def keep_note(data_age: str | None) -> str:
    """What the pages show after a failed or cancelled fetch."""
    if data_age is None:
        return ""
    return f" The pages keep showing the last good data, synced {data_age} ago."


def fetch_alert(result: dict, *, data_age: str | None) -> Component | None:
    """The outcome of a fetch: a short success note, or the failure in one sentence."""
    if result.get("ok"):
        if result.get("mode") == "cached":
            return None  # nothing was fetched: the cache already answered
        return dbc.Alert(result.get("summary", "Fetched."), color="success", duration=6000,
                         dismissable=True, className="fetch-alert mt-2")
    keep = keep_note(data_age)
    return dbc.Alert([html.Strong("The fetch failed. "), result.get("error", ""), keep],
                     color="danger", dismissable=True, className="fetch-alert mt-2")


def sync_status(last_sync_text: str, age_text: str | None, *,
                stale: bool) -> tuple[str, Component | None]:
    """``Last sync: ...`` for the header, and a note when the data is getting old."""
    label = f"Last sync: {last_sync_text}" + (f" ({age_text} ago)" if age_text else "")
    note = (dbc.Alert(f"Showing data synced {age_text} ago; use Refresh to update it.",
                      color="warning", className="stale-note mt-2 py-2")
            if stale and age_text else None)
    return label, note


def interrupted_alert(error: str | None, *, data_age: str | None) -> Component:
    """A fetch whose job ended without a result (team mode: its worker was killed).

    ``error`` is the shared flight's failure sentence; None when the flight was
    abandoned (its worker ended before it could record one).
    """
    reason = error or "The worker running it ended before it finished."
    return dbc.Alert([html.Strong("The fetch did not finish. "), reason, keep_note(data_age)],
                     color="danger", dismissable=True, className="fetch-alert mt-2")


def cancelled_alert(data_age: str | None) -> Component:
    return dbc.Alert(["Fetch cancelled.", keep_note(data_age)], color="secondary",
                     dismissable=True, className="fetch-alert mt-2")
