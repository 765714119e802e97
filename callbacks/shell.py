"""Header callbacks: the period selector and the last-sync status."""

from __future__ import annotations

from datetime import datetime

import dash
from dash import ClientsideFunction, Input, Output, State
from dash.development.base_component import Component

from callbacks.runtime import Runtime
from ui import format as fmt
from ui import ids
from ui.shell import CUSTOM, profile_options, profile_wrap_style, sync_status


def period_from(choice: str | None, start: str | None, end: str | None,
                default_days: int) -> tuple[dict, dict]:
    """The period store and the date picker's visibility for the selector's state."""
    if choice == CUSTOM:
        if start and end:
            return {"period_days": None, "start": start, "end": end}, {"display": "block"}
        return dash.no_update, {"display": "block"}
    days = int(choice) if choice and choice.isdigit() else default_days
    return {"period_days": days, "start": None, "end": None}, {"display": "none"}


def status_for(last_sync: datetime | None, now: datetime,
               ttl_hours: float) -> tuple[str, Component | None]:
    """Header label and optional stale-data note for the last sync time."""
    if last_sync is None:
        return "Not synced yet", None
    age_seconds = max((now - last_sync).total_seconds(), 0.0)
    return sync_status(fmt.timestamp(last_sync), fmt.age(age_seconds),
                       stale=age_seconds > ttl_hours * 3600)


def register(app: dash.Dash, runtime: Runtime) -> None:
    # The period selector writes the period store through the view callback
    # (callbacks.segments), which keeps it in step with the URL.
    app.clientside_callback(
        ClientsideFunction("delivery", "toggleNav"), Output(ids.NAV_COLLAPSE, "is_open"),
        Input(ids.NAV_TOGGLER, "n_clicks"), Input(ids.URL, "pathname"),
        State(ids.NAV_COLLAPSE, "is_open"), prevent_initial_call=True)

    # assets/clientside.js: empties the last fetch's alert when the next one starts.
    app.clientside_callback(
        ClientsideFunction("delivery", "clearAtFetchStart"),
        Output(ids.FETCH_ALERT, "children", allow_duplicate=True),
        Input(ids.FETCH_RUNNING, "data"), prevent_initial_call=True)

    @app.callback(Output(ids.PROFILE_SELECT, "options"), Output(ids.PROFILE_WRAP, "style"),
                  Input(ids.URL, "pathname"), Input(ids.DATA_VERSION, "data"))
    def offer_profiles(_path, _version):
        # Saved settings may have added, renamed or removed profiles.
        names = tuple(runtime.profiles())
        return profile_options(names), profile_wrap_style(names)

    @app.callback(Output(ids.SYNC_LABEL, "children"), Output(ids.STALE_NOTE, "children"),
                  Output(ids.PERIOD_RANGE, "max_date_allowed"),
                  Input(ids.DATA_VERSION, "data"), Input(ids.FETCH_RESULT, "data"),
                  State(ids.URL, "pathname"))
    def show_sync(_version, _result, _path):
        last_sync = runtime.last_sync()
        label, note = status_for(last_sync, runtime.clock(), runtime.settings.cache.ttl_hours)
        # The data ends at the last sync: the date picker offers no later day.
        return label, note, runtime.as_of().date().isoformat()
