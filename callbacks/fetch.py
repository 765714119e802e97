"""The fetch: a Dash background callback that syncs JIRA into the cache.

It runs outside the web request (the manager of ``callbacks.background``), reports
*progress* (issues fetched of the expected total) into the header's progress bar,
can be cancelled, and returns a small *fetch result* dict (never frames, never
the token): ``{"ok": True, "summary": ..., "at": ...}`` or ``{"ok": False,
"error": <the client's one-sentence message>}``. A second callback turns that
result into an alert and bumps the data version so the pages redraw.

Terms:

- *page load id*: a uuid made by the layout function for every page load, passed
  to the fetch as State. Dash keys a background job's result by the callback's
  arguments; without it, two tabs sending the same arguments (both on their first
  click) would share one key and one of them could lose its result.
- *silent end* (team mode): Dash stops polling a job whose Celery task died with
  its worker, without any output. The fetch's ``running`` flag (``FETCH_RUNNING``)
  still drops, so a watcher (``FETCH_WATCH``, an interval) then asks the shared
  flight status (:meth:`callbacks.runtime.Runtime.flight_status`) until that fetch
  is over, and shows a failure as an alert; the pages keep the last good data.
  A result of this run (its ``at`` not before the run's start) or a cancel click
  stops the watcher without a word.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import dash
from dash import Input, Output, State

from callbacks.compare import warm_profiles
from callbacks.pages import warm
from callbacks.runtime import Runtime, error_message
from configuration.errors import JiraCancelled
from data import service
from ui import format as fmt
from ui import ids
from ui.shell import CONNECTING, cancelled_alert, fetch_alert, interrupted_alert, progress_text

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

    set_progress((0, 100, CONNECTING))
    try:
        runtime.refresh_settings()  # a Celery worker serves no page requests to do it
        synced = runtime.sync(full=full, refresh=refresh, progress=progress)
    except Exception as exc:  # every failure is reported, the old data stays
        log.warning("Fetch failed: %s", error_message(exc))
        return {"ok": False, "error": error_message(exc),
                "at": datetime.now(UTC).isoformat()}
    if runtime.team and runtime.settings.profiles:
        # Team mode: this is a Celery worker; every profile's results go to the shared
        # results cache before the pages ask (issue 13). Single-process mode warms them
        # in the web process instead (callbacks.pages.warm).
        try:
            warm_profiles(runtime)
        except Exception:  # the fetch succeeded; a page computes what is missing
            log.exception("Warming the profiles' results failed")
    return {"ok": True, "summary": service.summarize(synced), "mode": synced.mode,
            "at": datetime.now(UTC).isoformat()}


def register(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(
        Output(ids.FETCH_RESULT, "data"),
        Input(ids.REFRESH_BUTTON, "n_clicks"), Input(ids.FULL_REFRESH_BUTTON, "n_clicks"),
        Input(ids.AUTO_SYNC, "data"), Input(ids.SAVED_SYNC, "data"),
        State(ids.PAGE_LOAD_ID, "data"),  # unused by the body: it makes the job key unique
        background=True, interval=500,  # ms between progress polls
        progress=[Output(ids.FETCH_PROGRESS, "value"), Output(ids.FETCH_PROGRESS, "max"),
                  Output(ids.FETCH_PROGRESS_LABEL, "children")],
        # The label and bar start from nothing, in the same step that shows them.
        running=[(Output(ids.FETCH_PROGRESS_WRAP, "style"), SHOW, HIDE),
                 (Output(ids.FETCH_PROGRESS_LABEL, "children"), CONNECTING, ""),
                 (Output(ids.FETCH_PROGRESS, "value"), 0, 0),
                 (Output(ids.CANCEL_BUTTON, "style"), {"display": "inline-block"}, HIDE),
                 (Output(ids.REFRESH_BUTTON, "disabled"), True, False),
                 (Output(ids.FULL_REFRESH_BUTTON, "disabled"), True, False),
                 (Output(ids.FETCH_RUNNING, "data"), True, False)],
        cancel=[Input(ids.CANCEL_BUTTON, "n_clicks")],
        prevent_initial_call=True,
    )
    def fetch(set_progress, _refresh, _full, _auto, _saved, _page_load):
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
                  Output(ids.FETCH_WATCH_STATE, "data", allow_duplicate=True),
                  Input(ids.CANCEL_BUTTON, "n_clicks"), prevent_initial_call=True)
    def cancelled(clicks):
        if not clicks:
            raise dash.exceptions.PreventUpdate
        return cancelled_alert(data_age(runtime)), {"cancelled": True}

    register_watch(app, runtime)


def register_watch(app: dash.Dash, runtime: Runtime) -> None:
    """Team mode: report a fetch whose job ended without a result (see *silent end*)."""

    @app.callback(Output(ids.FETCH_WATCH_STATE, "data"), Output(ids.FETCH_WATCH, "disabled"),
                  Input(ids.FETCH_RUNNING, "data"), prevent_initial_call=True)
    def watch_start(running):
        if not runtime.team:
            raise dash.exceptions.PreventUpdate
        if running:  # a new run: remember when it started, no checks while it runs
            return {"started": datetime.now(UTC).isoformat()}, True
        return dash.no_update, False  # it ended: check until its outcome is known

    @app.callback(Output(ids.FETCH_ALERT, "children", allow_duplicate=True),
                  Output(ids.FETCH_WATCH, "disabled", allow_duplicate=True),
                  Input(ids.FETCH_WATCH, "n_intervals"), State(ids.FETCH_WATCH_STATE, "data"),
                  State(ids.FETCH_RESULT, "data"), prevent_initial_call=True)
    def watch(_ticks, state, result):
        return watch_outcome(runtime, state, result)


def watch_outcome(runtime: Runtime, state: dict | None,
                  result: dict | None) -> tuple[object, bool]:
    """(alert or no_update, whether to stop watching) for one watcher tick."""
    started = (state or {}).get("started")
    if not started or _answered_since(result, started):
        return dash.no_update, True  # cancelled, or the run's own result arrived
    status = runtime.flight_status()
    if status is None or status.state in ("done", "idle"):
        return dash.no_update, True  # nothing went wrong that the user must hear of
    if status.state == "running":
        return dash.no_update, False  # the flight this job followed is still going
    if status.state == "failed" and status.error_type == JiraCancelled.__name__:
        return dash.no_update, True  # a user's own choice; a follower took over
    error = status.error if status.state == "failed" else None
    return interrupted_alert(error, data_age=data_age(runtime)), True


def _answered_since(result: dict | None, started: str) -> bool:
    """Whether ``result`` came from a run that ended after ``started`` (ISO times)."""
    if not result or not result.get("at"):
        return False
    return datetime.fromisoformat(result["at"]) >= datetime.fromisoformat(started)


def data_age(runtime: Runtime) -> str | None:
    """How old the data on the pages is ("5 min"), or None when there is none."""
    last = runtime.last_sync()
    return None if last is None else fmt.age((datetime.now(UTC) - last).total_seconds())
