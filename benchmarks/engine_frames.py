"""Synthetic, internally consistent IssueFrames for the metric engine benchmark.

Built directly as frames (no JSON), vectorized with numpy. Terms:

- *walk*: each issue's status changes form a chain (``from`` = previous ``to``),
  starting at ``To Do``; targets are drawn from the workflow with a bias towards moving
  forward, and about 70% of issues end in ``Done`` / ``Closed``.
- *roles*: ``Deployment`` issues carry an environment (``Production`` / ``Staging``)
  and a failure flag in custom fields; every issue gets one of ``VERSIONS`` fix
  versions (shared by name), so changes link to deployment issues; ``Incident`` issues
  carry an environment too.

All times lie in the ~400 days before ``as_of``; some changes fall after ``as_of`` on
purpose (they must be ignored).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from configuration.settings import (
    DeploymentSettings,
    DoraSettings,
    IncidentSettings,
    Settings,
    WorkflowSettings,
)
from data.issues.frames import IssueFrames

UTC_NS = "datetime64[ns, UTC]"
ENV_FIELD, FAIL_FIELD = "customfield_10050", "customfield_10051"
STATUSES = ("To Do", "In Progress", "In Review", "Blocked", "Done", "Closed")
CATEGORIES = ("new", "indeterminate", "indeterminate", "indeterminate", "done", "done")
TYPES = ("Story", "Bug", "Vulnerability", "Tech Debt", "Epic", "Deployment", "Incident")
TYPE_WEIGHTS = (0.45, 0.2, 0.03, 0.07, 0.05, 0.15, 0.05)
VERSIONS = 400
# next status given the current one (rows: STATUSES order): mostly forward
_NEXT = np.array([
    [0.00, 0.80, 0.00, 0.10, 0.10, 0.00],
    [0.10, 0.00, 0.45, 0.20, 0.25, 0.00],
    [0.00, 0.30, 0.00, 0.10, 0.60, 0.00],
    [0.10, 0.70, 0.10, 0.00, 0.10, 0.00],
    [0.00, 0.15, 0.00, 0.00, 0.00, 0.85],
    [0.00, 0.20, 0.00, 0.00, 0.80, 0.00],
])

BENCH_SETTINGS = Settings(
    workflow=WorkflowSettings(
        active_statuses=("In Progress", "In Review"),
        waiting_statuses=("Blocked",),
        done_statuses=("Done", "Closed"),
    ),
    dora=DoraSettings(
        deployments=DeploymentSettings(environment_field=ENV_FIELD, failure_field=FAIL_FIELD),
        incidents=IncidentSettings(environment_field=ENV_FIELD,
                                   production_values=("Production",)),
    ),
)


def engine_frames(n_issues: int, as_of: pd.Timestamp, *, changes: int = 10,
                  seed: int = 5) -> IssueFrames:
    """``n_issues`` issues with ``changes`` +- 2 status changes each."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"{i:08d}" for i in range(n_issues)])  # sorts like the numbers
    created = as_of.value - rng.integers(0, 400 * 86_400, n_issues) * 10**9
    counts = rng.integers(max(changes - 2, 0), changes + 3, n_issues)
    transitions, last = _walks(rng, ids, created, counts)
    types = np.array(TYPES)[rng.choice(len(TYPES), n_issues, p=TYPE_WEIGHTS)]
    keys = pd.Series([f"BEN-{i}" for i in range(n_issues)], dtype="str")
    issues = pd.DataFrame({
        "issue_id": pd.Series(ids, dtype="str"),
        "key": keys,
        "issue_type": pd.Series(types, dtype="str"),
        "status": pd.Series(np.array(STATUSES)[last], dtype="str"),
        "status_category": pd.Series(np.array(CATEGORIES)[last], dtype="str"),
        "created": _utc(created),
        "updated": _utc(created),
        "resolved": _utc(np.full(n_issues, np.iinfo(np.int64).min)),
        "summary": keys,
        "parent_summary": pd.Series(np.full(n_issues, ""), dtype="str"),
    })
    return IssueFrames(
        issues=issues,
        transitions=transitions,
        versions=_versions(rng, ids),
        field_values=_field_values(rng, ids, types),
        statuses=pd.DataFrame({"name": pd.Series(STATUSES, dtype="str"),
                               "category": pd.Series(CATEGORIES, dtype="str")}),
    )


def _walks(rng: np.random.Generator, ids: np.ndarray, created: np.ndarray,
           counts: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Status chains: draw step by step for all issues at once (a few dozen steps)."""
    total, steps = int(counts.sum()), int(counts.max(initial=0))
    current = np.zeros(len(ids), dtype=np.int64)
    cumulative = np.cumsum(_NEXT, axis=1)
    targets = np.zeros((len(ids), steps), dtype=np.int64)
    sources = np.zeros_like(targets)
    for step in range(steps):
        draw = rng.random(len(ids))[:, None]
        nxt = np.minimum((draw > cumulative[current]).sum(axis=1), len(STATUSES) - 1)
        sources[:, step], targets[:, step] = current, nxt
        current = np.where(step < counts, nxt, current)
    mask = np.arange(steps)[None, :] < counts[:, None]
    gaps = rng.exponential(36 * 3600, (len(ids), steps)).astype(np.int64) * 10**9
    at = created[:, None] + np.cumsum(gaps, axis=1)
    frame = pd.DataFrame({
        "issue_id": pd.Series(np.repeat(ids, counts), dtype="str"),
        "at": _utc(at[mask]),
        "seq": np.arange(total, dtype=np.int64),
        "from_status": pd.Series(np.array(STATUSES)[sources[mask]], dtype="str"),
        "to_status": pd.Series(np.array(STATUSES)[targets[mask]], dtype="str"),
    })
    return frame, current


def _versions(rng: np.random.Generator, ids: np.ndarray) -> pd.DataFrame:
    number = rng.integers(0, VERSIONS, len(ids))
    return pd.DataFrame({
        "issue_id": pd.Series(ids, dtype="str"),
        "relation": pd.Series(["fix"] * len(ids), dtype="str"),
        "version_id": pd.Series((20_000 + number).astype(str), dtype="str"),
        "name": pd.Series([f"v{n}" for n in number], dtype="str"),
        "released": np.ones(len(ids), dtype=bool),
        "release_date": pd.Series([""] * len(ids), dtype="str"),
    })


def _field_values(rng: np.random.Generator, ids: np.ndarray, types: np.ndarray) -> pd.DataFrame:
    with_env = (types == "Deployment") | (types == "Incident")
    deploys = types == "Deployment"
    env = np.where(rng.random(len(ids)) < 0.8, "Production", "Staging")
    fail = np.where(rng.random(len(ids)) < 0.12, "Yes", "No")
    return pd.DataFrame({
        "issue_id": pd.Series(np.concatenate((ids[with_env], ids[deploys])), dtype="str"),
        "field_id": pd.Series([ENV_FIELD] * int(with_env.sum())
                              + [FAIL_FIELD] * int(deploys.sum()), dtype="str"),
        "value": pd.Series(np.concatenate((env[with_env], fail[deploys])), dtype="str"),
    })


def _utc(ns: np.ndarray) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(np.asarray(ns).view("datetime64[ns]")).tz_localize("UTC"))
