"""The Settings page's profile editor: create, copy, rename, delete and edit profiles
(METRICS.md section 8). Thin by rule: the edits are :mod:`configuration.profile_edits`,
the save is the runtime's validated, atomic save (token binding rules included: a
profile never holds a connection key). The buttons are admin-only
(``ids.ADMIN_BUTTONS``, enforced by :mod:`callbacks.access`)."""

from __future__ import annotations

import time
from typing import Any

import dash
from dash import Input, Output, State, html
from dash.development.base_component import Component

from callbacks.runtime import Runtime
from configuration import profile_edits
from configuration.errors import ConfigError
from configuration.profiles import DEFAULT, resolve_all
from configuration.validation import problems_of
from data import service
from ui import ids
from ui.pages.settings_profiles import profiles_card

FIELD_STATES = [State(ids.PROFILE_EDIT_FIELDS[f], "value") for f in profile_edits.FIELDS]


def editor(runtime: Runtime) -> Component:
    """The editor as the page opens: the first profile chosen, bad profiles listed."""
    names = list(runtime.settings.profiles)
    chosen = names[0] if names else None
    return profiles_card(names, chosen, fields_of(runtime, chosen),
                         profile_edits.inherited_fields(runtime.settings),
                         problem_lines(runtime))


def fields_of(runtime: Runtime, name: str | None) -> dict[str, Any]:
    profiles = runtime.public_settings().get("profiles", {})
    return profile_edits.to_fields(profiles.get(name, {}) if name else {})


def problem_lines(runtime: Runtime) -> list[str]:
    _good, problems = resolve_all(runtime.settings)
    return [f"{key}: {message}" for key, message in problems]


def apply_action(runtime: Runtime, action: str, chosen: str | None, name: str | None,
                 fields: dict[str, Any]) -> tuple[str | None, str]:
    """Do ``action`` and save; returns (the profile to show, what happened)."""
    raw = runtime.public_settings()
    profiles = raw.get("profiles", {})
    if action == ids.PROFILE_EDIT_NEW:
        profiles, shown = profile_edits.create(profiles, name), (name or "").strip()
    elif action == ids.PROFILE_EDIT_COPY:
        profiles, shown = profile_edits.copy_of(profiles, chosen, name), (name or "").strip()
    elif action == ids.PROFILE_EDIT_RENAME:
        profiles, shown = profile_edits.rename(profiles, chosen, name), (name or "").strip()
    elif action == ids.PROFILE_EDIT_DELETE:
        profiles = profile_edits.delete(profiles, chosen)
        shown = next(iter(profiles), None)
    else:
        if chosen not in profiles:
            raise ConfigError("Choose or create a profile first.")
        profiles = {**profiles, chosen: profile_edits.from_fields(fields)}
        shown = chosen
    runtime.save({**raw, "profiles": profiles})
    return shown, f"Saved. Profiles: {', '.join([DEFAULT, *profiles])}."


def needs_fetch(runtime: Runtime) -> bool:
    """A profile's query has no stored issues yet (a new JQL): a fetch gets them."""
    return any(service.load_cached(p.settings, cache_dir=runtime.cache_dir) is None
               for p in runtime.profiles().values())


def register(app: dash.Dash, runtime: Runtime) -> None:
    @app.callback(
        Output(ids.PROFILE_EDIT_PICK, "options"), Output(ids.PROFILE_EDIT_PICK, "value"),
        Output(ids.PROFILE_EDIT_RESULT, "children"),
        Output(ids.PROFILE_EDIT_PROBLEMS, "children"),
        Output(ids.DATA_VERSION, "data", allow_duplicate=True),
        Output(ids.SAVED_SYNC, "data", allow_duplicate=True),
        *[Input(button, "n_clicks") for button in sorted(ids.PROFILE_EDIT_BUTTONS)],
        State(ids.PROFILE_EDIT_PICK, "value"), State(ids.PROFILE_EDIT_NAME, "value"),
        *FIELD_STATES, State(ids.DATA_VERSION, "data"), prevent_initial_call=True)
    def act(*args):
        action = dash.ctx.triggered_id
        buttons = len(ids.PROFILE_EDIT_BUTTONS)
        if action is None or not any(args[:buttons]):
            raise dash.exceptions.PreventUpdate
        chosen, name, *values, version = args[buttons:]
        fields = dict(zip(profile_edits.FIELDS, values, strict=True))
        try:
            shown, note = apply_action(runtime, action, chosen, name, fields)
        except ConfigError as exc:
            lines = [f"{k}: {m}" if k else m for k, m in problems_of(exc)]
            message = html.Div(["Nothing was saved. ", *[html.Div(x) for x in lines]],
                               className="alert alert-danger py-2")
            return (dash.no_update,) * 2 + (message,) + (dash.no_update,) * 3
        names = list(runtime.settings.profiles)
        fetch = {"saved": time.time()} if needs_fetch(runtime) else dash.no_update
        return ([{"label": n, "value": n} for n in names], shown,
                html.Div(note, className="alert alert-success py-2"), problem_lines(runtime),
                (version or 0) + 1, fetch)

    @app.callback(*[Output(ids.PROFILE_EDIT_FIELDS[f], "value") for f in profile_edits.FIELDS],
                  Input(ids.PROFILE_EDIT_PICK, "value"), prevent_initial_call=True)
    def show(name):
        fields = fields_of(runtime, name)
        return [fields[f] for f in profile_edits.FIELDS]
