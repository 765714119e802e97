"""Vectorized status history: every issue's status changes as flat numpy arrays.

Terms:

- *position*: an issue's row in the context's ``per_issue`` table.
- *status code*: an int per distinct status name, compared case-insensitively
  (``"In progress"`` and ``"In Progress"`` share a code; the first spelling seen is
  the label). ``labels[code]`` is the name, ``states[code]`` its workflow state.
- *block*: the contiguous run of one issue's changes in the arrays, which are sorted by
  (position, time, history order). ``starts[p]`` is the first row of position ``p``'s
  block and ``counts[p]`` its length.
- *initial status*: the ``fromString`` of an issue's earliest status change (even one
  at or after ``as_of``), or its current status when it has none (METRICS.md section 2).

Only changes strictly before ``as_of`` are kept. All times are int64 UTC nanoseconds.
The status at an instant is a per-block count of changes before it (``bincount``), so
no per-issue Python loop runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.metrics.workflow import Workflow


@dataclass(frozen=True)
class Timeline:
    """Status changes before ``as_of`` as aligned arrays (see module docstring)."""

    pos: np.ndarray
    at: np.ndarray
    from_code: np.ndarray
    to_code: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    initial_code: np.ndarray
    labels: np.ndarray
    states: np.ndarray

    def status_at(self, instant_ns: int) -> np.ndarray:
        """Per position: the status code after applying every change with time < instant."""
        before = self.pos[self.at < instant_ns]
        applied = np.bincount(before, minlength=len(self.counts))
        last = np.maximum(self.starts + applied - 1, 0)
        if not len(self.to_code):
            return self.initial_code.copy()
        return np.where(applied > 0, self.to_code[np.minimum(last, len(self.to_code) - 1)],
                        self.initial_code)

    def first_per_issue(self, rows: np.ndarray) -> np.ndarray:
        """Per position: the time of the first row in ``rows`` (a mask), NaT if none."""
        return _per_issue(self.pos[rows], self.at[rows], len(self.counts), first=True)

    def last_per_issue(self, rows: np.ndarray) -> np.ndarray:
        """Per position: the time of the last row in ``rows`` (a mask), NaT if none."""
        return _per_issue(self.pos[rows], self.at[rows], len(self.counts), first=False)


NAT = np.iinfo(np.int64).min


def _per_issue(pos: np.ndarray, at: np.ndarray, size: int, *, first: bool) -> np.ndarray:
    result = np.full(size, NAT, dtype=np.int64)
    if not len(pos):
        return result
    # rows are sorted by (pos, at): a block's first/last row is where pos changes
    edge = np.flatnonzero(np.diff(pos)) + (1 if first else 0)
    picks = np.concatenate(([0], edge)) if first else np.concatenate((edge, [len(pos) - 1]))
    result[pos[picks]] = at[picks]
    return result


def build_timeline(
    transitions: pd.DataFrame,
    issue_ids: pd.Index,
    current_status: pd.Series,
    as_of_ns: int,
    workflow: Workflow,
) -> Timeline:
    """Build the timeline of the issues in ``issue_ids`` (their positions are the index)."""
    pos = issue_ids.get_indexer(transitions["issue_id"])
    at = _ns(transitions["at"])
    seq = transitions["seq"].to_numpy(dtype=np.int64)
    known = pos >= 0
    pos, at, seq = pos[known], at[known], seq[known]
    order = np.lexsort((seq, at, pos)) if not _is_sorted(pos, at) else slice(None)
    pos, at = pos[order], at[order]
    names = pd.concat(
        [
            current_status.astype("str"),
            transitions["from_status"].astype("str")[known].iloc[order],
            transitions["to_status"].astype("str")[known].iloc[order],
        ],
        ignore_index=True,
    )
    codes, labels = _status_codes(names)
    size, count = len(issue_ids), len(pos)
    from_code = codes[size : size + count]
    to_code = codes[size + count :]
    initial = codes[:size].copy()
    first_rows = _block_starts(pos, size)
    has_any = np.bincount(pos, minlength=size) > 0
    initial[has_any] = from_code[first_rows[has_any]]
    kept = at < as_of_ns
    pos, at, from_code, to_code = pos[kept], at[kept], from_code[kept], to_code[kept]
    return Timeline(
        pos=pos,
        at=at,
        from_code=from_code,
        to_code=to_code,
        starts=_block_starts(pos, size),
        counts=np.bincount(pos, minlength=size),
        initial_code=initial,
        labels=labels,
        states=workflow.states_of(labels),
    )


def _ns(times: pd.Series) -> np.ndarray:
    """UTC timestamps as int64 nanoseconds (NaT becomes :data:`NAT`)."""
    return times.astype("datetime64[ns, UTC]").array.asi8.copy()


def _is_sorted(pos: np.ndarray, at: np.ndarray) -> bool:
    """True when rows are already ordered by (pos, at), as the frames contract promises."""
    if len(pos) < 2:
        return True
    dpos, dat = np.diff(pos), np.diff(at)
    return bool(np.all((dpos > 0) | ((dpos == 0) & (dat >= 0))))


def _block_starts(pos: np.ndarray, size: int) -> np.ndarray:
    return np.searchsorted(pos, np.arange(size), side="left")


def _status_codes(names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Case-insensitive codes for status names, labelled by the first spelling seen."""
    codes, uniques = pd.factorize(names.str.casefold())
    first_seen = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    labels = names.to_numpy(dtype=object)[first_seen] if len(codes) else np.array([], object)
    del uniques  # the casefolded forms are only keys; labels keep the original spelling
    return codes.astype(np.int32), labels
