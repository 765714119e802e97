"""The Settings dropdowns follow the connected JIRA (issue 10, item 3).

Terms:

- *JIRA metadata* (``meta``): what the dropdowns are filled from (see
  :mod:`ui.pages.settings`), plus the ``url`` it was loaded from and ``failed``:
  ``{list: message}`` for each list JIRA did not give. The three *lists* (fields,
  statuses, issue types) are asked for one by one, so one failing endpoint loses
  only its own list, and the message says which.
- *mapping keys*: every form value that names something in one JIRA (field ids,
  status and issue type names, field values). In demo mode they hold the demo's
  names; when the URL moves away from the demo simulator they go back to the
  defaults of METRICS.md section 5, and come back when it returns.
- *missing mapping*: a mapped field id, status or issue type the connected JIRA
  does not have; the load message names each with its form label.

The metadata is loaded when the page opens, on "Reload fields and statuses", and
after every successful Test connection (its message turns green); it is kept in
``SETTINGS_JIRA_META`` so a redrawn page shows JIRA's names without asking again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dash
from dash import Input, Output, State, html
from dash.development.base_component import Component

from callbacks.runtime import Runtime, error_message
from callbacks.settings_form import mapping_form_values
from configuration.errors import DashboardError
from configuration.settings import JiraSettings, Settings
from configuration.validation import settings_to_dict
from data.jira.client import JiraClient
from data.jira.retry import INTERACTIVE
from ui import ids
from ui.pages.settings import (
    LABELS,
    NUMBER_FIELD_KEYS,
    field_options,
    status_options,
    status_preselection,
    type_options,
)

FORM_KEYS = tuple(ids.SETTINGS_INPUTS)
FIELD_KEYS = tuple(k for k in FORM_KEYS if k.endswith("_field"))
STATUS_KEYS = tuple(k for k in FORM_KEYS if k.startswith("workflow."))
TYPE_KEYS = tuple(k for k in FORM_KEYS if k.startswith("flow_types.") or
                  k.endswith("issue_types"))
VALUE_KEYS = tuple(k for k in FORM_KEYS if k.endswith("_values"))
MAPPING_KEYS = FIELD_KEYS + STATUS_KEYS + TYPE_KEYS + VALUE_KEYS
LIST_WORDS = {"fields": "fields", "statuses": "statuses", "issue_types": "issue types"}


def _fields(raw: list[dict]) -> list[dict]:
    """Id, name and JIRA's schema type (``number`` for story points) of each field."""
    return [{"id": f.get("id"), "name": f.get("name"),
             "type": (f.get("schema") or {}).get("type")} for f in raw if f.get("id")]


def _statuses(raw: list[dict]) -> list[dict]:
    by_name = {s.get("name"): {"name": s.get("name"), "category": (
        s.get("statusCategory") or {}).get("key", "")} for s in raw if s.get("name")}
    return list(by_name.values())


def _issue_types(raw: list[dict]) -> list[str]:
    return sorted({t.get("name") for t in raw if t.get("name")})


LISTS: dict[str, tuple[Callable[[JiraClient], list[dict]], Callable[[list[dict]], Any]]] = {
    "fields": (JiraClient.fields, _fields),
    "statuses": (JiraClient.statuses, _statuses),
    "issue_types": (JiraClient.issue_types, _issue_types),
}


def load_lists(jira: JiraSettings) -> dict[str, Any]:
    """Each list JIRA gives, and why each other one failed (see the module docstring)."""
    meta: dict[str, Any] = {"url": jira.url, "failed": {}}
    with JiraClient(jira, policy=INTERACTIVE) as client:
        for name, (ask, reduce) in LISTS.items():
            try:
                meta[name] = reduce(ask(client))
            except DashboardError as exc:
                meta["failed"][name] = error_message(exc)
    return meta


def dropdown_updates(meta: Mapping[str, Any], form: Mapping[str, Any]) -> list:
    """Options for every field, status and issue-type dropdown (and the status picks);
    ``no_update`` for the dropdowns of a list that did not load."""
    keep = dash.no_update
    fields = meta.get("fields")
    statuses = meta.get("statuses")
    types = meta.get("issue_types")
    field_updates = [keep if fields is None else field_options(
        fields, [form.get(k)], numbers_only=k in NUMBER_FIELD_KEYS) for k in FIELD_KEYS]
    status_updates, status_values = [], []
    for key in STATUS_KEYS:
        if statuses is None:
            status_updates.append(keep)
            status_values.append(keep)
            continue
        chosen = form.get(key) or status_preselection(key, statuses)
        status_updates.append(status_options(statuses, chosen))
        status_values.append(chosen)
    type_updates = [keep if types is None else type_options(types, form.get(k) or ())
                    for k in TYPE_KEYS]
    return [*field_updates, *status_updates, *status_values, *type_updates]


