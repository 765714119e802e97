"""Cache keys: which inputs change the store key and the results key; JQL rewriting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

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
from data.cache.keys import public_url, results_key, split_order_by, store_key
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
