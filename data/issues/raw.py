"""Typed decoding of raw JIRA issues: only the fields the frames use, straight from bytes.

A search answer or an issues file is mostly data the dashboard never reads (authors,
avatars, links, every other field). ``msgspec`` decodes the JSON bytes straight into
the small structs below and skips everything else while parsing, which is several
times faster than ``json.loads`` into dicts and then picking values out of them
(see ``docs/benchmarks.md``, *Raw path*). Terms:

- *base fields*: the system fields of :class:`Fields`, the same for every settings.
- *mapped fields*: custom or system field ids the settings name; their JSON is kept
  as is (``Any``), because :mod:`data.issues.normalize` applies the value rules to it.
  :func:`issue_type` builds (and caches) one :class:`RawIssue` subclass per set of
  mapped field ids, whose ``fields`` also hold those ids.
- *decoder*: a reusable ``msgspec.json.Decoder`` for one type; see :func:`page_decoder`.

Adding a base field: add it to :class:`Fields` (typed as narrowly as JIRA allows,
with a default so that an issue without it still decodes) and read it in
:mod:`data.issues.normalize`. The structs are ``gc=False``: they form no cycles, and
millions of tracked objects would make the cyclic collector's passes the main cost
of decoding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from operator import attrgetter
from typing import Any

import msgspec

from configuration.errors import DataError

Id = str | int | None


class _Raw(msgspec.Struct, gc=False):
    """Base of every decoded struct (no cycles, so not tracked by the collector)."""


class StatusCategory(_Raw):
    key: str | None = None


class Status(_Raw):
    name: str | None = None
    statusCategory: StatusCategory | None = None  # noqa: N815 - JIRA's JSON name


class Named(_Raw):
    """Any JIRA object read by its ``name`` (issue type, priority, component...)."""

    name: str | None = None


class Version(_Raw):
    id: Id = None
    name: str | None = None
    released: bool | None = None
    releaseDate: str | None = None  # noqa: N815


class ChangeItem(_Raw):
    field: str | None = None
    fromString: str | None = None  # noqa: N815
    toString: str | None = None  # noqa: N815


class History(_Raw):
    id: Id = None
    created: str | None = None
    items: list[ChangeItem] | None = None


class Changelog(_Raw):
    total: int | None = None
    histories: list[History] | None = None


class ParentFields(_Raw):
    summary: str | None = None


class Parent(_Raw):
    """``fields.parent``: the parent issue (an epic or a story), with its summary."""

    key: str | None = None
    fields: ParentFields | None = None


class Fields(_Raw):
    """The base fields (see module doc)."""

    summary: str | None = None
    parent: Parent | None = None
    status: Status | None = None
    issuetype: Named | None = None
    created: str | None = None
    updated: str | None = None
    resolutiondate: str | None = None
    fixVersions: list[Version] | None = None  # noqa: N815
    versions: list[Version] | None = None


class RawIssue(_Raw):
    """One issue of a search answer, fetched with ``expand=changelog``."""

    key: str
    fields: Fields
    id: Id = None
    changelog: Changelog | None = None


BASE_FIELD_NAMES = frozenset(Fields.__struct_fields__)


def issue_type(mapped: Iterable[str] = ()) -> type[RawIssue]:
    """The :class:`RawIssue` subclass whose ``fields`` also keep the ``mapped`` ids as is.

    A mapped id that is a base field already is read from the base field instead
    (see :func:`mapped_readers`). The same set of other ids always gives the same
    type, whatever their order, so that issues decoded by the client (for the fields
    it asked for) reach the normalizer as they are. The attributes are named ``m0``,
    ``m1``... because a field id need not be an identifier.
    """
    return _issue_type(tuple(sorted(set(mapped) - BASE_FIELD_NAMES)))


@lru_cache(maxsize=32)
def _issue_type(extra: tuple[str, ...]) -> type[RawIssue]:
    if not extra:
        return RawIssue
    fields = msgspec.defstruct(
        "MappedFields",
        [(f"m{n}", Any, msgspec.field(default=None, name=field_id))
         for n, field_id in enumerate(extra)],
        bases=(Fields,), gc=False,
    )
    fields.mapped_ids = {field_id: f"m{n}" for n, field_id in enumerate(extra)}
    return msgspec.defstruct(
        "MappedRawIssue", [("fields", fields)], bases=(RawIssue,), gc=False
    )


def mapped_readers(
    issue: type[RawIssue], mapped: Sequence[str]
) -> list[tuple[str, Callable[[Fields], Any]]]:
    """``(field id, reader)`` per mapped id: the reader returns the field's JSON value
    from an issue's ``fields`` (a base field as the plain JSON it came from)."""
    fields_type = next(f.type for f in msgspec.structs.fields(issue) if f.name == "fields")
    attributes = getattr(fields_type, "mapped_ids", {})
    readers = []
    for field_id in dict.fromkeys(mapped):
        if field_id in attributes:
            readers.append((field_id, attrgetter(attributes[field_id])))
        else:  # a base field, read as plain JSON
            base = attrgetter(field_id)
            readers.append((field_id, lambda fields, base=base: msgspec.to_builtins(base(fields))))
    return readers


