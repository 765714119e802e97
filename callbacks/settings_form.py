"""Between the Settings form and the settings dict: pure conversions, no Dash.

*Form values* are the raw values of the inputs keyed by dotted settings key (see
``ui.ids.SETTINGS_INPUTS``); the *base* is the current settings dict without the
token, which keeps every key the form does not show (page size, rate limit, ...).
The token is only added when the user typed one.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from configuration.settings import FLOW_TYPES

TEXT_KEYS = ("jira.url", "jira.email", "jira.jql")
VALUE_LIST_KEYS = ("dora.deployments.production_values", "dora.deployments.failure_values",
                   "dora.incidents.production_values")
STATUS_KEYS = ("workflow.active_statuses", "workflow.waiting_statuses",
               "workflow.done_statuses")


# Keys a saved form must fill: without them no fetch can run, and the pages would say
# "No data yet" over a full cache. (A settings *file* may leave them null: the
# dashboard then starts and asks for them here.)
REQUIRED = {
    "jira.url": "Enter your JIRA's URL, e.g. https://your-domain.atlassian.net.",
    "jira.jql": "Enter a JQL query, e.g. project = DEMO.",
}


def missing_required(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(key, message)`` for each required form value left empty or blank."""
    return [(key, message) for key, message in REQUIRED.items() if _text(values.get(key)) is None]


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _split(value: Any) -> list[str]:
    """``"Production, Prod"`` -> ``["Production", "Prod"]`` (a list passes through)."""
    parts = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return [str(p).strip() for p in parts if str(p).strip()]


def _names(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, Sequence) and not isinstance(
        value, str) else ([] if value in (None, "") else [str(value)])


def _period(value: Any) -> Any:
    # Whole numbers become int; anything else is passed on for validation to reject.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _convert(key: str, value: Any) -> Any:
    if key in TEXT_KEYS or key.endswith("_field"):
        return _text(value)
    if key in VALUE_LIST_KEYS:
        return _split(value)
    if key in STATUS_KEYS:
        names = _names(value)
        return names or None  # nothing chosen: default to JIRA's status categories
    if key.startswith("flow_types.") or key.endswith("issue_types"):
        return _names(value)
    if key == "period_days":
        return _period(value)
    if key == "filter_fields":
        return _names(value)
    return value


def mapping_form_values(raw: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """The form values of ``keys`` for the settings dict ``raw`` (the form's own shapes:
    free values as one comma-separated line, unset status lists as ``[]``)."""
    values = {}
    for key in keys:
        node: Any = raw
        for part in key.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if key in VALUE_LIST_KEYS:
            node = ", ".join(node or ())
        elif (key in STATUS_KEYS or key.startswith("flow_types.") or key.endswith("issue_types")
              or key == "filter_fields"):
            node = list(node or ())
        values[key] = node
    return values


def _assign(raw: dict[str, Any], dotted: str, value: Any) -> None:
    node = raw
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def form_to_raw(values: Mapping[str, Any], base: Mapping[str, Any],
                token: str | None = None) -> dict[str, Any]:
    """The settings dict the form describes, on top of ``base`` (without a token)."""
    raw = copy.deepcopy(dict(base))
    raw.get("jira", {}).pop("token", None)
    for key, value in values.items():
        if key == "jira.token":
            continue
        _assign(raw, key, _convert(key, value))
    raw["flow_types"] = {t: raw.get("flow_types", {}).get(t, []) for t in FLOW_TYPES}
    if token and token.strip():
        raw.setdefault("jira", {})["token"] = token.strip()
    return raw


def feedback_for(problems: Sequence[tuple[str | None, str]],
                 keys: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Problems per form key, and the ones no form field shows (listed in the summary).

    A problem about a nested key (``flow_types.feature[0]``) goes to the closest
    form field whose key starts it.
    """
    per_key: dict[str, str] = {}
    unplaced: list[str] = []
    for key, message in problems:
        target = _closest(key or "", keys)
        if target is None:
            unplaced.append(f"{key}: {message}" if key else message)
        else:
            per_key[target] = f"{per_key[target]} {message}" if target in per_key else message
    return per_key, unplaced


def _closest(key: str, keys: Sequence[str]) -> str | None:
    candidates = [k for k in keys if key == k or key.startswith((f"{k}.", f"{k}["))]
    return max(candidates, key=len) if candidates else None
