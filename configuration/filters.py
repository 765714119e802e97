"""Segment filters (METRICS.md section 8): parse ``FIELD=V1,V2`` / ``FIELD!=V1,V2`` clauses.

Terms:

- *clause*: one condition on one field. ``FIELD=V1,V2`` holds when any value of the
  issue's field is one of the values; ``FIELD!=V1,V2`` when none is (so it holds for
  an issue without the field). Values compare case-insensitively and exactly.
- *filter*: a tuple of clauses that must all hold (AND). The empty filter keeps
  everything.
- *field*: one of :data:`FILTER_FIELDS` or a custom field id ``customfield_NNNNN``.

Parsing lives here, not in ``data/``, because the settings validate the filters they
hold (profiles, the scope forecast) and ``configuration`` never imports ``data``.
Matching issues against a filter is :mod:`data.segments.match`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from configuration.errors import ConfigError

FILTER_FIELDS = (
    "type", "status", "component", "label", "fixversion", "parent", "priority", "assignee",
)
CUSTOM_FIELD = re.compile(r"^customfield_\d+$")
# "!=" first: "a!=b" also contains "=".
_CLAUSE = re.compile(r"^\s*(?P<field>[^=!]+?)\s*(?P<op>!=|=)(?P<values>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Clause:
    """One parsed clause. ``values`` are stripped, in the order written."""

    field: str  # lower-case field name, or a custom field id
    negated: bool  # ``!=``
    values: tuple[str, ...]

    @property
    def text(self) -> str:
        """The canonical spelling, e.g. ``component!=API,Web``."""
        return f"{self.field}{'!=' if self.negated else '='}{','.join(self.values)}"


def parse_clause(text: str) -> Clause:
    """Parse one clause; :class:`ConfigError` naming the clause when it is bad input."""
    if not isinstance(text, str):
        raise ConfigError("a filter clause must be text such as component=API.")
    match = _CLAUSE.match(text)
    if match is None:
        raise ConfigError(
            f'The filter clause "{text}" must look like FIELD=V1,V2 or FIELD!=V1,V2.'
        )
    name = match.group("field").strip()
    field = name.lower() if name.lower() in FILTER_FIELDS else name
    if field not in FILTER_FIELDS and not CUSTOM_FIELD.match(field):
        raise ConfigError(
            f'The filter clause "{text}" names an unknown field "{name}"; use one of '
            f"{', '.join(FILTER_FIELDS)} or a customfield_NNNNN id."
        )
    values = tuple(v.strip() for v in match.group("values").split(",") if v.strip())
    if not values:
        raise ConfigError(f'The filter clause "{text}" has no value.')
    return Clause(field, match.group("op") == "!=", values)


def parse_filter(clauses: Iterable[str] | None) -> tuple[Clause, ...]:
    """Parse every clause (a JSON list, repeated ``--filter`` options or URL parameters)."""
    if clauses is None:
        return ()
    if isinstance(clauses, str):
        raise ConfigError("A filter must be a list of clauses, not one text.")
    return tuple(parse_clause(text) for text in clauses)


def filter_texts(clauses: Iterable[Clause]) -> tuple[str, ...]:
    """The canonical texts of the clauses (for cache keys, URLs and JSON)."""
    return tuple(clause.text for clause in clauses)


def custom_fields_of(clauses: Iterable[Clause]) -> tuple[str, ...]:
    """The custom field ids the clauses name, sorted, without duplicates."""
    return tuple(sorted({c.field for c in clauses if CUSTOM_FIELD.match(c.field)}))


def require_fetched(clauses: Iterable[Clause], fetched: Iterable[str]) -> None:
    """Raise ``ConfigError`` when a clause names a custom field the store does not hold.

    Without it such a clause would quietly match nothing (``=``) or everything
    (``!=``): the field's values were never fetched, not absent. The CLI fetches the
    fields its clauses name; the dashboard fetches the ones Settings lists.
    """
    missing = sorted(set(custom_fields_of(clauses)) - set(fetched))
    if missing:
        raise ConfigError(
            f"{', '.join(missing)} is not among the fetched fields: add it under Settings, "
            "'Custom fields in the filter bar', and save (it is fetched once).",
            key="filter")
