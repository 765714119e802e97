"""The normalized issue model shared by the cache and the metric engine.

JIRA's raw JSON is converted once (by :mod:`data.issues.normalize`) into five
tables. Every timestamp column is timezone-aware UTC (``datetime64[ns, UTC]``);
every id is a string. Tables and their columns:

``issues`` (one row per issue)
    ``issue_id``, ``key``, ``issue_type``, ``status`` (current status name),
    ``status_category`` (``new`` / ``indeterminate`` / ``done``, or ``""`` when
    unknown), ``created``, ``updated``, ``resolved`` (``NaT`` when absent),
    ``summary`` and ``parent_summary`` (the parent issue's summary; ``""`` when
    absent), for drill-down and the filter bar's parent choices.

``transitions`` (one row per status change in the changelog)
    ``issue_id``, ``at`` (the history's ``created``), ``seq`` (int: order of the
    change among equal ``at`` values, from the history id), ``from_status``,
    ``to_status``. Sorted by ``issue_id``, ``at``, ``seq``.

``versions`` (one row per issue-version link)
    ``issue_id``, ``relation`` (``fix`` for ``fixVersions``, ``affects`` for
    ``versions``), ``version_id``, ``name``, ``released`` (bool), ``release_date``
    (the raw ``YYYY-MM-DD`` string, or ``""``).

``field_values`` (one row per scalar value of a mapped field)
    ``issue_id``, ``field_id``, ``value`` (str). A list is exploded into one row
    per element; an object contributes its ``value`` (else its ``name``); a number
    is written as ``str(int(x))`` when integral, else ``repr(float)``; null and
    empty values give no row. Besides the mapped custom fields it holds the segment
    fields of :data:`SEGMENT_FIELDS` (METRICS.md section 8) under their JIRA ids:
    ``components`` and ``labels`` (one row per element), ``priority`` (its name),
    ``parent`` (the parent's key), ``assignee`` (the display name) and
    ``assignee.email`` (the e-mail address, when JIRA shows it).

``statuses`` (one row per known status)
    ``name``, ``category`` (``new`` / ``indeterminate`` / ``done``), from JIRA's
    ``/status`` endpoint when fetched, else from the issues' own status fields.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ISSUE_COLUMNS = (
    "issue_id", "key", "issue_type", "status", "status_category",
    "created", "updated", "resolved", "summary", "parent_summary",
)
TRANSITION_COLUMNS = ("issue_id", "at", "seq", "from_status", "to_status")
VERSION_COLUMNS = ("issue_id", "relation", "version_id", "name", "released", "release_date")
FIELD_VALUE_COLUMNS = ("issue_id", "field_id", "value")
STATUS_COLUMNS = ("name", "category")
# JIRA system fields normalized into ``field_values`` for segments and the filter bar
SEGMENT_FIELDS = ("assignee", "components", "labels", "parent", "priority")
ASSIGNEE_EMAIL = "assignee.email"  # the pseudo field id of the assignee's e-mail


@dataclass(frozen=True)
class IssueFrames:
    """The normalized issues of one fetch. Treat the frames as read-only."""

    issues: pd.DataFrame
    transitions: pd.DataFrame
    versions: pd.DataFrame
    field_values: pd.DataFrame
    statuses: pd.DataFrame
