"""Cache keys: which inputs change the store key and the results key; JQL rewriting."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from configuration.settings import (
    CacheSettings,
    DoraSettings,
    IncidentSettings,
    JiraSettings,
    RateLimit,
    Settings,
    WorkflowSettings,
)
from data.cache.keys import (
    config_hash,
    engine_fingerprint,
    normalize_jql,
    number_settings,
    public_url,
    results_key,
    split_order_by,
    stable_hash,
    store_key,
)
from data.cache.sync import incremental_jql

BASE = JiraSettings(url="https://acme.atlassian.net", jql="project = DEMO", token="t1")


@pytest.mark.parametrize(
    ("changes", "same"),
    [
        ({"url": "https://ACME.atlassian.net/"}, True),
        ({"url": "https://bob:pw@acme.atlassian.net"}, True),
        ({"jql": "  project   =  DEMO "}, True),
        ({"token": "another"}, True),
        ({"email": "x@example.com"}, True),
        ({"page_size": 50}, True),
        ({"rate_limit": RateLimit(5, 1.0)}, True),
        ({"auth": "bearer"}, True),
        ({"url": "https://other.atlassian.net"}, False),
        ({"url": "https://acme.atlassian.net/jira"}, False),
        ({"jql": "project = OTHER"}, False),
        ({"jql": "project = demo"}, False),  # JQL values may be case-sensitive
        ({"flavor": "datacenter"}, False),
    ],
)
def test_store_key_depends_on_url_flavor_and_jql_only(changes: dict, same: bool) -> None:
    assert (store_key(replace(BASE, **changes)) == store_key(BASE)) is same


def test_public_url_drops_credentials_and_normalizes() -> None:
    assert public_url("HTTPS://u:p@Acme.Example.com:8443/jira/") == "https://acme.example.com:8443/jira"
    assert public_url(None) == ""


AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
SETTINGS = Settings(jira=BASE)


@pytest.mark.parametrize(
    ("label", "changed", "as_of", "days", "same"),
    [
        ("nothing", SETTINGS, AS_OF, 90, True),
        ("token", replace(SETTINGS, jira=replace(BASE, token="t2")), AS_OF, 90, True),
        ("ttl", replace(SETTINGS, cache=CacheSettings(1)), AS_OF, 90, True),
        ("settings period (the given one counts)", replace(SETTINGS, period_days=7), AS_OF, 90,
         True),
        ("workflow", replace(SETTINGS, workflow=WorkflowSettings(("Doing",))), AS_OF, 90, False),
        ("flow types", replace(SETTINGS, flow_types={"feature": ("Epic",)}), AS_OF, 90, False),
        ("dora incidents",
         replace(SETTINGS, dora=DoraSettings(incidents=IncidentSettings(("Bug",)))), AS_OF, 90,
         False),
        ("period", SETTINGS, AS_OF, 30, False),
        ("as_of", SETTINGS, datetime(2026, 1, 2, tzinfo=UTC), 90, False),
    ],
)
def test_results_key_changes_exactly_with_number_settings(
    label: str, changed: Settings, as_of: datetime, days: int, same: bool
) -> None:
    base = results_key("store-v1", SETTINGS, as_of=AS_OF, period_days=90)
    assert (results_key("store-v1", changed, as_of=as_of, period_days=days) == base) is same


def test_results_key_changes_with_the_store_version() -> None:
    one = results_key("k-v1-aaa", SETTINGS, as_of=AS_OF, period_days=90)
    assert one != results_key("k-v2-bbb", SETTINGS, as_of=AS_OF, period_days=90)


@pytest.mark.parametrize(
    ("jql", "where", "order_by"),
    [
        ("project = DEMO", "project = DEMO", ""),
        ("project = DEMO ORDER BY created DESC", "project = DEMO", "ORDER BY created DESC"),
        ("project = DEMO order   by rank", "project = DEMO", "order   by rank"),
        ('summary ~ "order by" ORDER BY key', 'summary ~ "order by"', "ORDER BY key"),
        ("summary ~ 'x order by y'", "summary ~ 'x order by y'", ""),
        ("ORDER BY created", "", "ORDER BY created"),
        ("project = BORDER", "project = BORDER", ""),
    ],
)
def test_split_order_by(jql: str, where: str, order_by: str) -> None:
    assert split_order_by(jql) == (where, order_by)


SINCE = datetime(2026, 2, 27, 23, 5, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("project = DEMO", '(project = DEMO) AND updated >= "2026-02-27 23:05"'),
        (
            "project = A OR project = B ORDER BY created DESC",
            '(project = A OR project = B) AND updated >= "2026-02-27 23:05" '
            "ORDER BY created DESC",
        ),
        ("ORDER BY key", 'updated >= "2026-02-27 23:05" ORDER BY key'),
    ],
)
def test_incremental_jql_wraps_the_filter_and_keeps_the_order(jql: str, expected: str) -> None:
    assert incremental_jql(jql, SINCE) == expected


def _sha(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def test_stable_hash_is_the_sha256_of_canonical_json():
    """Rule: a hash is SHA-256 of compact JSON with sorted keys, where dataclasses and
    mappings are objects, tuples lists, sets sorted lists and datetimes ISO strings, so
    equal values hash alike in every process and release."""
    value = {"when": datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "tags": frozenset({"b", "a", 3}),
             "pair": ("x", 1), "wf": WorkflowSettings(active_statuses=("Doing",)), 7: None}
    text = ('{"7":null,"pair":["x",1],"tags":[3,"a","b"],"wf":{"active_statuses":["Doing"],'
            '"done_statuses":null,"waiting_statuses":null},"when":"2026-01-02T03:04:00+00:00"}')
    assert stable_hash(value) == _sha(text, 20)
    assert stable_hash(value, length=8) == _sha(text, 8)


def test_store_and_config_keys_keep_their_format_across_releases():
    """Rule: the store key of given settings never changes between releases (a new key
    would orphan every user's cache): 16 hex digits of the URL, flavor and JQL."""
    key = _sha('{"flavor":"cloud","jql":"project = DEMO","url":"https://acme.atlassian.net"}',
               16)
    assert store_key(BASE) == key == "fef1bf216f2020ca"
    assert config_hash(BASE, ["b", "a", "a"], ["c"]) == _sha(
        f'{{"fields":["a","b"],"key":"{key}","value_fields":["c"]}}', 20)


def test_results_key_hashes_store_settings_window_and_engine():
    """Rule: the results key is 32 hex digits over the store version, the number settings,
    ``as_of``, the period and the engine fingerprint (nothing else)."""
    settings = Settings(workflow=WorkflowSettings(done_statuses=("Live",)))
    expected = {"store": "s-v1", "settings": number_settings(settings),
                "as_of": "2026-01-01T00:00:00+00:00", "period_days": 30,
                "engine": engine_fingerprint()}
    text = json.dumps(expected, sort_keys=True, separators=(",", ":"))
    assert results_key("s-v1", settings, as_of=AS_OF, period_days=30) == _sha(text, 32)


def test_number_settings_are_the_four_groups_that_change_numbers():
    settings = Settings(workflow=WorkflowSettings(done_statuses=("Live",)))
    numbers = number_settings(settings)
    assert sorted(numbers) == ["dora", "flow_types", "forecast", "workflow"]
    assert numbers["workflow"] == {"active_statuses": None, "waiting_statuses": None,
                                   "done_statuses": ["Live"]}
    assert numbers["flow_types"]["feature"] == ["Story"]


def test_values_without_a_json_type_hash_as_their_text():
    """Rule: anything JSON has no type for (a date, a path) is hashed as its ``str``,
    never refused."""
    assert stable_hash({"day": date(2026, 1, 2)}) == _sha('{"day":"2026-01-02"}', 20)


@pytest.mark.parametrize(("url", "expected"), [
    ("https:///rest/", "https:///rest"),  # no host: nothing invented in its place
    ("https://acme.net/X/", "https://acme.net/X"),  # only trailing slashes are dropped
])
def test_public_url_edge_cases(url, expected):
    assert public_url(url) == expected


def test_no_jql_normalizes_to_the_empty_query():
    assert normalize_jql(None) == ""


def test_number_settings_include_the_forecast_settings():
    """Rule: the forecast settings change numbers (scope filter, points field)."""
    assert number_settings(Settings())["forecast"] == {"scope_filter": [], "points_field": None}
