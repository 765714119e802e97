"""Settings page callbacks: test connection, validate JQL, load JIRA metadata, save.

Each unpacks the form, calls ``data/`` (the JIRA client, the runtime's save) and
hands the outcome to ``ui/``. The token typed into the form is used for the
request and then dropped; it is never part of any callback response. Without a
typed token the saved one is used, but only for the JIRA it was saved for
(:mod:`configuration.token_binding`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, html
from dash.development.base_component import Component

from callbacks import settings_meta
from callbacks.runtime import Runtime, error_message
from callbacks.settings_form import feedback_for, form_to_raw, missing_required
from configuration.errors import ConfigError, DashboardError, JiraQueryError
from configuration.settings import JiraSettings
from configuration.token_binding import RETYPE_TOKEN, same_binding
from configuration.validation import SettingsInvalid, checked_url, parse_settings, problems_of
from data.jira.client import JiraClient
from data.jira.retry import INTERACTIVE
from ui import ids
from ui.pages.settings import demo_style, email_row_style

FORM_KEYS = tuple(ids.SETTINGS_INPUTS)
FORM_STATES = [State(ids.SETTINGS_INPUTS[k], "value") for k in FORM_KEYS]


def _form(values: tuple) -> dict[str, Any]:
    return dict(zip(FORM_KEYS, values, strict=True))


def jira_from_form(runtime: Runtime, form: Mapping[str, Any]) -> JiraSettings:
    """The connection the form describes; the saved token unless one was typed.

    The URL is checked as a save checks it, and the saved token only goes to the
    JIRA it was saved for (:mod:`configuration.token_binding`): a changed origin,
    auth mode or e-mail without a typed token is a ConfigError, before any request.
    """
    typed = (form.get("jira.token") or "").strip()
    current = runtime.settings.jira
    jira = replace(current, url=checked_url((form.get("jira.url") or "").strip() or None),
                   flavor=form.get("jira.flavor") or current.flavor,
                   auth=form.get("jira.auth") or current.auth,
                   email=(form.get("jira.email") or "").strip() or None,
                   token=typed or None,
                   jql=(form.get("jira.jql") or "").strip() or None)
    if typed or not current.token:
        return jira
    if not same_binding(current, jira):
        raise ConfigError(RETYPE_TOKEN, "jira.token")
    return replace(jira, token=current.token)


def with_client(jira: JiraSettings, action: Callable[[JiraClient], Any]) -> Any:
    # A person waits for these buttons: one attempt each, no retry (issue 11 item 8).
    with JiraClient(jira, policy=INTERACTIVE) as client:
        return action(client)


def alert(text, color: str) -> Component:
    return dbc.Alert(text, color=color, className="py-2 mb-0")


def test_connection(runtime: Runtime, form: Mapping[str, Any]) -> Component:
    try:
        info = with_client(jira_from_form(runtime, form), JiraClient.test_connection)
    except DashboardError as exc:
        return alert(error_message(exc), "danger")
    server = " ".join(p for p in (info.server_title, info.server_version) if p)
    kind = f" ({info.deployment_type})" if info.deployment_type else ""
    return alert([html.Strong("Connected. "), f"Signed in as {info.user_display_name} on "
                  f"{server or 'JIRA'}{kind}."], "success")


def validate_jql(runtime: Runtime, form: Mapping[str, Any]) -> Component:
    if not (form.get("jira.jql") or "").strip():
        return alert("Enter a JQL query first, e.g. project = DEMO.", "warning")
    try:
        jira = jira_from_form(runtime, form)
        count = with_client(jira, lambda c: c.validate_jql(jira.jql))
    except DashboardError as exc:  # JiraQueryError carries JIRA's own text
        return html.Div(error_message(exc), className="invalid-feedback d-block jql-error")
    return alert(f"Valid query: {count:,} matching issues.", "success")


def load_meta(runtime: Runtime, form: Mapping[str, Any]) -> dict:
    """JIRA's fields, statuses and issue types for the form's connection, each on its own
    (:func:`callbacks.settings_meta.load_lists`)."""
    return settings_meta.load_lists(jira_from_form(runtime, form))


def jql_problem(runtime: Runtime, jira: JiraSettings) -> str | None:
    """JIRA's own complaint about a new or moved query, or None.

    Only a query JIRA rejects blocks the save; when JIRA cannot be asked (down,
    credentials still to come) the save goes on and the next fetch will tell.
    """
    current = runtime.settings.jira
    if not jira.jql or (jira.jql, jira.url) == (current.jql, current.url):
        return None
    if not jira.token and same_binding(current, jira):
        jira = replace(jira, token=current.token)
    try:
        with_client(jira, lambda c: c.validate_jql(jira.jql))
    except JiraQueryError as exc:
        return str(exc)
    except ConfigError:
        raise  # e.g. an address a shared dashboard never contacts: not saved
    except DashboardError:
        return None
    return None


def _check(runtime: Runtime, form: Mapping[str, Any], raw: dict[str, Any]) -> None:
    """Raise SettingsInvalid with every problem: empty required values, the rules,
    then (only for an otherwise valid form) JIRA's own verdict on the query."""
    problems = missing_required(form)
    try:
        jira = parse_settings(raw).jira
    except SettingsInvalid as exc:
        missing = {key for key, _ in problems}
        raise SettingsInvalid(problems + [p for p in exc.problems if p[0] not in missing]) \
            from None
    if problems:
        raise SettingsInvalid(problems)
    refusal = runtime.token_refusal(jira, typed="token" in raw.get("jira", {}))
    if refusal:  # before JQL validation: no request may carry the token elsewhere
        raise SettingsInvalid([("jira.token", refusal)])
    problem = jql_problem(runtime, jira)
    if problem:
        raise SettingsInvalid([("jira.jql", problem)])


