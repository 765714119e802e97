"""Edits of the ``profiles`` object for the Settings page (no Dash, no I/O).

Terms:

- *profiles*: the plain JSON ``{"NAME": {...}}`` of ``settings.json``.
- *editor fields*: what the Settings page's profile editor shows for one profile:
  ``jql``, ``active``/``waiting``/``done`` (status names, comma separated),
  ``period`` (days), ``filter`` (one clause per line) and ``other`` (a JSON object
  of any further overrides: flow types, DORA sources and fields...). An empty field
  is *inherited*: the profile does not override it, and the page shows the top
  level's value in its place (:func:`inherited_fields`).

Every edit returns a new profiles object; the caller saves it through the same
validated, atomic save as every setting (a bad result is refused there, naming
``profiles.NAME.key``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from configuration.errors import ConfigError
from configuration.profiles import DEFAULT
from configuration.settings import Settings

Profiles = dict[str, Any]
WORKFLOW = {"active": "active_statuses", "waiting": "waiting_statuses",
            "done": "done_statuses"}
FIELDS = ("jql", "active", "waiting", "done", "period", "filter", "other")


def _need_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ConfigError("Type a name for the profile.")
    if name == DEFAULT:
        raise ConfigError(f'"{DEFAULT}" is the top level; choose another name.')
    return name


def create(profiles: Mapping[str, Any], name: str | None) -> Profiles:
    """A new, empty profile (it inherits everything)."""
    name = _need_name(name)
    if name in profiles:
        raise ConfigError(f'A profile named "{name}" already exists.')
    return {**copy.deepcopy(dict(profiles)), name: {}}


def copy_of(profiles: Mapping[str, Any], source: str | None, name: str | None) -> Profiles:
    """A new profile holding the overrides of ``source``."""
    if source not in profiles:
        raise ConfigError("Choose the profile to copy.")
    created = create(profiles, name)
    created[_need_name(name)] = copy.deepcopy(profiles[source])
    return created


def rename(profiles: Mapping[str, Any], old: str | None, new: str | None) -> Profiles:
    """``old`` under the name ``new``, keeping its place in the order."""
    new = _need_name(new)
    if old not in profiles:
        raise ConfigError("Choose the profile to rename.")
    if new != old and new in profiles:
        raise ConfigError(f'A profile named "{new}" already exists.')
    return {new if key == old else key: copy.deepcopy(value) for key, value in profiles.items()}


def delete(profiles: Mapping[str, Any], name: str | None) -> Profiles:
    if name not in profiles:
        raise ConfigError("Choose the profile to delete.")
    return {key: copy.deepcopy(value) for key, value in profiles.items() if key != name}


def _names_text(names: Any) -> str:
    return ", ".join(names) if isinstance(names, list | tuple) else ""


def to_fields(override: Mapping[str, Any]) -> dict[str, Any]:
    """The editor fields of one profile's overrides (empty: inherited)."""
    rest = copy.deepcopy(dict(override))
    jira = rest.pop("jira", {}) if isinstance(rest.get("jira"), Mapping) else {}
    workflow = rest.pop("workflow", {}) if isinstance(rest.get("workflow"), Mapping) else {}
    fields = {"jql": jira.pop("jql", "") or "",
              "period": rest.pop("period_days", None),
              "filter": "\n".join(rest.pop("filter", []) or [])}
    for field, key in WORKFLOW.items():
        fields[field] = _names_text(workflow.pop(key, None))
    if jira:
        rest["jira"] = jira
    if workflow:
        rest["workflow"] = workflow
    fields["other"] = json.dumps(rest, indent=2) if rest else ""
    return fields


def from_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """One profile's overrides from the editor fields; ``ConfigError`` for bad JSON."""
    other_text = (fields.get("other") or "").strip()
    try:
        override = json.loads(other_text) if other_text else {}
    except json.JSONDecodeError as err:
        raise ConfigError(f"Other overrides are not valid JSON: {err.msg} at line "
                          f"{err.lineno}.") from None
    if not isinstance(override, dict):
        raise ConfigError("Other overrides must be a JSON object such as "
                          '{"flow_types": {"defect": ["Bug"]}}.')
    if (jql := (fields.get("jql") or "").strip()):
        override.setdefault("jira", {})["jql"] = jql
    for field, key in WORKFLOW.items():
        names = [n.strip() for n in (fields.get(field) or "").split(",") if n.strip()]
        if names:
            override.setdefault("workflow", {})[key] = names
    if fields.get("period") not in (None, ""):
        override["period_days"] = fields["period"]
    clauses = [line.strip() for line in (fields.get("filter") or "").splitlines()
               if line.strip()]
    if clauses:
        override["filter"] = clauses
    return override


def inherited_fields(top: Settings) -> dict[str, str]:
    """What each empty editor field inherits from the top level, as text."""
    workflow = top.workflow
    texts = {field: _names_text(getattr(workflow, key)) or "JIRA's status categories"
             for field, key in WORKFLOW.items()}
    return {"jql": top.jira.jql or "(not set)", **texts, "period": str(top.period_days),
            "filter": "(no filter: every issue of the query)",
            "other": "flow types, DORA sources and fields as in the settings above"}
