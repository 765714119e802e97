"""What the Forecast page's scope section shows (METRICS.md section 9). No Dash here.

Terms:

- *quick pick*: a ready-made scope clause offered from the data: each unreleased fix
  version of the flow items (with its release date), each open epic (a parent key of
  flow items whose own issue is not done at ``as_of``, with its summary) and each label
  of the flow items (most used first).
- *release*: when the scope names exactly one fix version (a ``fixversion=V`` clause
  with one value) and that version has a release date: its name and date (the end of
  that day in UTC, section 1), and the chance of making it (the share of trials done
  by then, :meth:`ScopeProgress.chance_by`).
- *remaining items*: the scope items not done at ``as_of``: key, summary, type, status
  and points, oldest first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from configuration.filters import Clause
from data.metrics.context import CalculationContext
from data.metrics.fields import date_only_end_of_day
from data.metrics.scope_forecast import ScopeForecast, scope_forecast, scope_mask
from data.metrics.workflow import DONE

MAX_LABEL_PICKS = 30


@dataclass(frozen=True)
class QuickPick:
    group: str  # "Fix version", "Epic" or "Label"
    clause: str
    label: str
    release_date: datetime | None = None


@dataclass(frozen=True)
class Release:
    name: str
    date: datetime
    chance: float  # in items
    points_chance: float | None


@dataclass(frozen=True)
class ScopeView:
    as_of: datetime
    clauses: tuple[str, ...]
    name: str  # how the sentences call the scope: "2.0", "EPIC-1", "the scope"
    forecast: ScopeForecast
    release: Release | None
    remaining: tuple[dict[str, Any], ...]
    points_field: str | None


def scope_view(ctx: CalculationContext, clauses: Sequence[Clause],
               points_field: str | None = None) -> ScopeView:
    """The forecast, release chance and remaining items of the scope ``clauses`` pick."""
    mask = scope_mask(ctx, clauses)
    result = scope_forecast(ctx, mask, points_field=points_field)
    release = _release(ctx, clauses, result)
    return ScopeView(
        as_of=ctx.as_of.to_pydatetime(),
        clauses=tuple(c.text for c in clauses),
        name=_name(clauses),
        forecast=result,
        release=release,
        remaining=tuple(_remaining(ctx, mask, points_field)),
        points_field=points_field,
    )


def _name(clauses: Sequence[Clause]) -> str:
    if len(clauses) == 1 and not clauses[0].negated and len(clauses[0].values) == 1:
        return clauses[0].values[0]
    return "the scope"


def _release(ctx: CalculationContext, clauses: Sequence[Clause],
             result: ScopeForecast) -> Release | None:
    named = [c for c in clauses if c.field == "fixversion" and not c.negated]
    if len(named) != 1 or len(named[0].values) != 1:
        return None
    dates = _version_dates(ctx)
    wanted = named[0].values[0].casefold()
    match = next(((name, when) for name, when in dates.items() if name.casefold() == wanted),
                 None)
    if match is None or match[1] is None:
        return None
    name, when = match
    points = result.points.chance_by(when) if result.points is not None else None
    return Release(name, when, result.items.chance_by(when), points)


def _version_dates(ctx: CalculationContext) -> dict[str, datetime | None]:
    """Fix version name -> its release date (end of day, UTC) or None."""
    fixes = ctx.versions[ctx.versions["relation"] == "fix"].drop_duplicates("name")
    ends = date_only_end_of_day(fixes["release_date"].astype("str"))
    return {str(name): None if end == np.iinfo(np.int64).min else
            pd.Timestamp(int(end), tz="UTC").to_pydatetime()
            for name, end in zip(fixes["name"], ends, strict=True)}


def _remaining(ctx: CalculationContext, mask: np.ndarray,
               points_field: str | None) -> list[dict[str, Any]]:
    done = ctx.timeline.states[ctx.status_at(ctx.as_of)] == DONE
    pos = np.flatnonzero(mask & ~done)
    per_issue = ctx.per_issue
    summary = per_issue.get("summary", pd.Series("", index=per_issue.index))
    points = ctx.fields.numbers(points_field) if points_field else None
    rows = [{
        "key": per_issue["key"].iat[p],
        "summary": str(summary.iat[p] or ""),
        "type": per_issue["issue_type"].iat[p],
        "status": str(per_issue["status"].iat[p]),
        "created": per_issue["created"].iat[p].isoformat(),
        **({"points": float(points[p])} if points is not None else {}),
    } for p in pos]
    return sorted(rows, key=lambda row: (row["created"], row["key"]))


def quick_picks(ctx: CalculationContext, parent_summaries: dict[str, str] | None = None,
                ) -> tuple[QuickPick, ...]:
    """Unreleased fix versions, open epics and labels of the flow items (module doc)."""
    return (*_version_picks(ctx), *_epic_picks(ctx, parent_summaries or {}),
            *_label_picks(ctx))


def _version_picks(ctx: CalculationContext) -> list[QuickPick]:
    flow_pos = np.flatnonzero(ctx.is_flow)
    fixes = ctx.versions[(ctx.versions["relation"] == "fix") & ~ctx.versions["released"]
                         & ctx.versions["pos"].isin(flow_pos)]
    dates = _version_dates(ctx)
    names = sorted(set(fixes["name"].astype("str")),
                   key=lambda n: (dates.get(n) is None, dates.get(n) or ctx.as_of, n))
    picks = []
    for name in names:
        when = dates.get(name)
        shown = f"{name} · release {when - pd.Timedelta(days=1):%d %b %Y}" if when else name
        picks.append(QuickPick("Fix version", f"fixversion={name}", shown, when))
    return picks


def _epic_picks(ctx: CalculationContext, parent_summaries: dict[str, str]) -> list[QuickPick]:
    rows = ctx.fields.values("parent")
    rows = rows[ctx.is_flow[rows["pos"].to_numpy()]] if len(rows) else rows
    keys = sorted(set(rows["value"].astype("str")))
    per_issue = ctx.per_issue
    done = ctx.timeline.states[ctx.status_at(ctx.as_of)] == DONE
    position = dict(zip(per_issue["key"], range(len(per_issue)), strict=True))
    picks = []
    for key in keys:
        pos = position.get(key)
        if pos is not None and done[pos]:
            continue  # a finished epic is no scope to forecast
        summary = parent_summaries.get(key) or (
            str(per_issue["summary"].iat[pos]) if pos is not None and "summary" in per_issue
            else "")
        picks.append(QuickPick("Epic", f"parent={key}", f"{key} · {summary}" if summary else key))
    return picks


def _label_picks(ctx: CalculationContext) -> list[QuickPick]:
    rows = ctx.fields.values("labels")
    rows = rows[ctx.is_flow[rows["pos"].to_numpy()]] if len(rows) else rows
    counts = Counter(rows["value"].astype("str"))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_LABEL_PICKS]
    return [QuickPick("Label", f"label={name}", f"{name} ({n} items)") for name, n in ranked]


def parent_summaries(issues: pd.DataFrame, ctx: CalculationContext) -> dict[str, str]:
    """Parent key -> its summary, from the children's ``parent_summary`` (frames' issues)."""
    if "parent_summary" not in issues:
        return {}
    rows = ctx.fields.values("parent")
    ids = ctx.per_issue["issue_id"].to_numpy()[rows["pos"].to_numpy()]
    by_id = dict(zip(issues["issue_id"], issues["parent_summary"], strict=True))
    return {str(key): str(by_id.get(i) or "") for key, i in zip(rows["value"], ids, strict=True)
            if by_id.get(i)}
