"""Which issues of a calculation context a filter keeps (METRICS.md section 8).

Terms: a *match mask* has one boolean per issue position of the context
(:mod:`data.metrics.context`). A clause ``FIELD=V`` holds where any value of the
issue's field equals one of the values, case-insensitively (``status`` is the status
at ``as_of``); ``FIELD!=V`` is its negation, so it holds for an issue without the
field. Custom fields compare as section 4 matches them (:meth:`FieldIndex.matches`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from configuration.filters import Clause
from data.issues.frames import ASSIGNEE_EMAIL

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext

# clause field -> the field_values ids that hold its values
_VALUE_FIELDS = {
    "component": ("components",),
    "label": ("labels",),
    "parent": ("parent",),
    "priority": ("priority",),
    "assignee": ("assignee", ASSIGNEE_EMAIL),
}


def filter_mask(ctx: CalculationContext, clauses: Iterable[Clause]) -> np.ndarray:
    """Per position: every clause holds (all true for the empty filter)."""
    mask = np.ones(len(ctx.per_issue), dtype=bool)
    for clause in clauses:
        mask &= clause_mask(ctx, clause)
    return mask


def clause_mask(ctx: CalculationContext, clause: Clause) -> np.ndarray:
    """Per position: the clause holds."""
    hit = ctx.memo(("clause", clause.field, _folded(clause.values)),
                   lambda: _any_value_matches(ctx, clause.field, clause.values))
    return ~hit if clause.negated else hit


def _folded(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({v.strip().casefold() for v in values}))


def _any_value_matches(ctx: CalculationContext, field: str, values: tuple[str, ...]) -> np.ndarray:
    column = _COLUMNS.get(field)
    if column is not None:
        return _column_matches(column(ctx), values)
    if field == "fixversion":
        return _fix_version_matches(ctx, values)
    mask = np.zeros(len(ctx.per_issue), dtype=bool)
    for field_id in _VALUE_FIELDS.get(field, (field,)):
        mask |= ctx.fields.matches(field_id, values)
    return mask


def _column_matches(column: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """Case-insensitive membership over a per-issue text column, one fold per distinct name."""
    codes, uniques = pd.factorize(column.astype("str"), use_na_sentinel=False)
    wanted = set(_folded(values))
    hits = np.array([str(u).strip().casefold() in wanted for u in uniques], dtype=bool)
    return hits[codes] if len(codes) else np.zeros(0, dtype=bool)


def _fix_version_matches(ctx: CalculationContext, values: tuple[str, ...]) -> np.ndarray:
    fixes = ctx.versions[ctx.versions["relation"] == "fix"]
    wanted = set(_folded(values))
    named = fixes["name"].astype("str").str.strip().str.casefold().isin(wanted).to_numpy()
    mask = np.zeros(len(ctx.per_issue), dtype=bool)
    mask[fixes["pos"].to_numpy()[named]] = True
    return mask


_COLUMNS: dict[str, Callable[[CalculationContext], pd.Series]] = {
    "type": lambda ctx: ctx.per_issue["issue_type"],
    "status": lambda ctx: ctx.per_issue["status"],
}
