"""Monte Carlo forecast from the window's daily throughput (METRICS.md section 7).

Terms:

- *day* (for sampling): one of ``period_days`` consecutive 24-hour buckets that end
  at ``as_of``; bucket ``i`` is ``[start + i d, start + (i + 1) d)`` with
  ``start = as_of - period_days``. When ``as_of`` is a UTC midnight (the usual
  ``--as-of 2026-01-01``) these are exactly the UTC calendar days of the window.
  When it is not (``as_of`` = now), calendar days would make the first and last
  samples partial days that under-count throughput and bias every forecast low;
  a delivery lead reads "items per day" as per full day, so the buckets slide with
  ``as_of``. Every completion in the window falls in exactly one bucket and there
  are always ``period_days`` samples, zero days included.
- *daily throughput samples*: the number of flow items whose ``completed_at`` falls
  in each day (or, for a points forecast, the sum of their points: :func:`daily_sums`).
- *trial*: one simulated future, drawing daily samples with replacement.
- *how many in the next D days* at confidence ``c``: the largest ``X`` such that at
  least a fraction ``c`` of trials complete ``X`` or more items. Taken as the
  ``1 - c`` quantile of the trial totals with numpy's ``method="lower"`` (an actual
  trial total, rounded towards fewer items), so "at least X items with c
  confidence" holds on the simulated trials.
- *when will N be done* at confidence ``c``: ``as_of`` plus the ``c`` quantile of
  the number of days each trial needs to reach ``N``, with ``method="higher"``
  (rounded towards later), so "done by this date with c confidence" holds. Day
  ``k`` ends at ``as_of + k days``. A trial that has not reached ``N`` within
  ``MAX_DAYS`` counts as never; when the quantile lands on such a trial, or
  throughput is all zero, the date is ``None`` (not a made-up far date).
- *amount*: what "when" waits for: a whole number of items, or of points. The
  trials themselves are drawn by :mod:`data.metrics.sampling`.

Randomness comes from a seeded ``numpy.random.Generator``: the same samples, seed
and parameters always give the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from data.metrics.sampling import (
    DEFAULT_SEED,
    DEFAULT_TRIALS,
    MAX_CELLS,
    checked_samples,
    quantile_days,
    trial_days,
)

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext

DEFAULT_CONFIDENCES = (0.5, 0.85, 0.95)
DEFAULT_HORIZONS = (14, 30)
DEFAULT_ITEMS = (20, 50)
_DAY = np.timedelta64(1, "D")


def daily_counts(
    completed_at: pd.Series | Sequence[datetime | None], as_of: datetime, period_days: int
) -> np.ndarray:
    """Count completion instants per 24-hour bucket of ``[as_of - period_days, as_of)``.

    ``completed_at`` may hold ``NaT``/``None`` (not completed); those and instants
    outside the window are ignored. Returns ``period_days`` int64 counts, oldest first.
    """
    buckets, _ = _buckets(completed_at, None, as_of, period_days)
    return np.bincount(buckets, minlength=period_days).astype(np.int64)


def daily_sums(
    completed_at: pd.Series | Sequence[datetime | None],
    weights: Sequence[float] | np.ndarray,
    as_of: datetime,
    period_days: int,
) -> np.ndarray:
    """Sum ``weights`` (one per instant: an item's points) per bucket, like :func:`daily_counts`.

    Returns ``period_days`` float64 sums, oldest first.
    """
    buckets, kept = _buckets(completed_at, np.asarray(weights, dtype=np.float64), as_of,
                             period_days)
    return np.bincount(buckets, weights=kept, minlength=period_days).astype(np.float64)


def _buckets(
    completed_at: pd.Series | Sequence[datetime | None],
    weights: np.ndarray | None,
    as_of: datetime,
    period_days: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Bucket number of every instant inside the window, and the weights kept with them."""
    raw = completed_at if isinstance(completed_at, pd.Series) else pd.Series(list(completed_at))
    times = pd.to_datetime(raw, utc=True).reset_index(drop=True)
    end = _utc(as_of)
    start = end - pd.Timedelta(days=period_days)
    inside = (times.notna() & (times >= start) & (times < end)).to_numpy()
    # Integer floor division of exact timedeltas: no float error at bucket edges.
    buckets = ((times[inside] - start).to_numpy() // _DAY).astype(np.int64)
    return buckets, None if weights is None else weights[inside]


def _utc(instant: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(instant)  # a naive time is taken as UTC, like the context does
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def daily_throughput(ctx: CalculationContext) -> np.ndarray:
    """Completed flow items per day (see module docstring) over the context's window."""
    completed_at = ctx.per_issue["completed_at"][ctx.is_flow]
    return daily_counts(completed_at, ctx.as_of.to_pydatetime(), ctx.period_days)


def how_many(
    samples: Sequence[int] | np.ndarray,
    days: int,
    confidences: Sequence[float] = DEFAULT_CONFIDENCES,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> dict[float, int]:
    """Items completed in the next ``days`` days: at least X with each confidence.

    With no samples, or ``days <= 0``, every figure is 0.
    """
    array = checked_samples(samples, confidences, trials)
    if array.size == 0 or days <= 0:
        return dict.fromkeys(confidences, 0)
    rng = np.random.default_rng(seed)
    totals = np.zeros(trials, dtype=array.dtype)
    step = max(1, MAX_CELLS // 2 // trials)  # bounded memory for long horizons
    for drawn in range(0, days, step):
        totals += rng.choice(array, size=(trials, min(step, days - drawn))).sum(axis=1)
    return {c: np.quantile(totals, 1.0 - c, method="lower").item() for c in confidences}


def when(
    samples: Sequence[int] | np.ndarray,
    items: int,
    as_of: datetime,
    confidences: Sequence[float] = DEFAULT_CONFIDENCES,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> dict[float, datetime | None]:
    """Date by which ``items`` more items are done, with each confidence (or None).

    ``items <= 0`` is done already: ``as_of`` at every confidence.
    """
    return dates_after(as_of, days_needed(samples, items, confidences, trials=trials, seed=seed))


def dates_after(as_of: datetime, days: Mapping[float, int | None]) -> dict[float, datetime | None]:
    """``as_of`` plus each whole number of days (None stays None)."""
    return {c: None if d is None else as_of + timedelta(days=d) for c, d in days.items()}


def days_needed(
    samples: Sequence[float] | np.ndarray,
    items: float,
    confidences: Sequence[float] = DEFAULT_CONFIDENCES,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> dict[float, int | None]:
    """Whole days needed to complete ``items`` at each confidence; None = not within MAX_DAYS."""
    checked_samples(samples, confidences, trials)
    return quantile_days(trial_days(samples, items, trials=trials, seed=seed), confidences)


@dataclass(frozen=True)
class Forecast:
    """Monte Carlo answers for one context.

    ``how_many[days][confidence]`` is an item count; ``when[items][confidence]`` a UTC
    datetime or None; ``days_needed`` the same as whole days from ``as_of``.
    """

    as_of: datetime
    sample_days: int
    completed_in_window: int
    mean_per_day: float
    trials: int
    seed: int
    confidences: tuple[float, ...]
    how_many: Mapping[int, Mapping[float, int]]
    when: Mapping[int, Mapping[float, datetime | None]]
    days_needed: Mapping[int, Mapping[float, int | None]]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: keys are strings (days / items, then confidence), dates ISO 8601."""
        return {
            "sample_days": self.sample_days,
            "completed_in_window": self.completed_in_window,
            "mean_per_day": self.mean_per_day,
            "trials": self.trials,
            "seed": self.seed,
            "confidences": list(self.confidences),
            "how_many": _keyed(self.how_many, lambda v: v),
            "when": _keyed(self.when, lambda v: None if v is None else v.isoformat()),
            "days_needed": _keyed(self.days_needed, lambda v: v),
        }


def _keyed(table: Mapping[int, Mapping[float, Any]], convert: Any) -> dict[str, dict[str, Any]]:
    return {str(k): {str(c): convert(v) for c, v in row.items()} for k, row in table.items()}


def forecast(
    ctx: CalculationContext,
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    items: Sequence[int] = DEFAULT_ITEMS,
    confidences: Sequence[float] = DEFAULT_CONFIDENCES,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> Forecast:
    """Forecast the context's flow throughput: how many in each horizon, when each N."""
    return forecast_from_samples(
        daily_throughput(ctx), ctx.as_of.to_pydatetime(), horizons=horizons, items=items,
        confidences=confidences, trials=trials, seed=seed,
    )


def forecast_from_samples(
    samples: Sequence[int] | np.ndarray,
    as_of: datetime,
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    items: Sequence[int] = DEFAULT_ITEMS,
    confidences: Sequence[float] = DEFAULT_CONFIDENCES,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> Forecast:
    """The pure core of :func:`forecast`, on an explicit daily-throughput array."""
    conf = tuple(confidences)
    array = checked_samples(samples, conf, trials)
    runs = {"confidences": conf, "trials": trials, "seed": seed}
    needed = {n: days_needed(array, n, **runs) for n in items}
    dates = {n: dates_after(as_of, row) for n, row in needed.items()}
    return Forecast(
        as_of=as_of,
        sample_days=int(array.size),
        completed_in_window=int(array.sum()),
        mean_per_day=float(array.mean()) if array.size else 0.0,
        trials=trials,
        seed=seed,
        confidences=conf,
        how_many=_frozen({d: how_many(array, d, **runs) for d in horizons}),
        when=_frozen(dates),
        days_needed=_frozen(needed),
    )


def _frozen(table: Mapping[int, Mapping[float, Any]]) -> Mapping[int, Mapping[float, Any]]:
    return MappingProxyType({k: MappingProxyType(dict(row)) for k, row in table.items()})