def missing_mappings(meta: Mapping[str, Any], form: Mapping[str, Any]) -> list[str]:
    """``"Incident start field: customfield_10070"`` for each mapping JIRA lacks."""
    known = {
        FIELD_KEYS: {f["id"] for f in meta.get("fields") or ()} if "fields" in meta else None,
        STATUS_KEYS: ({s["name"].casefold() for s in meta["statuses"]}
                      if "statuses" in meta else None),
        TYPE_KEYS: ({t.casefold() for t in meta["issue_types"]}
                    if "issue_types" in meta else None),
    }
    missing = []
    for keys, names in known.items():
        if names is None:  # not loaded: nothing can be said
            continue
        for key in keys:
            value = form.get(key)
            chosen = [value] if isinstance(value, str) else list(value or ())
            absent = [c for c in chosen if c and (c if keys is FIELD_KEYS
                                                  else c.casefold()) not in names]
            if absent:
                missing.append(f"{LABELS[key]}: {', '.join(absent)}")
    return missing


def load_message(meta: Mapping[str, Any], form: Mapping[str, Any]) -> Component:
    """``Loaded N fields…`` for what loaded; each failed list and missing mapping named."""
    loaded = [f"{len(meta[name]):,} {words}" for name, words in LIST_WORDS.items()
              if name in meta]
    parts: list[Any] = []
    if loaded:
        joined = ", ".join(loaded[:-1]) + (" and " if len(loaded) > 1 else "") + loaded[-1]
        parts.append(html.Div(f"Loaded {joined} from JIRA.", className="text-muted small"))
    parts += [html.Div(f"Could not load the {LIST_WORDS[name]}: {message}",
                       className="text-danger small load-failed")
              for name, message in meta.get("failed", {}).items()]
    missing = missing_mappings(meta, form)
    if missing:
        parts.append(html.Div([html.Strong("Not found in this JIRA: "), "; ".join(missing),
                               ". Pick what this JIRA calls them, or clear them."],
                              className="text-danger small missing-mappings"))
    return html.Div(parts, className="load-result")


def connected(tested: Any) -> bool:
    """Whether Test connection's message (as the browser sends it back) is a success."""
    props = tested.get("props", {}) if isinstance(tested, Mapping) else {}
    return props.get("color") == "success"


def mapping_reset(runtime: Runtime, url: str | None, source: str | None) -> tuple[str, dict]:
    """Which mappings the form should show for ``url`` (``"demo"`` or ``"defaults"``)
    and their form values; the source stays as it is outside demo mode."""
    simulator = runtime.simulator
    if simulator is None or not runtime.mappings_from_demo:
        return source or "saved", {}
    wanted = "demo" if (url or "").strip().rstrip("/") == simulator.url else "defaults"
    if wanted == source:
        return source, {}
    raw = runtime.public_settings() if wanted == "demo" else settings_to_dict(Settings())
    return wanted, mapping_form_values(raw, MAPPING_KEYS)


def register(app: dash.Dash, runtime: Runtime, form_states: list[State],
             jira_for: Callable[[Mapping[str, Any]], JiraSettings]) -> None:
    """``jira_for(form)``: the connection the form describes; raises ConfigError before
    any request when it cannot be used (a bad URL, a token bound to another JIRA)."""
    outputs = ([Output(ids.SETTINGS_INPUTS[k], "options") for k in FIELD_KEYS]
               + [Output(ids.SETTINGS_INPUTS[k], "options") for k in STATUS_KEYS]
               + [Output(ids.SETTINGS_INPUTS[k], "value") for k in STATUS_KEYS]
               + [Output(ids.SETTINGS_INPUTS[k], "options") for k in TYPE_KEYS])

    @app.callback(Output(ids.SETTINGS_LOAD_RESULT, "children"),
                  Output(ids.SETTINGS_JIRA_META, "data"), *outputs,
                  Input(ids.SETTINGS_LOAD_BUTTON, "n_clicks"),
                  Input(ids.SETTINGS_TEST_RESULT, "children"), *form_states,
                  running=[(Output(ids.SETTINGS_LOAD_BUTTON, "disabled"), True, False)])
    def on_load(_clicks, tested, *values):
        # A successful Test connection reloads the dropdowns from that JIRA.
        if dash.ctx.triggered_id == ids.SETTINGS_TEST_RESULT and not connected(tested):
            raise dash.exceptions.PreventUpdate
        form = dict(zip(FORM_KEYS, values, strict=True))
        try:
            meta = load_lists(jira_for(form))
        except DashboardError as exc:
            note = html.Div(f"Could not load from JIRA: {error_message(exc)}",
                            className="text-danger small load-failed")
            return [note, dash.no_update] + [dash.no_update] * len(outputs)
        return [load_message(meta, form), meta, *dropdown_updates(meta, form)]

    @app.callback(Output(ids.SETTINGS_MAPPINGS_FROM, "data"),
                  *[Output(ids.SETTINGS_INPUTS[k], "value", allow_duplicate=True)
                    for k in MAPPING_KEYS],
                  Input(ids.SETTINGS_INPUTS["jira.url"], "value"),
                  State(ids.SETTINGS_MAPPINGS_FROM, "data"), prevent_initial_call=True)
    def follow_url(url, source):
        # The demo's field ids and names mean nothing in another JIRA.
        wanted, values = mapping_reset(runtime, url, source)
        if not values:
            raise dash.exceptions.PreventUpdate
        return wanted, *[values[k] for k in MAPPING_KEYS]
