"""The resolved workflow: which status names mean active, waiting, done or not started.

Terms:

- *state*: one of four codes every status name maps to: ``NOT_STARTED`` (0),
  ``ACTIVE`` (1), ``WAITING`` (2), ``DONE`` (3). Any status that no list names is
  not started (METRICS.md section 2).
- *resolved workflow*: the settings' status lists when set; each list that is not set
  falls back to JIRA's status categories from the frames' ``statuses`` table
  (``indeterminate`` = active, ``done`` = done; no status is waiting by category).
  Names are matched case-insensitively (``str.casefold``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from configuration.settings import WorkflowSettings

NOT_STARTED, ACTIVE, WAITING, DONE = 0, 1, 2, 3
STATE_NAMES = ("not_started", "active", "waiting", "done")


@dataclass(frozen=True)
class Workflow:
    """Status names per state, in display order (settings order, else table order)."""

    active: tuple[str, ...]
    waiting: tuple[str, ...]
    done: tuple[str, ...]

    def state_of(self, status_name: str) -> int:
        """The state code of one status name (case-insensitive)."""
        folded = status_name.casefold()
        for code, names in ((DONE, self.done), (ACTIVE, self.active), (WAITING, self.waiting)):
            if folded in {name.casefold() for name in names}:
                return code
        return NOT_STARTED

    def states_of(self, names: pd.Series | np.ndarray | Iterable[str]) -> np.ndarray:
        """Vectorized :meth:`state_of`: factorize, then map each distinct name once."""
        codes, uniques = pd.factorize(pd.Series(names, dtype="str"), use_na_sentinel=False)
        table = np.array([self.state_of(str(u)) for u in uniques], dtype=np.int8)
        return table[codes]

    @property
    def in_progress(self) -> tuple[str, ...]:
        """Active then waiting status names: the statuses that make up WIP."""
        return (*self.active, *self.waiting)


def resolve_workflow(settings: WorkflowSettings, statuses: pd.DataFrame) -> Workflow:
    """Settings lists where set, else JIRA status categories from ``statuses``."""
    # Only these two categories map to a state; "new" (and any other) is not started.
    by_category: dict[str, list[str]] = {"indeterminate": [], "done": []}
    for name, category in zip(statuses["name"], statuses["category"], strict=True):
        by_category.setdefault(str(category), []).append(str(name))
    return Workflow(
        active=_pick(settings.active_statuses, by_category["indeterminate"]),
        waiting=_pick(settings.waiting_statuses, []),
        done=_pick(settings.done_statuses, by_category["done"]),
    )


def _pick(configured: tuple[str, ...] | None, fallback: list[str]) -> tuple[str, ...]:
    return tuple(configured) if configured is not None else tuple(dict.fromkeys(fallback))