class SearchPage(_Raw):
    """One search answer (Cloud or Data Center)."""

    issues: list[RawIssue] = []
    nextPageToken: str | None = None  # noqa: N815
    isLast: bool | None = None  # noqa: N815
    total: int | None = None


def page_type(mapped: Iterable[str] = ()) -> type[SearchPage]:
    """The :class:`SearchPage` whose issues are ``issue_type(mapped)``."""
    return _page_type(issue_type(mapped))


@lru_cache(maxsize=32)
def _page_type(issue: type[RawIssue]) -> type[SearchPage]:
    if issue is RawIssue:
        return SearchPage
    return msgspec.defstruct(
        "MappedSearchPage", [("issues", list[issue])], bases=(SearchPage,), gc=False
    )


def page_decoder(mapped: Iterable[str] = ()) -> msgspec.json.Decoder:
    """A decoder of one search answer's bytes (the fetch path)."""
    return _decoder(page_type(mapped))


@lru_cache(maxsize=64)
def _decoder(kind: Any) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(kind)


class _RawPage(_Raw):
    """A search answer whose issues are not decoded yet (each one is decoded when
    reached, so that a file's issues need never all be in memory as objects)."""

    issues: list[msgspec.Raw]


_OUTER = msgspec.json.Decoder(_RawPage | list[msgspec.Raw])
_PAGE = msgspec.json.Decoder(_RawPage)


def iter_issues_file(data: bytes, mapped: Sequence[str], source: str) -> Iterator[RawIssue]:
    """Raw issues from a file's bytes, decoded one at a time: a list of issues, one
    search answer, or a list of search answers. Raises :class:`DataError` naming
    ``source`` otherwise (for a bad entry, when it is reached)."""
    try:
        outer = _OUTER.decode(data)
    except msgspec.ValidationError:
        raise _shape_error(None, source) from None
    except msgspec.DecodeError as error:
        raise DataError(f"The issues file {source} is not valid JSON ({error}).") from None
    decode = _decoder(issue_type(mapped)).decode
    for position, element in enumerate(_issue_elements(outer, source)):
        try:
            yield decode(element)
        except msgspec.ValidationError as error:
            raise _shape_error(f"issue {position + 1}: {error}", source) from None


def _issue_elements(outer: _RawPage | list[msgspec.Raw], source: str) -> Iterator[msgspec.Raw]:
    if isinstance(outer, _RawPage):
        yield from outer.issues
        return
    if not outer or not _is_page(outer[0]):
        yield from outer
        return
    for element in outer:  # a list of search answers: every element must be one
        try:
            yield from _PAGE.decode(element).issues
        except msgspec.ValidationError:
            raise _shape_error(None, source) from None


def _is_page(element: msgspec.Raw) -> bool:
    try:
        _PAGE.decode(element)
    except msgspec.ValidationError:
        return False
    return True


def _shape_error(problem: str | None, source: str) -> DataError:
    if problem is not None:  # one entry is wrong
        return DataError(
            f"The issues file {source} holds an entry that is not a JIRA issue "
            f"(each needs 'key' and 'fields'; {problem})."
        )
    return DataError(
        f"The issues file {source} must hold a list of issues, a search response "
        "with 'issues', or a list of search responses."
    )


def typed_issues(
    raw_issues: Iterable[RawIssue | dict], mapped: Sequence[str]
) -> Iterator[RawIssue]:
    """Typed issues from decoded ones or from plain dicts (tests, older callers), one
    at a time. Issues already of the right type pass through; dicts (and structs
    decoded for other mapped fields) are converted, which raises :class:`DataError`
    for anything not shaped like a JIRA issue."""
    wanted = issue_type(mapped)
    for issue in raw_issues:
        if type(issue) is wanted:
            yield issue
            continue
        plain = issue if isinstance(issue, dict) else msgspec.to_builtins(issue)
        try:
            yield msgspec.convert(plain, wanted)
        except msgspec.ValidationError as error:
            raise DataError(f"An issue is not shaped like a JIRA issue ({error}).") from None
