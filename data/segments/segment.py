"""A segment: the fetched issues reduced to those a filter keeps (METRICS.md section 8).

Terms:

- *kept issues*: the flow items, changes and incidents that match the filter, and the
  deployment records that match it themselves or are linked (section 4: a shared fix
  version name) to a matching change. With ``dora.deployments.source`` ``versions``
  the deployments are the released fix versions of the kept issues.
- *segment frames*: the store's frames holding only the kept issues' rows (statuses
  unchanged). Every metric of the segment is the ordinary metric computed on them, so
  a segment is exactly "as if the fetched issues were only these" and costs no JIRA
  request.

Which issues match needs the status at ``as_of``, so the full context is built first
(:func:`segment_context` takes it when the caller already has it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from configuration.filters import Clause
from configuration.settings import Settings
from data.issues.frames import IssueFrames
from data.metrics.context import CalculationContext
from data.metrics.timeline import positions_of
from data.segments.match import filter_mask


def kept_mask(ctx: CalculationContext, clauses: Sequence[Clause]) -> np.ndarray:
    """Per position of ``ctx``: the issue belongs to the segment (see module docstring)."""
    match = filter_mask(ctx, clauses)
    per_issue = ctx.per_issue
    is_deployment = per_issue["is_deployment"].to_numpy(dtype=bool)
    keep = match & ~is_deployment
    if is_deployment.any():
        matching_changes = match & per_issue["is_change"].to_numpy(dtype=bool)
        keep |= is_deployment & (match | _linked_to(ctx, matching_changes))
    return keep


def _linked_to(ctx: CalculationContext, changes: np.ndarray) -> np.ndarray:
    """Per position: a deployment record sharing a fix version name with a masked change."""
    fixes = ctx.versions[ctx.versions["relation"] == "fix"]
    pos = fixes["pos"].to_numpy()
    names = fixes["name_code"].to_numpy()
    shared = np.isin(names, names[changes[pos]])
    linked = np.zeros(len(changes), dtype=bool)
    linked[pos[shared]] = True
    return linked


def segment_frames(frames: IssueFrames, issue_ids: Any) -> IssueFrames:
    """The frames with only the rows of ``issue_ids`` (statuses unchanged)."""
    rows = _issue_rows(frames)
    keep = np.zeros(len(frames.issues), dtype=bool)
    wanted = issue_ids if isinstance(issue_ids, np.ndarray) else list(issue_ids)  # sets too
    found = positions_of(frames.issues["issue_id"], pd.Series(wanted, dtype=object))
    keep[found[found >= 0]] = True

    def rows_of(name: str) -> pd.DataFrame:
        df = getattr(frames, name)
        return df.take(np.flatnonzero(keep[rows.positions[name]])).reset_index(drop=True)

    return IssueFrames(issues=rows_of("issues"), transitions=rows_of("transitions"),
                       versions=rows_of("versions"), field_values=rows_of("field_values"),
                       statuses=frames.statuses)


@dataclass(frozen=True)
class _Rows:
    """Per frame: each row's issue as a row number of ``frames.issues``."""

    positions: dict[str, np.ndarray]


_ROWS: OrderedDict[int, tuple[IssueFrames, _Rows]] = OrderedDict()
_ROWS_LOCK = threading.Lock()


def prepare_frames(frames: IssueFrames) -> None:
    """Hash the frames' issue rows now (a warm-up), not at the first filter change."""
    _issue_rows(frames)


def _issue_rows(frames: IssueFrames) -> _Rows:
    """Locate each row's issue once per frames object (string ``isin`` per filter change
    costs ~60 ms a frame at 10,000 issues; an integer take costs ~1 ms).
    :func:`positions_of` looks up only the first row of each run of one issue's rows:
    ``Index.get_indexer`` turned a million Arrow strings into Python objects first
    (0.17 s of a 100,000-issue ``items --filter`` run, now ~0.03 s)."""
    with _ROWS_LOCK:
        held = _ROWS.get(id(frames))
        if held is not None and held[0] is frames:
            return held[1]
    ids = frames.issues["issue_id"]
    positions = {name: positions_of(ids, getattr(frames, name)["issue_id"])
                 for name in ("transitions", "versions", "field_values")}
    positions["issues"] = np.arange(len(ids))
    rows = _Rows(positions)
    with _ROWS_LOCK:
        _ROWS[id(frames)] = (frames, rows)  # the frames are held, so the id stays theirs
        while len(_ROWS) > 4:
            _ROWS.popitem(last=False)
    return rows


def segment_context(
    frames: IssueFrames,
    settings: Settings,
    clauses: Sequence[Clause],
    *,
    as_of: Any,
    period_days: int | None = None,
    full: CalculationContext | None = None,
) -> CalculationContext:
    """The calculation context of the segment; the full one when the filter is empty.

    ``full``: the context of all ``frames`` at the same ``as_of`` and period, reused
    when the caller has it.
    """
    whole = full or CalculationContext.build(
        frames, settings, as_of=as_of, period_days=period_days
    )
    if not clauses:
        return whole
    keep = kept_mask(whole, clauses)
    ids = whole.per_issue["issue_id"].to_numpy()[keep]
    return CalculationContext.build(
        segment_frames(frames, ids), settings, as_of=whole.as_of, period_days=whole.period_days
    )
