"""The fetch: a Dash background callback that syncs JIRA into the cache.

It runs outside the web request (the manager of ``callbacks.background``), reports
*progress* (issues fetched of the expected total) into the header's progress bar,
can be cancelled, and returns a small *fetch result* dict (never frames, never
the token): ``{"ok": True, "summary": ..., "at": ...}`` or ``{"ok": False,
"error": <the client's one-sentence message>}``. A second callback turns that
result into an alert and bumps the data version so the pages redraw.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import dash
from dash import Input, Output, State

from callbacks.pages import warm
from callbacks.runtime import Runtime, error_message
from data import service
from ui import format as fmt
from ui import ids
from ui.shell import cancelled_alert, fetch_alert, progress_text

log = logging.getLogger(__name__)
SHOW = {"display": "block"}
HIDE = {"display": "none"}


def run_fetch(runtime: Runtime, *, full: bool, set_progress, refresh: bool = True) -> dict:
    """Sync and describe the outcome; every failure becomes one sentence.

    ``refresh`` False (automatic fetches: first page load, saved settings) fetches
    only when the cache cannot answer, e.g. reuses what the start-up fetch stored.
    """
    def progress(fetched: int, expected: int | None) -> None:
        # A percentage: the bar's value and max could otherwise arrive out of step.
        share = 100.0 * fetched / max(expected or 0, fetched, 1)
        set_progress((round(share, 1), 100, progress_text(fetched, expected)))

    set_progress((0, 100, "Connecting to JIRA…"))
    try:
        synced = runtime.sync(full=full, refresh=refresh, progress=progress)
    except Exception as exc:  # every failure is reported, the old data stays
        log.warning("Fetch failed: %s", error_message(exc))
        return {"ok": False, "error": error_message(exc),
                "at": datetime.now(UTC).isoformat()}
    return {"ok": True, "summary": service.summarize(synced), "mode": synced.mode,
            "at": datetime.now(UTC).isoformat()}


def register(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(
        Output(ids.FETCH_RESULT, "data"),
        Input(ids.REFRESH_BUTTON, "n_clicks"), Input(ids.FULL_REFRESH_BUTTON, "n_clicks"),
        Input(ids.AUTO_SYNC, "data"), Input(ids.SAVED_SYNC, "data"),
        background=True, interval=500,  # ms between progress polls
        progress=[Output(ids.FETCH_PROGRESS, "value"), Output(ids.FETCH_PROGRESS, "max"),
                  Output(ids.FETCH_PROGRESS_LABEL, "children")],
        running=[(Output(ids.FETCH_PROGRESS_WRAP, "style"), SHOW, HIDE),
                 (Output(ids.CANCEL_BUTTON, "style"), {"display": "inline-block"}, HIDE),
                 (Output(ids.REFRESH_BUTTON, "disabled"), True, False),
                 (Output(ids.FULL_REFRESH_BUTTON, "disabled"), True, False)],
        cancel=[Input(ids.CANCEL_BUTTON, "n_clicks")],
        prevent_initial_call=True,
    )
    def fetch(set_progress, _refresh, _full, _auto, _saved):
        trigger = dash.ctx.triggered_id
        return run_fetch(runtime, full=trigger == ids.FULL_REFRESH_BUTTON,
                         refresh=trigger in (ids.REFRESH_BUTTON, ids.FULL_REFRESH_BUTTON),
                         set_progress=set_progress)

    @app.callback(Output(ids.AUTO_SYNC, "data"), Input(ids.URL, "pathname"),
                  State(ids.AUTO_SYNC, "data"))
    def first_fetch(_path, started):
        # On page load, start a fetch when the cache has nothing to show; only once per
        # page, since a second trigger would restart the running fetch.
        if not started and runtime.needs_first_fetch():
            return {"first": datetime.now(UTC).isoformat()}
        raise dash.exceptions.PreventUpdate

    @app.callback(
        Output(ids.DATA_VERSION, "data"), Output(ids.FETCH_ALERT, "children"),
        Input(ids.FETCH_RESULT, "data"), State(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    def fetched(result, version):
        if not result:
            raise dash.exceptions.PreventUpdate
        alert = fetch_alert(result, data_age=data_age(runtime))
        if not result.get("ok"):
            return dash.no_update, alert
        runtime.in_background(lambda: warm(runtime), "warm-up")
        return (version or 0) + 1, alert

    @app.callback(Output(ids.FETCH_ALERT, "children", allow_duplicate=True),
                  Input(ids.CANCEL_BUTTON, "n_clicks"), prevent_initial_call=True)
    def cancelled(clicks):
        if not clicks:
            raise dash.exceptions.PreventUpdate
        return cancelled_alert(data_age(runtime))


def data_age(runtime: Runtime) -> str | None:
    """How old the data on the pages is ("5 min"), or None when there is none."""
    last = runtime.last_sync()
    return None if last is None else fmt.age((datetime.now(UTC) - last).total_seconds())