def save(runtime: Runtime, form: Mapping[str, Any],
         keys: list[str]) -> tuple[list[str], Component, bool | None]:
    """Validate (JQL by JIRA too) and save; returns (feedback per key, summary, fetch?).

    ``fetch?`` is None when nothing was saved.
    """
    raw = form_to_raw(form, runtime.public_settings(), token=form.get("jira.token"))
    still_demo = runtime.simulator is not None and \
        raw.get("jira", {}).get("url") == runtime.simulator.url
    try:
        _check(runtime, form, raw)
        needs_fetch = runtime.save(raw)
    except ConfigError as exc:
        per_key, unplaced = feedback_for(problems_of(exc), keys)
        summary = alert(["Nothing was saved: fix the fields marked in red.",
                         *[html.Div(p) for p in unplaced]], "danger")
        return [per_key.get(k, "") for k in keys], summary, None
    note = ("Saved. Fetching the issues the new settings need…" if needs_fetch else
            "Saved. The pages were recomputed from the cache.")
    if still_demo:
        note += (" The JIRA URL is still the built-in demo simulator, which runs only "
                 "while no settings file exists: enter your JIRA's URL to connect it.")
    return [""] * len(keys), alert(note, "success"), needs_fetch


SAVED_CLEARS = (Output(ids.DEMO_BADGE, "style"), Output(ids.SETTINGS_DEMO_INTRO, "style"),
                Output(ids.SETTINGS_PROBLEM, "children"),
                Output(ids.FETCH_ALERT, "children", allow_duplicate=True))


def saved_and_fetched(result: Mapping[str, Any]) -> Component:
    """The save message once the fetch the save started has ended."""
    if result.get("ok"):
        return alert(f"Saved. {result.get('summary') or 'Fetched.'}", "success")
    return alert(f"Saved, but the fetch failed: {result.get('error', '')}", "warning")


