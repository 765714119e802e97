"""Cumulative flow: daily counts of flow items per workflow state (METRICS.md section 7).

Terms:

- *day*: a UTC calendar day that overlaps the window ``[as_of - period_days, as_of)``.
  The first day may start before the window and the last may be cut short by ``as_of``.
- *day end*: the instant a day's counts are taken: the next UTC midnight, or ``as_of``
  for the last, partial day. When ``as_of`` is a UTC midnight there are exactly
  ``period_days`` days; otherwise ``period_days + 1``.
- *state column*: ``"not started"``, then every active and waiting status by name in
  workflow order (the resolved workflow's spelling), then ``"done"``.
- *count*: the number of flow items created before the day end whose status at the
  day end (initial status, then every change strictly before it) maps to the column.

The replay is event based and vectorized: each item adds +1 to its initial column at
creation, and each status change moves one item from its previous status's column to
the new one. Events are bucketed by the first day end they precede
(``searchsorted``), summed per (day, column) with ``bincount`` and accumulated with
``cumsum``: no Python loop over issues or days. A change dated before its issue's
creation (clock skew) takes effect at creation, which is what "status at instant"
gives for every day end after creation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from data.metrics.workflow import DONE, NOT_STARTED, Workflow

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext

NOT_STARTED_COLUMN = "not started"
DONE_COLUMN = "done"


def state_columns(workflow: Workflow, labels: Sequence[str] = ()) -> tuple[str, ...]:
    """The CFD columns: not started, each active and waiting status once, done.

    A status is spelled as in the issues (``labels``, like Flow Load's ``by_status``)
    when it occurs there, else as in the workflow settings.
    """
    seen = {str(label).casefold(): str(label) for label in reversed(labels)}
    names: dict[str, str] = {}
    for name in workflow.in_progress:
        # A name also listed as done counts as done (Workflow.state_of order).
        if workflow.state_of(name) != DONE:
            names.setdefault(name.casefold(), seen.get(name.casefold(), name))
    return (NOT_STARTED_COLUMN, *names.values(), DONE_COLUMN)


def code_columns(labels: np.ndarray, states: np.ndarray, columns: Sequence[str]) -> np.ndarray:
    """Column index of every status code, given its label and workflow state."""
    position = {name.casefold(): i for i, name in enumerate(columns)}
    table = np.zeros(len(labels), dtype=np.int64)  # NOT_STARTED -> column 0
    for code, (label, state) in enumerate(zip(labels, states, strict=True)):
        if state == DONE:
            table[code] = len(columns) - 1
        elif state != NOT_STARTED:
            table[code] = position[str(label).casefold()]
    return table


def day_ends(as_of: datetime, period_days: int) -> pd.DatetimeIndex:
    """The end instant of every UTC day overlapping the window, the last one ``as_of``."""
    end = pd.Timestamp(as_of)
    end = end.tz_localize("UTC") if end.tzinfo is None else end.tz_convert("UTC")
    first = (end - pd.Timedelta(days=period_days)).floor("D")
    last = (end - pd.Timedelta(1, "ns")).floor("D")
    days = pd.date_range(first, last, freq="D")
    return pd.DatetimeIndex([*days[1:], end], name="day_end")


def replay_counts(
    *,
    created: np.ndarray,
    initial_column: np.ndarray,
    change_item: np.ndarray,
    change_at: np.ndarray,
    change_column: np.ndarray,
    ends: np.ndarray,
    n_columns: int,
) -> np.ndarray:
    """Counts (days x columns) of items per column at each day end.

    ``created`` / ``initial_column`` are per item; the ``change_*`` arrays are per
    status change, sorted by item, then time, then sequence; ``change_item`` indexes
    the items. Times are int64 nanoseconds since the epoch; ``ends`` ascending.
    """
    previous = _previous_columns(initial_column, change_item, change_column)
    moved_at = np.maximum(change_at, created[change_item])
    size = (len(ends) + 1) * n_columns

    def bucket(at: np.ndarray, column: np.ndarray) -> np.ndarray:
        # Row j holds events before ends[j] and not before ends[j - 1]; the extra
        # last row holds events at or after as_of, which are dropped.
        day = np.searchsorted(ends, at, side="right")
        return np.bincount(day * n_columns + column, minlength=size)

    arrivals = bucket(np.concatenate([created, moved_at]),
                      np.concatenate([initial_column, change_column]))
    departures = bucket(moved_at, previous)
    per_day = (arrivals - departures).reshape(len(ends) + 1, n_columns)[: len(ends)]
    return np.cumsum(per_day, axis=0)


def _previous_columns(
    initial_column: np.ndarray, change_item: np.ndarray, change_column: np.ndarray
) -> np.ndarray:
    """The column each change leaves: the previous change's target, else the initial one."""
    previous = np.empty_like(change_column)
    if len(change_item) == 0:
        return previous
    previous[1:] = change_column[:-1]
    first_of_item = np.r_[True, change_item[1:] != change_item[:-1]]
    previous[first_of_item] = initial_column[change_item[first_of_item]]
    return previous


def cumulative_flow(ctx: CalculationContext) -> CumulativeFlow:
    """Replay every flow item's status history to each day end of the window."""
    timeline, flow = ctx.timeline, ctx.is_flow
    columns = state_columns(ctx.workflow, timeline.labels)
    column_of = code_columns(timeline.labels, timeline.states, columns)
    changes = flow[timeline.pos]
    item_of_position = np.cumsum(flow) - 1  # position -> index among flow items
    ends = day_ends(ctx.as_of.to_pydatetime(), ctx.period_days)
    counts = replay_counts(
        created=ctx.created_ns[flow],
        initial_column=column_of[timeline.initial_code[flow]],
        change_item=item_of_position[timeline.pos[changes]],
        change_at=timeline.at[changes],
        change_column=column_of[timeline.to_code[changes]],
        ends=ends.as_unit("ns").asi8,
        n_columns=len(columns),
    )
    days = (ends - pd.Timedelta(1, "ns")).floor("D").rename("day")
    return CumulativeFlow(
        as_of=ctx.as_of.to_pydatetime(),
        period_days=ctx.period_days,
        states=columns,
        counts=pd.DataFrame(counts, index=days, columns=list(columns)),
    )


@dataclass(frozen=True)
class CumulativeFlow:
    """Daily state counts; ``counts`` is indexed by UTC day (midnight), one column per state."""

    as_of: datetime
    period_days: int
    states: tuple[str, ...]
    counts: pd.DataFrame

    def to_json(self) -> dict[str, Any]:
        """Days as ``YYYY-MM-DD``, and one list of daily counts per state."""
        return {
            "as_of": self.as_of.isoformat(),
            "period_days": self.period_days,
            "days": [day.strftime("%Y-%m-%d") for day in self.counts.index],
            "states": list(self.states),
            "counts": {state: [int(n) for n in self.counts[state]] for state in self.states},
        }
