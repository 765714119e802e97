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

from dataclasses import dataclass, field
from functools import cached_property

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
    _checkpoints: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def status_at(self, instant_ns: int) -> np.ndarray:
        """Per position: the status code after applying every change with time < instant."""
        applied = self.applied_before(instant_ns)
        if not len(self.to_code):
            return self.initial_code.copy()
        last = np.clip(self.starts + applied - 1, 0, len(self.to_code) - 1)
        return np.where(applied > 0, self.to_code[last], self.initial_code)

    def applied_before(self, instant_ns: int) -> np.ndarray:
        """Per position: how many of its changes happened before the instant.

        Changes are a prefix of each block (blocks are time-sorted). The count is
        derived from the nearest instant already counted, adding or removing only the
        changes in between (in global time order), so a weekly series costs little
        more than one full count.
        """
        at_sorted, pos_sorted = self._time_order
        k = int(np.searchsorted(at_sorted, instant_ns, side="left"))
        if not self._checkpoints:
            self._checkpoints[0] = np.zeros(len(self.counts), dtype=np.int64)
        near = min(self._checkpoints, key=lambda done: abs(done - k))
        lo, hi = sorted((near, k))
        delta = np.bincount(pos_sorted[lo:hi], minlength=len(self.counts))
        counts = self._checkpoints[near] + (delta if k >= near else -delta)
        self._checkpoints[k] = counts
        return counts

    @cached_property
    def _time_order(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.at)  # ties need no order: only counts before an instant
        return self.at[order], self.pos[order]

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


def positions_of(issue_ids: pd.Series, values: pd.Series) -> np.ndarray:
    """Position of each value in ``issue_ids`` (unique), -1 when absent.

    Values come in runs (the transitions are sorted by issue id), so only the first
    value of each run is looked up: one vectorized comparison of neighbours, then a
    factorize over the ids and the run heads. ``Index.get_indexer`` would first turn
    a million Arrow strings into Python objects (several times slower).
    """
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    array = values.astype("str").array
    heads = np.concatenate(([0], np.flatnonzero(np.asarray(array[1:] != array[:-1])) + 1))
    both = pd.concat([issue_ids.astype("str"), values.iloc[heads].astype("str")],
                     ignore_index=True)
    codes, _ = pd.factorize(both, use_na_sentinel=False)
    size = len(issue_ids)
    lookup = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    lookup[codes[:size]] = np.arange(size)
    lengths = np.diff(np.append(heads, len(values)))
    return np.repeat(lookup[codes[size:]], lengths)


def build_timeline(
    transitions: pd.DataFrame,
    issue_ids: pd.Series,
    current_status: pd.Series,
    as_of_ns: int,
    workflow: Workflow,
) -> Timeline:
    """Build the timeline of the issues in ``issue_ids`` (position = row number)."""
    pos = positions_of(issue_ids, transitions["issue_id"])
    at = _ns(transitions["at"])
    seq = transitions["seq"].to_numpy(dtype=np.int64)
    known = pos >= 0
    pos, at, seq = pos[known], at[known], seq[known]
    # lexsort is stable: items of one history keep their order
    order = np.lexsort((seq, at, pos)) if not _is_sorted(pos, at, seq) else slice(None)
    pos, at = pos[order], at[order]
    coder = _StatusCoder()
    current_code = coder.codes(current_status)
    from_code = coder.codes(transitions["from_status"])[known][order]
    to_code = coder.codes(transitions["to_status"])[known][order]
    labels = np.asarray(coder.labels, dtype=object)
    size = len(issue_ids)
    initial = current_code.copy()
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


def _is_sorted(pos: np.ndarray, at: np.ndarray, seq: np.ndarray) -> bool:
    """True when rows are already ordered by (pos, at, seq), as the frames promise."""
    if len(pos) < 2:
        return True
    dpos, dat, dseq = np.diff(pos), np.diff(at), np.diff(seq)
    ordered = (dpos > 0) | ((dpos == 0) & ((dat > 0) | ((dat == 0) & (dseq >= 0))))
    return bool(np.all(ordered))


def _block_starts(pos: np.ndarray, size: int) -> np.ndarray:
    """First row of each position's block (rows sorted by position)."""
    counts = np.bincount(pos, minlength=size)
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


class _StatusCoder:
    """Case-insensitive status codes shared across columns, labelled by first spelling.

    Each column is factorized first (fast on Arrow strings), so only its few distinct
    names are casefolded in Python.
    """

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._by_fold: dict[str, int] = {}

    def codes(self, names: pd.Series) -> np.ndarray:
        local, uniques = pd.factorize(names.astype("str"), use_na_sentinel=False)
        table = np.array([self._code(str(u)) for u in uniques], dtype=np.int32)
        return table[local] if len(local) else np.zeros(0, dtype=np.int32)

    def _code(self, name: str) -> int:
        fold = name.casefold()
        if fold not in self._by_fold:
            self._by_fold[fold] = len(self.labels)
            self.labels.append(name)
        return self._by_fold[fold]
