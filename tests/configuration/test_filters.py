"""Filter clauses (METRICS.md section 8): what parses, and what is bad input."""

from __future__ import annotations

import pytest

from configuration.errors import ConfigError
from configuration.filters import (
    Clause,
    custom_fields_of,
    parse_clause,
    parse_filter,
    require_fetched,
)
from configuration.validation import SettingsInvalid, parse_settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("type=Story", Clause("type", False, ("Story",))),
        ("Component != API , Web", Clause("component", True, ("API", "Web"))),
        ("fixVersion=v1.0", Clause("fixversion", False, ("v1.0",))),
        ("assignee=ann@x.io", Clause("assignee", False, ("ann@x.io",))),
        ("customfield_10042=Red,", Clause("customfield_10042", False, ("Red",))),
        ("label=a=b", Clause("label", False, ("a=b",))),
    ],
)
def test_clauses_parse(text: str, expected: Clause) -> None:
    assert parse_clause(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("team=A", 'unknown field "team"'),
        ("customfield_x=1", 'unknown field "customfield_x"'),
        ("type=", "has no value"),
        ("type!= , ", "has no value"),
        ("type", "must look like FIELD=V1,V2"),
        ("=Story", "must look like"),
    ],
)
def test_bad_clauses_name_the_clause(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_clause(text)
    assert message in str(caught.value)
    assert text in str(caught.value)


def test_a_filter_is_a_list_and_its_custom_fields_are_known() -> None:
    clauses = parse_filter(["customfield_2=a", "type!=Bug", "customfield_1!=b"])
    assert custom_fields_of(clauses) == ("customfield_1", "customfield_2")
    assert [c.text for c in clauses] == ["customfield_2=a", "type!=Bug", "customfield_1!=b"]
    with pytest.raises(ConfigError):
        parse_filter("type=Bug")


def test_settings_validate_the_filter_bar_fields() -> None:
    assert parse_settings({"filter_fields": ["customfield_1"]}).filter_fields == (
        "customfield_1",
    )
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings({"filter_fields": ["labels"]})
    assert caught.value.problems[0][0] == "filter_fields"


@pytest.mark.parametrize(("clauses", "fetched", "missing"), [
    (["customfield_10042=Web"], ["customfield_10042"], None),
    (["customfield_10042!=Web", "type=Bug"], [], "customfield_10042"),
    (["component=API", "label=x"], [], None),  # system fields are always stored
    (["customfield_2=a", "customfield_1=b"], ["customfield_9"], "customfield_1, customfield_2"),
])
def test_a_clause_on_an_unfetched_custom_field_is_refused_not_matched(clauses, fetched, missing):
    parsed = parse_filter(clauses)
    if missing is None:
        require_fetched(parsed, fetched)
        return
    with pytest.raises(ConfigError, match=f"^filter: {missing} is not among the fetched"):
        require_fetched(parsed, fetched)
