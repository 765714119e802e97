"""Merging an incremental fetch into stored frames, and the canonical row order.

Terms:

- *changed issues*: the issues an incremental sync fetched (updated since the last
  sync, minus a safety margin). Each comes with its complete changelog, so its
  rows in every frame are replaced wholesale, never patched; an issue not seen
  before is simply appended.
- *canonical order*: every per-issue frame sorted by ``issue_id`` with a stable
  sort (which keeps JIRA's order within one issue, e.g. of its fix versions);
  transitions additionally by ``at`` and ``seq``; statuses by name. Full and
  incremental syncs both store frames in this order, so the same JIRA state gives
  identical frames whichever way it was fetched.
"""

from __future__ import annotations

import pandas as pd

from data.issues.frames import IssueFrames

_PER_ISSUE = ("issues", "transitions", "versions", "field_values")
_SORT_KEYS = {
    "issues": ["issue_id"],
    "transitions": ["issue_id", "at", "seq"],
    "versions": ["issue_id"],
    "field_values": ["issue_id"],
}


def canonical(frames: IssueFrames) -> IssueFrames:
    """The frames in canonical row order with a fresh 0..n-1 index."""
    tables = {name: _sorted(getattr(frames, name), name) for name in _PER_ISSUE}
    statuses = frames.statuses.sort_values("name", kind="stable", ignore_index=True)
    return IssueFrames(**tables, statuses=statuses)


def merge_frames(
    stored: IssueFrames, changed: IssueFrames, *, replace_statuses: bool
) -> IssueFrames:
    """``stored`` with every row of the changed issues replaced by ``changed``'s rows.

    ``replace_statuses``: the sync fetched JIRA's full status list, so it replaces
    the stored one; otherwise statuses seen in the changed issues are added to it.
    """
    changed_ids = changed.issues["issue_id"]
    tables = {}
    for name in _PER_ISSUE:
        old = getattr(stored, name)
        kept = old[~old["issue_id"].isin(changed_ids)]
        tables[name] = _sorted(_concat(kept, getattr(changed, name)), name)
    return canonical(
        IssueFrames(**tables, statuses=_merge_statuses(stored, changed, replace_statuses))
    )


def _merge_statuses(
    stored: IssueFrames, changed: IssueFrames, replace_statuses: bool
) -> pd.DataFrame:
    if replace_statuses and len(changed.statuses):
        return changed.statuses
    old = stored.statuses[~stored.statuses["name"].isin(changed.statuses["name"])]
    return _concat(old, changed.statuses)


def _concat(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    # Concatenating an empty frame would make pandas warn about (and possibly
    # change) dtypes; the non-empty side already has the right ones. The index is left
    # as it comes: every caller sorts the result with a fresh one (``_sorted``).
    if second.empty:
        return first
    if first.empty:
        return second
    return pd.concat([first, second])


def _sorted(df: pd.DataFrame, name: str) -> pd.DataFrame:
    return df.sort_values(_SORT_KEYS[name], kind="stable", ignore_index=True)
