"""The Monte Carlo sampler behind every "when" forecast (METRICS.md section 7).

Terms:

- *samples*: daily throughput samples (items, or points, completed per day);
  whole numbers are kept as int64, anything else as float64.
- *trial*: one simulated future: days drawn from the samples with replacement until
  the running sum reaches the *amount*. Its *day count* ``k`` means "done at
  ``as_of + k days``"; :data:`NEVER` when the amount is not reached within
  :data:`MAX_DAYS`.
- *amount*: a whole number of items, or of points (points may be fractional: a trial
  reaches a fractional amount when its running sum is within ``1e-9`` relative of
  it, so ``0.1 + 0.2`` reaches ``0.3``).
- *event*: a day whose sample is not zero. A slow team has mostly zero days; drawing
  the gap to the next event (geometric, with the share of non-zero samples as its
  probability) and the event's value (uniform among the non-zero samples) is the same
  random sequence of days in distribution, at a fraction of the draws.

Randomness comes from a seeded ``numpy.random.Generator``: the same samples, amount,
trials and seed always give the same day counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from configuration.errors import MetricError

DEFAULT_TRIALS = 10_000
DEFAULT_SEED = 20231
# Ten years: beyond this a date is not a forecast a team can act on.
MAX_DAYS = 3650
# The day count of a trial that never reaches the amount.
NEVER = MAX_DAYS + 1
# Upper bound on draws held in memory at once (trials x days): ~8 MB of picks,
# 16 MB of int32 sums (32 MB for float sums), 16 MB of gaps.
MAX_CELLS = 4_000_000
# Below this share of non-zero days, drawing events beats drawing every day: a
# geometric gap costs about five uniform picks.
_EVENT_SHARE = 0.5
_RELATIVE_TOLERANCE = 1e-9


def checked_samples(
    samples: Sequence[float] | np.ndarray, confidences: Sequence[float] = (), trials: int = 1
) -> np.ndarray:
    """The samples as int64 (whole numbers) or float64, after checking every parameter."""
    array = np.asarray(samples).ravel()
    if array.size and not np.issubdtype(array.dtype, np.number):
        raise MetricError("Daily throughput samples must be numbers.")
    if not array.size:
        array = np.zeros(0, np.int64)
    elif not np.isfinite(array.astype(np.float64)).all():
        raise MetricError("Daily throughput samples must be finite numbers.")
    if array.size and array.min() < 0:
        raise MetricError("Daily throughput samples cannot be negative.")
    if trials < 1:
        raise MetricError("A forecast needs at least one trial.")
    if any(not 0.0 < c <= 1.0 for c in confidences):
        raise MetricError("Forecast confidences must be between 0 (excluded) and 1.")
    as_float = array.astype(np.float64)
    whole = bool(array.size) and np.array_equal(as_float, np.round(as_float))
    return array.astype(np.int64) if whole or not array.size else as_float


def quantile_days(days: np.ndarray, confidences: Sequence[float]) -> dict[float, int | None]:
    """The ``c`` quantile (rounded later) of trial day counts; None when it is never."""
    figures: dict[float, int | None] = {}
    for c in confidences:
        day = np.quantile(days, c, method="higher")
        figures[c] = None if day > MAX_DAYS else int(day)
    return figures


def trial_days(
    samples: Sequence[float] | np.ndarray,
    amount: float,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """The day count of each of ``trials`` trials completing ``amount`` (int64).

    0 when ``amount <= 0`` (done already); :data:`NEVER` for every trial when the
    samples are all zero.
    """
    array = checked_samples(samples, (), trials)
    if amount <= 0:
        return np.zeros(trials, dtype=np.int64)
    if array.size == 0 or not array.any():
        return np.full(trials, NEVER, dtype=np.int64)
    return _simulate(array, amount, trials, np.random.default_rng(seed))


def _simulate(array: np.ndarray, amount: float, trials: int,
              rng: np.random.Generator) -> np.ndarray:
    """Day counts by chunks of draws (see :class:`_Draws`).

    Each chunk is a (pending trials, chunk) matrix of draws, cumsummed; a trial's
    first column at or over the target gives its day. Only the unfinished trials
    continue into the next chunk, so the Python loop runs per chunk (a handful of
    times), never per day. Chunks are sized from the mean so that most trials finish
    in the first one.
    """
    draws = _Draws(array, amount)
    result = np.full(trials, NEVER, dtype=np.int64)
    pending = np.arange(trials)
    so_far = np.zeros(trials, dtype=draws.sum_type)
    days_so_far = np.zeros(trials, dtype=np.int64)
    while pending.size:
        guess = int(np.ceil((draws.target - float(so_far.min())) / draws.mean * 1.2)) + 8
        chunk = min(guess, MAX_DAYS, max(1, MAX_CELLS // pending.size))
        running = draws.values(rng, pending.size, chunk)
        running += so_far[:, None]
        over = running >= draws.target
        reached = over[:, -1]
        first = over[reached].argmax(axis=1)
        if draws.by_event:
            days = draws.gaps(rng, pending.size, chunk).cumsum(axis=1, dtype=np.int32)
            day, last = days_so_far[reached] + days[reached, first], days_so_far + days[:, -1]
        else:
            day, last = days_so_far[reached] + first + 1, days_so_far + chunk
        result[pending[reached]] = np.where(day <= MAX_DAYS, day, NEVER)
        alive = ~reached & (last < MAX_DAYS)  # the others cannot make it in time
        so_far, days_so_far = running[alive, -1], last[alive]
        pending = pending[alive]
    return result


class _Draws:
    """How one simulation draws: every day, or only the events (see module docstring).

    Day picks are uint16 indices and whole-number sums int32 when they cannot
    overflow: half the memory traffic of int64, which is what the time is made of.
    """

    def __init__(self, array: np.ndarray, amount: float) -> None:
        nonzero = array[array != 0]
        share = nonzero.size / array.size
        self.by_event = share < _EVENT_SHARE
        picked = nonzero if self.by_event else array
        if array.dtype.kind == "f" or not float(amount).is_integer():
            self.sum_type: type = np.float64
            self.target: float = amount - _RELATIVE_TOLERANCE * max(1.0, abs(amount))
        else:
            largest = int(array.max()) * MAX_DAYS + int(amount)
            self.sum_type = np.int32 if largest < np.iinfo(np.int32).max else np.int64
            self.target = int(amount)
        self._picked = picked.astype(self.sum_type)
        self._pick_type = np.uint16 if picked.size <= 2**16 else np.int64
        self.mean = float(self._picked.mean())  # per draw: per day, or per event
        # Geometric gaps by inversion of an exponential: P(gap > k) = (1 - share) ** k.
        self._rate = -np.log1p(-share) if self.by_event else 0.0

    def values(self, rng: np.random.Generator, rows: int, chunk: int) -> np.ndarray:
        """Running sums of ``chunk`` draws for each of ``rows`` trials."""
        picks = rng.integers(0, self._picked.size, size=(rows, chunk), dtype=self._pick_type)
        return self._picked.take(picks).cumsum(axis=1, dtype=self.sum_type)

    def gaps(self, rng: np.random.Generator, rows: int, chunk: int) -> np.ndarray:
        """Days from one event to the next (geometric, at least 1), as int32."""
        waits = rng.standard_exponential(size=(rows, chunk), dtype=np.float32)
        return np.minimum(waits / self._rate, MAX_DAYS).astype(np.int32) + 1