def _register_form_button(app: dash.Dash, runtime: Runtime, button: str, result: str,
                          action: Callable[[Runtime, Mapping[str, Any]], Component]) -> None:
    """A button that runs ``action`` on the form's current values into ``result``."""
    # Busy state belongs to the button (disabled while it runs) and its message.
    @app.callback(Output(result, "children"), Input(button, "n_clicks"), *FORM_STATES,
                  running=[(Output(button, "disabled"), True, False)],
                  prevent_initial_call=True)
    def on_click(clicks, *values):
        # Buttons that appear with the page still fire once, with no click: ignore it.
        if not clicks:
            raise dash.exceptions.PreventUpdate
        return action(runtime, _form(values))


def register(app: dash.Dash, runtime: Runtime) -> None:
    _register_form_button(app, runtime, ids.SETTINGS_TEST_BUTTON, ids.SETTINGS_TEST_RESULT,
                          test_connection)
    _register_form_button(app, runtime, ids.SETTINGS_VALIDATE_BUTTON,
                          ids.SETTINGS_VALIDATE_RESULT, validate_jql)

    @app.callback(Output(ids.SETTINGS_EMAIL_ROW, "style"),
                  Input(ids.SETTINGS_INPUTS["jira.auth"], "value"), prevent_initial_call=True)
    def show_email(auth):
        return email_row_style(auth)

    settings_meta.register(app, runtime, FORM_STATES, lambda form: jira_from_form(runtime, form))

    @app.callback(Output({"type": ids.SETTINGS_FEEDBACK_TYPE, "key": ALL}, "children"),
                  Output(ids.SETTINGS_SAVE_RESULT, "children"),
                  Output(ids.SETTINGS_INPUTS["jira.token"], "value"),
                  Output(ids.SETTINGS_TOKEN_STATUS, "children"),
                  Output(ids.SAVED_SYNC, "data"),
                  Output(ids.DATA_VERSION, "data", allow_duplicate=True),
                  *SAVED_CLEARS, Input(ids.SETTINGS_SAVE_BUTTON, "n_clicks"), *FORM_STATES,
                  State(ids.DATA_VERSION, "data"), prevent_initial_call=True)
    def on_save(clicks, *values):
        if not clicks:
            raise dash.exceptions.PreventUpdate
        *form_values, version = values
        keys = [o["id"]["key"] for o in dash.ctx.outputs_list[0]]
        feedback, summary, needs_fetch = save(runtime, _form(tuple(form_values)), keys)
        if needs_fetch is None:  # invalid: nothing saved, the typed token stays typed
            return feedback, summary, *[dash.no_update] * (4 + len(SAVED_CLEARS))
        token_note = "Token saved." if runtime.token_saved else "No token saved yet."
        # What the saved settings made stale goes now, without a reload: the demo badge
        # and banner, the settings-file problem, the last fetch's failure.
        cleared = [demo_style(runtime.demo), demo_style(runtime.demo), None, None]
        if needs_fetch:
            return feedback, summary, "", token_note, {"saved": time.time()}, dash.no_update, \
                *cleared
        return feedback, summary, "", token_note, dash.no_update, (version or 0) + 1, *cleared

    @app.callback(Output(ids.SETTINGS_SAVE_RESULT, "children", allow_duplicate=True),
                  Input(ids.FETCH_RESULT, "data"), Input(ids.CANCEL_BUTTON, "n_clicks"),
                  State(ids.SAVED_SYNC, "data"), prevent_initial_call=True)
    def fetched_after_save(result, cancels, saved):
        # "Saved. Fetching…" is replaced by how the fetch the save started ended.
        if not saved:
            raise dash.exceptions.PreventUpdate
        if dash.ctx.triggered_id == ids.CANCEL_BUTTON:
            if not cancels:
                raise dash.exceptions.PreventUpdate
            return alert("Saved. The fetch was cancelled: Refresh fetches the issues the "
                         "new settings need.", "secondary")
        if not result:
            raise dash.exceptions.PreventUpdate
        return saved_and_fetched(result)
