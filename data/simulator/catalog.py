"""The demo project's catalog: statuses, issue types and fields, as JIRA's REST API lists them.

Terms:

- *status category*: JIRA's ``new`` (not started), ``indeterminate`` (in progress) or
  ``done``; every status belongs to one.
- *field catalog*: what ``GET /rest/api/{2,3}/field`` returns: system fields and the
  demo's custom fields (``customfield_100nn``) with their schema.

The server answers the discovery endpoints from these lists and resolves JQL values
(``status = Done``) against them.
"""

from __future__ import annotations

from typing import Any

PROJECT = {"id": "10000", "key": "DEMO", "name": "Demo Project"}

# (id, name, category key) in workflow order.
_STATUSES = (
    ("10000", "To Do", "new"),
    ("3", "In Progress", "indeterminate"),
    ("10001", "In Review", "indeterminate"),
    ("10002", "Ready for QA", "indeterminate"),
    ("10003", "Blocked", "indeterminate"),
    ("10004", "Done", "done"),
    ("6", "Closed", "done"),
)
_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {
        "id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress",
    },
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
_ISSUE_TYPES = (
    ("10001", "Story", "A user-facing feature."),
    ("10004", "Bug", "A defect in shipped work."),
    ("10005", "Tech Debt", "Work that pays down technical debt."),
    ("10006", "Vulnerability", "A security risk to fix."),
    ("10008", "Incident", "A production incident."),
    ("10010", "Deployment", "A record of one deployment."),
    ("10002", "Task", "Any other work."),
)
# (id, name, schema type, custom type or None)
_CUSTOM_FIELDS = (
    ("customfield_10016", "Story Points", "number", "float"),
    ("customfield_10050", "Environment", "option", "select"),
    ("customfield_10051", "Deployment Failed", "option", "select"),
    ("customfield_10060", "Deployed At", "datetime", "datetime"),
    ("customfield_10070", "Impact Start", "datetime", "datetime"),
    ("customfield_10071", "Impact End", "datetime", "datetime"),
    ("customfield_10075", "Deployment Day", "date", "datepicker"),
    ("customfield_10080", "Teams", "array", "labels"),
)
_SYSTEM_FIELDS = (
    ("summary", "Summary", "string"),
    ("issuetype", "Issue Type", "issuetype"),
    ("status", "Status", "status"),
    ("project", "Project", "project"),
    ("created", "Created", "datetime"),
    ("updated", "Updated", "datetime"),
    ("resolutiondate", "Resolved", "datetime"),
    ("priority", "Priority", "priority"),
    ("labels", "Labels", "array"),
    ("fixVersions", "Fix versions", "array"),
    ("versions", "Affects versions", "array"),
    ("assignee", "Assignee", "user"),
)


def status_category(key: str) -> dict[str, Any]:
    """The ``statusCategory`` object JIRA nests in a status, for a category key."""
    return dict(_CATEGORIES[key])


def status_ref(name: str) -> dict[str, Any]:
    """The ``status`` object an issue carries for a demo status name."""
    for status_id, status_name, category in _STATUSES:
        if status_name == name:
            return {"id": status_id, "name": name, "statusCategory": status_category(category)}
    raise KeyError(name)


def issue_type_ref(name: str) -> dict[str, Any]:
    """The ``issuetype`` object an issue carries for a demo issue type name."""
    for type_id, type_name, _ in _ISSUE_TYPES:
        if type_name == name:
            return {"id": type_id, "name": name, "subtask": False}
    raise KeyError(name)


def demo_statuses() -> list[dict[str, Any]]:
    """``GET /status``: every demo status with its category."""
    return [
        {
            "id": status_id,
            "name": name,
            "untranslatedName": name,
            "description": "",
            "statusCategory": status_category(category),
        }
        for status_id, name, category in _STATUSES
    ]


def demo_issue_types() -> list[dict[str, Any]]:
    """``GET /issuetype``: every demo issue type."""
    return [
        {
            "id": type_id,
            "name": name,
            "untranslatedName": name,
            "description": description,
            "subtask": False,
            "hierarchyLevel": 0,
        }
        for type_id, name, description in _ISSUE_TYPES
    ]


def demo_fields() -> list[dict[str, Any]]:
    """``GET /field``: the system fields the dashboard reads plus the demo custom fields."""
    system = [
        _field(field_id, name, {"type": kind, "system": field_id}, custom=False)
        for field_id, name, kind in _SYSTEM_FIELDS
    ]
    custom = [
        _field(
            field_id,
            name,
            {
                "type": kind,
                "custom": f"com.atlassian.jira.plugin.system.customfieldtypes:{custom_type}",
                "customId": int(field_id.rsplit("_", 1)[1]),
            },
            custom=True,
        )
        for field_id, name, kind, custom_type in _CUSTOM_FIELDS
    ]
    return system + custom


def _field(field_id: str, name: str, schema: dict[str, Any], *, custom: bool) -> dict[str, Any]:
    clause_names = [field_id, name.lower()]
    if custom:
        clause_names = [f"cf[{field_id.rsplit('_', 1)[1]}]", name]
    return {
        "id": field_id,
        "key": field_id,
        "name": name,
        "custom": custom,
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": clause_names,
        "schema": schema,
    }
