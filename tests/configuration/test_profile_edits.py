"""The profile editor's edits (create, copy, rename, delete, fields <-> overrides)."""

from __future__ import annotations

import pytest

from configuration import profile_edits as edits
from configuration.errors import ConfigError
from configuration.validation import parse_settings

PROFILES = {"web": {"filter": ["component=Web"]}, "mobile": {"period_days": 14}}

EDITS = [
    (lambda p: edits.create(p, "api"), ["web", "mobile", "api"], "api", {}),
    (lambda p: edits.copy_of(p, "web", "web2"), ["web", "mobile", "web2"], "web2",
     {"filter": ["component=Web"]}),
    (lambda p: edits.rename(p, "web", "site"), ["site", "mobile"], "site",
     {"filter": ["component=Web"]}),
    (lambda p: edits.delete(p, "web"), ["mobile"], "mobile", {"period_days": 14}),
]


@pytest.mark.parametrize(("edit", "names", "name", "override"), EDITS)
def test_edits_return_new_profiles_and_leave_the_input_alone(edit, names, name, override):
    before = {k: dict(v) for k, v in PROFILES.items()}
    after = edit(PROFILES)
    assert list(after) == names
    assert after[name] == override
    assert before == PROFILES


@pytest.mark.parametrize(("edit", "words"), [
    (lambda p: edits.create(p, "web"), "already exists"),
    (lambda p: edits.create(p, " "), "Type a name"),
    (lambda p: edits.create(p, "default"), "top level"),
    (lambda p: edits.rename(p, "web", "mobile"), "already exists"),
    (lambda p: edits.rename(p, None, "x"), "Choose the profile"),
    (lambda p: edits.copy_of(p, "nope", "x"), "Choose the profile"),
    (lambda p: edits.delete(p, "nope"), "Choose the profile"),
])
def test_bad_edits_say_why(edit, words):
    with pytest.raises(ConfigError, match=words):
        edit(PROFILES)


def test_fields_round_trip_an_override():
    override = {"jira": {"jql": "project = WEB"},
                "workflow": {"active_statuses": ["Doing", "Review"]},
                "period_days": 30, "filter": ["component=Web", "label!=old"],
                "flow_types": {"defect": ["Bug"]}}
    fields = edits.to_fields(override)
    assert fields["jql"] == "project = WEB"
    assert fields["active"] == "Doing, Review"
    assert fields["waiting"] == ""  # inherited
    assert fields["filter"] == "component=Web\nlabel!=old"
    assert edits.from_fields(fields) == override


def test_empty_fields_inherit_and_show_what():
    assert edits.from_fields(dict.fromkeys(edits.FIELDS, "")) == {}
    top = parse_settings({"jira": {"jql": "project = ALL"}, "period_days": 60})
    inherited = edits.inherited_fields(top)
    assert inherited["jql"] == "project = ALL"
    assert inherited["period"] == "60"
    assert inherited["active"] == "JIRA's status categories"


@pytest.mark.parametrize("other", ["{not json", "[1, 2]"])
def test_other_overrides_must_be_a_json_object(other):
    with pytest.raises(ConfigError, match="Other overrides"):
        edits.from_fields({"other": other})
