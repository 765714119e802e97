"""Field index and the scalar date parser (METRICS.md sections 1 and 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.metrics.fields import NAT, date_only_end_of_day, parse_field_time
from tests.builders import issue, named, option
from tests.data.metrics.support import context_of, settings_with


def ns(text: str) -> int:
    return int(pd.Timestamp(text).value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2025-03-12", "2025-03-13T00:00:00Z", id="date-only-end-of-day"),
        pytest.param("2025-12-31", "2026-01-01T00:00:00Z", id="date-only-year-end"),
        pytest.param("2025-03-04T09:12:33.000+0000", "2025-03-04T09:12:33Z", id="utc"),
        pytest.param("2025-03-04T09:12:33.000+0530", "2025-03-04T03:42:33Z", id="plus-0530"),
        pytest.param("2025-03-04T09:12:33.000-0500", "2025-03-04T14:12:33Z", id="minus-0500"),
        pytest.param("2025-03-04T09:12:33Z", "2025-03-04T09:12:33Z", id="zulu"),
        pytest.param(" 2025-03-12 ", "2025-03-13T00:00:00Z", id="spaces"),
    ],
)
def test_parse_field_time(text, expected):
    assert parse_field_time(text) == ns(expected)


@pytest.mark.parametrize("text", ["", "soon", "Production", "2025-13-45"])
def test_unparseable_field_time_is_nat(text):
    assert parse_field_time(text) == NAT


def test_vectorized_end_of_day_matches_scalar_parser():
    got = date_only_end_of_day(pd.Series(["2025-03-12", "", "2024-02-29"], dtype="str"))
    assert list(got) == [parse_field_time("2025-03-12"), NAT, parse_field_time("2024-02-29")]


ENV = "customfield_10050"


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        pytest.param("Production", True, id="string"),
        pytest.param("production ", True, id="string-case-and-space"),
        pytest.param(option("Production"), True, id="option-object"),
        pytest.param(named("Production"), True, id="name-object"),
        pytest.param([option("Staging"), option("Production")], True, id="list-any-matches"),
        pytest.param(["Staging", "QA"], False, id="list-none-matches"),
        pytest.param(option("Staging"), False, id="other-option"),
        pytest.param(None, False, id="null"),
        pytest.param([], False, id="empty-list"),
    ],
)
def test_field_matching(value, matches):
    settings = settings_with(deployments={"environment_field": ENV})
    ctx = context_of([issue("A-1", fields={ENV: value})], settings)
    assert ctx.fields.matches(ENV, ["Production"]).tolist() == [matches]


def test_numeric_field_values_match_their_text():
    settings = settings_with(deployments={"environment_field": ENV})
    ctx = context_of([issue("A-1", fields={ENV: 3.0}), issue("A-2", fields={ENV: 2.5})], settings)
    keys = ctx.per_issue["key"].to_numpy()
    assert keys[ctx.fields.matches(ENV, ["3"])].tolist() == ["A-1"]
    assert keys[ctx.fields.matches(ENV, ["2.5"])].tolist() == ["A-2"]


def test_field_time_takes_first_parseable_value():
    field = "customfield_10060"
    settings = settings_with(change_start_field=field)
    raws = [
        issue("A-1", fields={field: "2026-01-10T08:00:00.000+0100"}),
        issue("A-2", fields={field: ["not a date", "2026-01-11"]}),
        issue("A-3"),
    ]
    ctx = context_of(raws, settings)
    times = dict(zip(ctx.per_issue["key"], ctx.fields.times(field), strict=True))
    assert times == {
        "A-1": ns("2026-01-10T07:00:00Z"),
        "A-2": ns("2026-01-12T00:00:00Z"),
        "A-3": NAT,
    }


def test_unset_field_matches_nothing():
    ctx = context_of([issue("A-1")])
    assert not np.any(ctx.fields.matches(None, ["x"]))
    assert ctx.fields.times(None).tolist() == [NAT]
