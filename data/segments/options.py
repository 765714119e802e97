"""The values the dashboard's filter bar offers per field, from the fetched issues.

Terms: a *choice* is ``(value, label)``: the value goes into the clause, the label is
what the person reads (a parent shows ``KEY · its summary``). Values are the distinct
spellings found in the store, sorted case-insensitively; nothing here asks JIRA.
"""

from __future__ import annotations

import pandas as pd

from configuration.filters import CUSTOM_FIELD, FILTER_FIELDS
from configuration.settings import Settings
from data.issues.frames import IssueFrames

Choice = tuple[str, str]
FIELD_LABELS = {
    "type": "Type", "status": "Status", "component": "Component", "label": "Label",
    "fixversion": "Fix version", "parent": "Parent / epic", "priority": "Priority",
    "assignee": "Assignee",
}
_VALUE_FIELD = {"component": "components", "label": "labels", "priority": "priority",
                "assignee": "assignee", "parent": "parent"}


def filter_fields(settings: Settings) -> list[Choice]:
    """The fields the bar offers: the built-in ones, then the chosen custom fields."""
    return [(f, FIELD_LABELS[f]) for f in FILTER_FIELDS] + [
        # A profile's store fields may add system field ids (data.profiles): not offered.
        (f, f) for f in settings.filter_fields if CUSTOM_FIELD.match(f)
    ]


def filter_choices(frames: IssueFrames, field: str) -> list[Choice]:
    """Every value of ``field`` among the fetched issues, as choices."""
    if field == "type":
        values = frames.issues["issue_type"]
    elif field == "status":
        values = pd.concat([frames.statuses["name"], frames.issues["status"]])
    elif field == "fixversion":
        values = frames.versions.loc[frames.versions["relation"] == "fix", "name"]
    else:
        rows = frames.field_values
        values = rows.loc[rows["field_id"] == _VALUE_FIELD.get(field, field), "value"]
    distinct = sorted({str(v) for v in values if str(v)}, key=lambda v: (v.casefold(), v))
    if field == "parent":
        return [(key, label) for key, label in _parent_labels(frames, distinct)]
    return [(value, value) for value in distinct]


def _parent_labels(frames: IssueFrames, keys: list[str]) -> list[Choice]:
    """``KEY · summary``: the parent's own row when fetched, else a child's copy of it."""
    issues = frames.issues
    own = dict(zip(issues["key"], issues["summary"], strict=True))
    rows = frames.field_values[frames.field_values["field_id"] == "parent"]
    copied = dict(zip(rows["value"], rows["issue_id"].map(
        dict(zip(issues["issue_id"], issues["parent_summary"], strict=True))), strict=True))
    labels = []
    for key in keys:
        summary = own.get(key) or copied.get(key) or ""
        labels.append((key, f"{key} · {summary}" if summary else key))
    return labels
