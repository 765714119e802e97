"""Synthetic normalized frames (not raw JIRA JSON) for store tests and benchmarks.

``synthetic_frames`` builds IssueFrames with the exact dtypes that
``data.issues.normalize`` produces (``str`` text, ``datetime64[ns, UTC]``,
``int64`` seq, ``bool`` released), vectorized so that 100k issues with 1M
transitions take about a second to build.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.issues.frames import IssueFrames

UTC_NS = "datetime64[ns, UTC]"
STATUSES = ("To Do", "In Progress", "In Review", "Blocked", "Done")
CATEGORIES = ("new", "indeterminate", "indeterminate", "indeterminate", "done")
TYPES = ("Story", "Bug", "Task", "Deployment", "Incident")


def synthetic_frames(
    n_issues: int, transitions_per_issue: int = 10, *, seed: int = 0
) -> IssueFrames:
    """``n_issues`` issues, each with ``transitions_per_issue`` status changes."""
    rng = np.random.default_rng(seed)
    ids = np.arange(10_000, 10_000 + n_issues).astype(str)
    base = pd.Timestamp("2025-01-01", tz="UTC")
    created = base + pd.to_timedelta(rng.integers(0, 200 * 86400, n_issues), unit="s")
    status_idx = rng.integers(0, len(STATUSES), n_issues)
    issues = pd.DataFrame(
        {
            "issue_id": pd.Series(ids, dtype="str"),
            "key": pd.Series([f"DEMO-{i}" for i in range(1, n_issues + 1)], dtype="str"),
            "issue_type": pd.Series(np.array(TYPES)[rng.integers(0, 5, n_issues)], dtype="str"),
            "status": pd.Series(np.array(STATUSES)[status_idx], dtype="str"),
            "status_category": pd.Series(np.array(CATEGORIES)[status_idx], dtype="str"),
            "created": pd.Series(created).astype(UTC_NS),
            "updated": pd.Series(created + pd.Timedelta(days=3)).astype(UTC_NS),
            "resolved": pd.Series(created + pd.Timedelta(days=2)).astype(UTC_NS),
            "summary": pd.Series([f"Work item {i}" for i in range(n_issues)], dtype="str"),
            "parent_summary": pd.Series([""] * n_issues, dtype="str"),
        }
    )
    return IssueFrames(
        issues=issues,
        transitions=_transitions(rng, ids, created, transitions_per_issue),
        versions=_versions(ids),
        field_values=_field_values(rng, ids),
        statuses=pd.DataFrame(
            {
                "name": pd.Series(STATUSES, dtype="str"),
                "category": pd.Series(CATEGORIES, dtype="str"),
            }
        ),
    )


def _transitions(
    rng: np.random.Generator, ids: np.ndarray, created: pd.DatetimeIndex, per_issue: int
) -> pd.DataFrame:
    n = len(ids) * per_issue
    offsets = np.sort(rng.integers(60, 30 * 86400, (len(ids), per_issue)), axis=1).ravel()
    at = np.repeat(created.asi8 // 1000, per_issue) * 1000 + offsets * 1_000_000_000
    frm = rng.integers(0, len(STATUSES), n)
    return pd.DataFrame(
        {
            "issue_id": pd.Series(np.repeat(ids, per_issue), dtype="str"),
            "at": pd.Series(pd.to_datetime(at, utc=True)).astype(UTC_NS),
            "seq": pd.Series(np.arange(n) + 100_000, dtype="int64"),
            "from_status": pd.Series(np.array(STATUSES)[frm], dtype="str"),
            "to_status": pd.Series(np.array(STATUSES)[(frm + 1) % len(STATUSES)], dtype="str"),
        }
    )


def _versions(ids: np.ndarray) -> pd.DataFrame:
    n = len(ids)
    version_no = np.arange(n) // 50
    return pd.DataFrame(
        {
            "issue_id": pd.Series(ids, dtype="str"),
            "relation": pd.Series(["fix"] * n, dtype="str"),
            "version_id": pd.Series((20_000 + version_no).astype(str), dtype="str"),
            "name": pd.Series([f"v{v}.0" for v in version_no], dtype="str"),
            "released": pd.Series(version_no % 3 != 0, dtype=bool),
            "release_date": pd.Series(["2025-03-01"] * n, dtype="str"),
        }
    )


def _field_values(rng: np.random.Generator, ids: np.ndarray) -> pd.DataFrame:
    n = len(ids)
    env = np.where(rng.random(n) < 0.8, "Production", "Staging")
    return pd.DataFrame(
        {
            "issue_id": pd.Series(ids, dtype="str"),
            "field_id": pd.Series(["customfield_10050"] * n, dtype="str"),
            "value": pd.Series(env, dtype="str"),
        }
    )
