"""Monte Carlo forecast: sampling window, quantile direction, determinism, edge cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configuration.errors import MetricError
from data.metrics.forecast import (
    Forecast,
    daily_counts,
    daily_sums,
    daily_throughput,
    days_needed,
    forecast,
    forecast_from_samples,
    how_many,
    when,
)
from data.metrics.sampling import MAX_DAYS, NEVER, trial_days
from tests.builders import issue
from tests.data.metrics.support import context_of

AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
CONF = (0.5, 0.85, 0.95)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- daily samples -------------------------------------------------------------------


def test_daily_counts_at_midnight_are_utc_calendar_days() -> None:
    done = [
        ts("2025-12-29T00:00:00+00:00"),  # first instant of bucket 0
        ts("2025-12-29T23:59:59+00:00"),  # last second of bucket 0
        ts("2025-12-31T03:00:00+05:30"),  # 2025-12-30T21:30Z -> bucket 1
        ts("2025-12-31T23:59:59+00:00"),  # bucket 2
    ]
    assert daily_counts(done, AS_OF, 3).tolist() == [2, 1, 1]


def test_daily_counts_ignore_outside_window_and_not_completed() -> None:
    done = [
        ts("2025-12-28T23:59:59+00:00"),  # before the window start
        ts("2026-01-01T00:00:00+00:00"),  # at as_of: the end is exclusive
        None,
        pd.NaT,
        ts("2025-12-30T12:00:00+00:00"),
    ]
    assert daily_counts(done, AS_OF, 3).tolist() == [0, 1, 0]


def test_daily_counts_slide_with_an_as_of_that_is_not_midnight() -> None:
    as_of = datetime(2026, 1, 1, 10, tzinfo=UTC)  # buckets start at 10:00 UTC
    done = pd.Series(
        pd.to_datetime(
            ["2025-12-29T10:00:00Z", "2025-12-30T09:59:59Z", "2025-12-30T10:00:00Z",
             "2026-01-01T09:59:59Z"],
            utc=True,
        )
    )
    counts = daily_counts(done, as_of, 3)
    assert counts.tolist() == [2, 1, 1]
    assert counts.dtype == np.int64


def test_daily_counts_include_zero_days() -> None:
    assert daily_counts([], AS_OF, 90).tolist() == [0] * 90


# --- how many ------------------------------------------------------------------------


def test_constant_samples_give_exact_totals() -> None:
    assert how_many([2] * 10, 14) == {0.5: 28, 0.85: 28, 0.95: 28}


def test_how_many_reads_at_least_x_items() -> None:
    # One day, P(1 item) = 0.75: "at least 1" holds with 50% confidence, not with 85%.
    assert how_many([0, 1, 1, 1], 1, CONF) == {0.5: 1, 0.85: 0, 0.95: 0}


def test_how_many_figure_is_met_by_at_least_c_of_trials() -> None:
    samples = np.array([0, 0, 1, 3, 5])
    figures = how_many(samples, 14, CONF, trials=4000, seed=9)
    totals = np.random.default_rng(9).choice(samples, size=(4000, 14)).sum(axis=1)
    for c, figure in figures.items():
        assert (totals >= figure).mean() >= c
        assert (totals >= figure + 1).mean() < c  # and it is the largest such figure


def test_how_many_is_deterministic_per_seed() -> None:
    samples = [0, 1, 4, 0, 2, 7, 0]
    assert how_many(samples, 30, seed=5) == how_many(samples, 30, seed=5)


@pytest.mark.parametrize(("samples", "days"), [([], 14), ([3, 1], 0), ([3, 1], -1)])
def test_how_many_without_samples_or_days_is_zero(samples: list[int], days: int) -> None:
    assert how_many(samples, days) == {0.5: 0, 0.85: 0, 0.95: 0}


@pytest.mark.parametrize(("samples", "confidences", "trials", "message"), [
    ([1, -1], CONF, 10, "negative"),
    ([1, 2], CONF, 0, "at least one trial"),
    ([1, 2], (0.0,), 10, "confidences"),
    ([1, 2], (1.5,), 10, "confidences"),
])
def test_bad_parameters_are_one_clear_error(
    samples: list[int], confidences: tuple[float, ...], trials: int, message: str
) -> None:
    with pytest.raises(MetricError, match=message):
        how_many(samples, 5, confidences, trials=trials)
    with pytest.raises(MetricError, match=message):
        when(samples, 5, AS_OF, confidences, trials=trials)


def test_long_horizons_are_drawn_in_bounded_chunks() -> None:
    # 3 chunks of 200 days at 10,000 trials: every day still counted once per trial.
    assert how_many([3] * 7, 450) == dict.fromkeys(CONF, 1350)
    figures = how_many([0, 1], 450)
    assert 200 < figures[0.95] < figures[0.85] < figures[0.5] < 240


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=30), st.integers(1, 40))
def test_how_many_shrinks_with_confidence_and_stays_in_bounds(
    samples: list[int], days: int
) -> None:
    figures = how_many(samples, days, CONF, trials=500, seed=1)
    assert figures[0.5] >= figures[0.85] >= figures[0.95]
    assert min(samples) * days <= figures[0.95] <= figures[0.5] <= max(samples) * days


# --- when ----------------------------------------------------------------------------


def test_constant_samples_give_exact_date() -> None:
    assert when([2] * 5, 10, AS_OF) == dict.fromkeys(CONF, datetime(2026, 1, 6, tzinfo=UTC))


def test_when_reads_done_by_this_date() -> None:
    # Days to the first item are geometric with p = 0.75:
    # P(<= 1 d) = 0.75, P(<= 2 d) = 0.9375, P(<= 3 d) = 0.984.
    assert days_needed([0, 1, 1, 1], 1, CONF) == {0.5: 1, 0.85: 2, 0.95: 3}
    assert when([0, 1, 1, 1], 1, AS_OF)[0.85] == AS_OF + timedelta(days=2)


@pytest.mark.parametrize("samples", [[0] * 90, []])
def test_zero_throughput_gives_no_date(samples: list[int]) -> None:
    assert when(samples, 5, AS_OF) == dict.fromkeys(CONF)


def test_nothing_left_to_do_is_done_now() -> None:
    assert when([0, 0], 0, AS_OF) == dict.fromkeys(CONF, AS_OF)


def test_beyond_ten_years_gives_no_date() -> None:
    # One item per 90 days: 50 items take about 4,500 days, beyond MAX_DAYS.
    assert days_needed([0] * 89 + [1], 50, trials=1000) == dict.fromkeys(CONF)


def test_slow_throughput_is_simulated_across_chunks() -> None:
    # Ten items at p = 1/90 per day: negative binomial, mean 900 d, median ~870 d.
    days = days_needed([0] * 89 + [1], 10, CONF)
    assert 780 < days[0.5] < 960
    assert days[0.5] < days[0.85] < days[0.95] <= MAX_DAYS


def test_when_is_deterministic_and_seed_matters() -> None:
    samples = [0, 1, 4, 0, 2, 7, 0]
    assert days_needed(samples, 60, seed=3) == days_needed(samples, 60, seed=3)
    runs = {tuple(days_needed(samples, 60, (0.6,), trials=200, seed=s).values()) for s in
            range(6)}
    assert len(runs) > 1


# --- the result object ---------------------------------------------------------------


def test_forecast_from_samples_to_json() -> None:
    result = forecast_from_samples([2] * 90, AS_OF, horizons=(14,), items=(10,), trials=100)
    assert isinstance(result, Forecast)
    assert result.to_json() == {
        "sample_days": 90,
        "completed_in_window": 180,
        "mean_per_day": 2.0,
        "trials": 100,
        "seed": 20231,
        "confidences": [0.5, 0.85, 0.95],
        "how_many": {"14": {"0.5": 28, "0.85": 28, "0.95": 28}},
        "when": {"10": dict.fromkeys(("0.5", "0.85", "0.95"), "2026-01-06T00:00:00+00:00")},
        "days_needed": {"10": {"0.5": 5, "0.85": 5, "0.95": 5}},
    }


def test_forecast_is_frozen_and_repeatable() -> None:
    samples = np.random.default_rng(0).poisson(1.3, 90)
    first = forecast_from_samples(samples, AS_OF)
    assert first.to_json() == forecast_from_samples(samples, AS_OF).to_json()
    with pytest.raises(AttributeError):
        first.seed = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        first.how_many[14] = {}  # type: ignore[index]


# --- from a context ------------------------------------------------------------------


def _done_issue(key: str, done_at: str, issue_type: str = "Story") -> dict:
    return issue(key, type=issue_type, created="2025-12-01T00:00:00.000+0000", transitions=[
        ("2025-12-02T00:00:00.000+0000", "To Do", "In Progress"),
        (done_at, "In Progress", "Done"),
    ])


def throughput_fixture() -> list[dict]:
    return [
        _done_issue("T-1", "2026-01-29T23:59:59.000+0000"),  # day 0 (01-29)
        _done_issue("T-2", "2026-01-30T01:30:00.000+0200"),  # 2026-01-29T23:30Z: day 0
        _done_issue("T-3", "2026-01-31T12:00:00.000+0000"),  # day 2 (01-31)
        _done_issue("T-4", "2026-01-28T23:59:59.000+0000"),  # before the window
        _done_issue("T-5", "2026-01-31T12:00:00.000+0000", "Deployment"),  # not a flow item
        issue("T-6", created="2025-12-01T00:00:00.000+0000", transitions=[  # reopened
            ("2026-01-30T00:00:00.000+0000", "In Progress", "Done"),
            ("2026-01-31T00:00:00.000+0000", "Done", "In Progress"),
        ]),
    ]


def test_daily_throughput_counts_flow_items_completed_per_day() -> None:
    ctx = context_of(throughput_fixture(), period_days=3)
    assert daily_throughput(ctx).tolist() == [2, 0, 1]


def test_forecast_of_a_context_is_the_forecast_of_its_samples() -> None:
    ctx = context_of(throughput_fixture(), period_days=3)
    result = forecast(ctx, horizons=(3,), items=(4,), trials=2000)
    expected = forecast_from_samples([2, 0, 1], datetime(2026, 2, 1, tzinfo=UTC),
                                     horizons=(3,), items=(4,), trials=2000)
    assert result == expected
    assert result.completed_in_window == 3
    assert result.to_json()["when"]["4"]["0.5"].startswith("2026-02-0")


# --- the sampler against the exact distribution ----------------------------------------
#
# The days T a trial needs to reach N satisfy P(T <= d) = P(S_d >= N), where S_d is the
# sum of d independent draws from the empirical daily pmf. Convolving the pmf day by day
# (keeping only the mass still below N) gives that CDF exactly; the Monte Carlo quantile
# must then sit where the exact CDF crosses c, up to the sampling error of 10,000 trials.


def exact_days_cdf(samples: list[float], amount: float, days: int, scale: int = 1) -> np.ndarray:
    """``cdf[d] = P(T <= d)`` for ``d`` in ``0..days``; ``scale`` makes points whole."""
    values, counts = np.unique(np.rint(np.asarray(samples) * scale).astype(int),
                               return_counts=True)
    pmf = counts / counts.sum()
    target = round(amount * scale)
    below = np.zeros(target)
    below[0] = 1.0  # the running sum of a trial not yet done, over 0 .. target - 1
    cdf = [0.0]
    for _ in range(days):
        grown = np.zeros(target + values.max())
        for value, p in zip(values, pmf, strict=True):
            grown[value:value + target] += p * below
        below = grown[:target]
        cdf.append(1.0 - below.sum())
    return np.array(cdf)


def sampling_error(c: float, trials: int) -> float:
    """Four standard errors of a share ``c`` estimated from ``trials`` trials (for a
    share near 0 or 1, at least that of one trial in ``trials``)."""
    variance = max(c * (1 - c), 1 / trials)
    return 4 * (variance / trials) ** 0.5


EXACT_CASES = [
    # (samples, amount, scale)
    ([0, 1, 1, 1], 1, 1),
    ([0, 0, 0, 1, 2, 5, 0, 3], 40, 1),
    (list(np.random.default_rng(4).poisson(3, 90)), 1000, 1),
    ([0] * 70 + [1] * 15 + [4] * 5, 30, 1),  # mostly zero days: drawn by event
    ([0, 0.5, 1.5, 3, 8, 0, 2.5], 37.5, 2),  # points
    ([0] * 10 + [0.5, 2.5], 7.5, 2),  # points, by event
]


@pytest.mark.parametrize(("samples", "amount", "scale"), EXACT_CASES)
@pytest.mark.parametrize("seed", [1, 20231])
def test_when_quantiles_match_the_exact_distribution(
    samples: list[float], amount: float, scale: int, seed: int
) -> None:
    figures = days_needed(samples, amount, (0.5, 0.85, 0.95), seed=seed)
    cdf = exact_days_cdf(samples, amount, max(figures.values()) + 1, scale)
    for c, day in figures.items():
        tolerance = sampling_error(c, 10_000)
        assert cdf[day] >= c - tolerance, (c, day, cdf[day - 1: day + 2])
        assert cdf[day - 1] <= c + tolerance, (c, day, cdf[day - 1: day + 2])


@pytest.mark.parametrize(("samples", "amount", "scale"), EXACT_CASES[1:])
def test_the_share_of_trials_done_by_each_day_is_the_exact_cdf(
    samples: list[float], amount: float, scale: int
) -> None:
    days = trial_days(samples, amount, seed=7)
    cdf = exact_days_cdf(samples, amount, int(days.max()), scale)
    for day in range(int(days.min()) - 1, int(days.max()) + 1):
        share = (days <= day).mean()
        assert abs(share - cdf[day]) <= sampling_error(cdf[day], days.size), day


def test_the_exact_check_catches_a_sampler_one_day_late() -> None:
    # The tolerance is tight enough to see an off-by-one: the same check on the days
    # shifted by one fails for the 1,000-item scope.
    samples, amount, _ = EXACT_CASES[2]
    figures = days_needed(samples, amount, (0.5,))
    cdf = exact_days_cdf(samples, amount, figures[0.5] + 2)
    late = figures[0.5] + 1
    assert cdf[late - 1] > 0.5 + sampling_error(0.5, 10_000)


def test_trial_days_edge_cases() -> None:
    assert trial_days([1, 2], 0, trials=5).tolist() == [0] * 5
    assert trial_days([0, 0], 3, trials=5).tolist() == [NEVER] * 5
    assert trial_days([], 3, trials=5).tolist() == [NEVER] * 5
    assert trial_days([2], 5, trials=3).tolist() == [3] * 3


def test_daily_sums_add_weights_per_day() -> None:
    done = [ts("2025-12-29T01:00:00+00:00"), ts("2025-12-29T23:00:00+00:00"), None,
            ts("2025-12-31T12:00:00+00:00"), ts("2026-01-01T00:00:00+00:00")]
    sums = daily_sums(done, [1.5, 2.0, 8.0, 0.5, 9.0], AS_OF, 3)
    assert sums.tolist() == [3.5, 0.0, 0.5]


@pytest.mark.parametrize("samples", [[1.0, float("nan")], [1.0, float("inf")], ["a", "b"]])
def test_samples_that_are_not_finite_numbers_are_one_clear_error(samples: list) -> None:
    with pytest.raises(MetricError, match="numbers"):
        days_needed(samples, 5)
