"""Turn a raw settings dictionary (parsed ``settings.json``) into :class:`Settings`.

The contract is ``shared/METRICS.md`` section 5. Terms used here:

- *dotted key*: the path of a value in the settings file, e.g. ``jira.rate_limit.requests``
  or ``dora.deployments.issue_types``. Every problem is reported against one.
- *problem*: one ``(dotted key, message)`` pair. Validation never stops at the first
  problem: it collects them all, so the settings panel can show each next to its field.
- *rule*: a callable ``rule(value, dotted_key, problems) -> parsed value`` that appends
  to ``problems`` and returns :data:`INVALID` when the value is unusable.
- *name list*: a JSON list of non-blank strings (status names, issue type names, field
  values); it becomes a tuple of stripped strings.

Every key is optional and falls back to the dataclass default. Blank strings are not
"unset": optional text values are unset only when ``null``. Messages never echo a value
(it might be a secret); they name the key and describe the problem.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from configuration.errors import ConfigError
from configuration.filters import CUSTOM_FIELD, parse_filter
from configuration.settings import (
    FLOW_TYPES,
    CacheSettings,
    DeploymentSettings,
    DoraSettings,
    ForecastSettings,
    IncidentSettings,
    JiraSettings,
    RateLimit,
    Settings,
    WorkflowSettings,
    default_flow_types,
)

Problems = list[tuple[str, str]]
INVALID: Any = object()  # sentinel: the value was rejected and a problem recorded
Rule = Callable[[Any, str, Problems], Any]

MAX_PAGE_SIZE = 5000  # JIRA caps maxResults itself; above this is certainly a typo
# timedelta and pandas timestamps overflow a few centuries back; ten years is plenty.
MAX_PERIOD_DAYS = 3650
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class SettingsInvalid(ConfigError):
    """Settings failed validation. ``problems`` lists every ``(dotted key, message)``.

    ``key`` and ``problem`` describe the first problem (as for any ``ConfigError``);
    the message lists them all in one line, after ``source`` (the file) when given.
    """

    def __init__(self, problems: Problems, source: str | None = None) -> None:
        key, message = problems[0]
        super().__init__(message, key=key)
        self.problems: Problems = list(problems)
        self.source = source
        # ConfigError's message names only one key; this one lists every problem.
        listed = "; ".join(f"{k}: {m}" for k, m in problems)
        if len(problems) > 1:
            listed = f"{len(problems)} problems in the settings: {listed}"
        self.args = (f"{source}: {listed}" if source else listed,)


def problems_of(error: ConfigError) -> list[tuple[str | None, str]]:
    """Every ``(dotted key or None, message)`` of any ``ConfigError``, for display."""
    problems = getattr(error, "problems", None)
    return list(problems) if problems else [(error.key, error.problem)]


# --- leaf rules ---------------------------------------------------------------------


class _Invalid(Exception):
    """Raised by a leaf check; :func:`_leaf` turns it into a problem."""


def _leaf(check: Callable[[Any], Any]) -> Rule:
    def rule(value: Any, key: str, problems: Problems) -> Any:
        try:
            return check(value)
        except _Invalid as invalid:
            problems.append((key, str(invalid)))
            return INVALID

    return rule


def _kind(value: Any) -> str:
    """The JSON type of a value, for messages that must not echo the value itself."""
    kinds = ((type(None), "null"), (bool, "true/false"), (int, "a whole number"),
             (float, "a decimal number"), (str, "text"), (list, "a list"), (dict, "an object"))
    return next((name for types, name in kinds if isinstance(value, types)), "unsupported")


def whole(minimum: int, maximum: int | None = None) -> Rule:
    """An integer in ``[minimum, maximum]`` (``true``/``false`` are not integers)."""

    # One message for a wrong kind and a wrong size: a form's number input that holds
    # 0 or -5 may send null, and "not null" would not tell the user what to type.
    bounds = f"of at least {minimum}" + (f" and at most {maximum}" if maximum else "")

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (
                maximum is not None and value > maximum):
            raise _Invalid(f"must be a whole number {bounds}")
        return value

    return _leaf(check)


def positive() -> Rule:
    """A finite number greater than zero, as a float."""

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Invalid(f"must be a number, not {_kind(value)}")
        if not math.isfinite(value) or value <= 0:
            raise _Invalid("must be a number greater than 0")
        return float(value)

    return _leaf(check)


def choice(*options: str) -> Rule:
    def check(value: Any) -> str:
        if value not in options or not isinstance(value, str):
            raise _Invalid("must be one of " + ", ".join(f'"{o}"' for o in options))
        return value

    return _leaf(check)


def text(what: str = "non-empty text") -> Rule:
    """``null`` or a non-blank string (kept as written)."""

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise _Invalid(f"must be {what} or null")
        return value

    return _leaf(check)


def names(*, nullable: bool = False) -> Rule:
    """A list of non-blank strings -> tuple of stripped strings (``null`` if nullable)."""

    def check(value: Any) -> tuple[str, ...] | None:
        if value is None and nullable:
            return None
        if not isinstance(value, list):
            raise _Invalid(f"must be a list of names, not {_kind(value)}")
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise _Invalid("must be a list of non-empty names")
        return tuple(item.strip() for item in value)

    return _leaf(check)


def _check_url(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid(f"must be an http(s) URL, not {_kind(value)}")
    parts = urlsplit(value.strip())
    try:
        host, _port = parts.hostname, parts.port  # .port raises on a non-numeric port
    except ValueError:
        raise _Invalid("has an invalid port number") from None
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in value.strip()):
        raise _Invalid("must be an http:// or https:// URL with a host name")
    if parts.username or parts.password:
        raise _Invalid("must not contain credentials; use jira.email and jira.token")
    if parts.query or parts.fragment:
        raise _Invalid("must not contain a query or fragment")
    # Without the trailing slash, API paths can be appended with a plain "/rest/...".
    return value.strip().rstrip("/")


def _check_email(value: Any) -> str | None:
    # Not only e-mail addresses: Data Center basic auth sends a user name here. Either
    # way it never holds a space, and an "@" needs text on both sides.
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value.strip()):
        raise _Invalid("must be an e-mail address or user name (without spaces) or null")
    if "@" in value and not EMAIL.fullmatch(value.strip()):
        raise _Invalid("must be an e-mail address like you@example.com")
    return value.strip()


def checked_url(value: Any, key: str = "jira.url") -> str | None:
    """``value`` validated as ``jira.url`` is on save; SettingsInvalid if it is not.

    For the Settings page buttons, which must accept exactly the URLs a save accepts.
    """
    problems: Problems = []
    url = _leaf(_check_url)(value, key, problems)
    if problems:
        raise SettingsInvalid(problems)
    return url


def _check_jql(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("must not be empty")
    return value.strip()


def _check_filter(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid(f"must be a list of filter clauses, not {_kind(value)}")
    try:
        return tuple(clause.text for clause in parse_filter(value))
    except ConfigError as error:
        raise _Invalid(error.problem) from None


def filter_clauses() -> Rule:
    """A segment filter (METRICS.md section 8): a list of ``FIELD=V1,V2`` clauses,
    kept as their canonical texts."""
    return _leaf(_check_filter)


def _check_custom_fields(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid(f"must be a list of field ids, not {_kind(value)}")
    if not all(isinstance(item, str) and CUSTOM_FIELD.match(item.strip()) for item in value):
        raise _Invalid("must be a list of custom field ids such as customfield_10042")
    return tuple(dict.fromkeys(item.strip() for item in value))


def freeze_json(value: Any) -> Any:
    """JSON with objects as read-only mappings and lists as tuples (for frozen settings)."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze_json(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze_json(item) for item in value)
    return value


def _profiles(value: Any, key: str, problems: Problems) -> Any:
    """Only the shape here: each profile is validated on its own when it is resolved
    (:mod:`configuration.profiles`), so that a bad profile never blocks the others."""
    if not isinstance(value, dict):
        problems.append((key, f"must be an object of named profiles, not {_kind(value)}"))
        return INVALID
    return freeze_json(value)


# --- sections -------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A JSON object parsed into the dataclass ``cls``; omitted keys keep their default.

    ``after`` runs on the built object to check rules that span several keys.
    """

    cls: type
    rules: Mapping[str, Rule]
    after: Callable[[Any, str, Problems], None] | None = None

    def __call__(self, value: Any, key: str, problems: Problems) -> Any:
        parsed = _parse_members(value, key, self.rules, problems)
        if parsed is INVALID:
            return INVALID
        built = self.cls(**parsed)
        if self.after is not None:
            self.after(built, key, problems)
        return built


def _dotted(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _unknown_key(key: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f'unknown key (did you mean "{close[0]}"?)' if close else "unknown key"


def _parse_members(value: Any, prefix: str, rules: Mapping[str, Rule], problems: Problems) -> Any:
    """Apply each member's rule; INVALID if ``value`` or any member was rejected."""
    if not isinstance(value, dict):
        problems.append((prefix or "settings", f"must be an object, not {_kind(value)}"))
        return INVALID
    parsed: dict[str, Any] = {}
    before = len(problems)
    for key, member in value.items():
        dotted = _dotted(prefix, str(key))
        rule = rules.get(key)
        if rule is None:
            problems.append((dotted, _unknown_key(str(key), rules)))
            continue
        parsed[key] = rule(member, dotted, problems)
    return INVALID if len(problems) > before else parsed


def _overlaps(lists: list[tuple[str, tuple[str, ...] | None]], prefix: str, problems: Problems,
              what: str) -> None:
    """Report a name (case-insensitive) that appears in two of the named lists."""
    seen: dict[str, str] = {}
    for key, items in lists:
        for item in items or ():
            owner = seen.setdefault(item.casefold(), key)
            if owner != key:
                problems.append((_dotted(prefix, key), f'{what} "{item}" is also in {owner}'))


def _check_workflow(workflow: WorkflowSettings, prefix: str, problems: Problems) -> None:
    lists = [(f.name, getattr(workflow, f.name)) for f in fields(workflow)]
    named = [(_dotted(prefix, key), items) for key, items in lists]
    _overlaps(named, "", problems, "status")


def _check_dora(dora: DoraSettings, prefix: str, problems: Problems) -> None:
    # With source "versions" deployments are versions, so issue types cannot clash.
    if dora.deployments.source == "issues":
        lists = [(_dotted(prefix, "deployments.issue_types"), dora.deployments.issue_types),
                 (_dotted(prefix, "incidents.issue_types"), dora.incidents.issue_types)]
        _overlaps(lists, "", problems, "issue type")


def _flow_types(value: Any, key: str, problems: Problems) -> Any:
    """flow type -> issue type names; omitted flow types keep their default list."""
    rules = dict.fromkeys(FLOW_TYPES, names())
    parsed = _parse_members(value, key, rules, problems)
    if parsed is INVALID:
        return INVALID
    mapping = {**default_flow_types(), **parsed}
    before = len(problems)
    _overlaps([(_dotted(key, t), mapping[t]) for t in FLOW_TYPES], "", problems, "issue type")
    if len(problems) > before:
        return INVALID
    return MappingProxyType({t: mapping[t] for t in FLOW_TYPES})


SETTINGS = Section(Settings, {
    "jira": Section(JiraSettings, {
        "url": _leaf(_check_url),
        "flavor": choice("cloud", "datacenter"),
        "auth": choice("basic", "bearer"),
        "email": _leaf(_check_email),
        "token": text(),
        "jql": _leaf(_check_jql),
        "page_size": whole(1, MAX_PAGE_SIZE),
        "rate_limit": Section(RateLimit, {"requests": whole(1), "per_seconds": positive()}),
        "timeout_seconds": positive(),
    }),
    "workflow": Section(WorkflowSettings, {
        "active_statuses": names(nullable=True),
        "waiting_statuses": names(nullable=True),
        "done_statuses": names(nullable=True),
    }, after=_check_workflow),
    "flow_types": _flow_types,
    "dora": Section(DoraSettings, {
        "deployments": Section(DeploymentSettings, {
            "source": choice("issues", "versions"),
            "issue_types": names(),
            "date_field": text("a field id"),
            "environment_field": text("a field id"),
            "production_values": names(),
            "failure_field": text("a field id"),
            "failure_values": names(),
        }),
        "incidents": Section(IncidentSettings, {
            "issue_types": names(),
            "environment_field": text("a field id"),
            "production_values": names(),
            "start_field": text("a field id"),
            "end_field": text("a field id"),
        }),
        "change_start_field": text("a field id"),
    }, after=_check_dora),
    "period_days": whole(1, MAX_PERIOD_DAYS),
    "cache": Section(CacheSettings, {"ttl_hours": positive()}),
    "forecast": Section(ForecastSettings, {
        "scope_filter": filter_clauses(),
        "points_field": text("a field id"),
    }),
    "filter_fields": _leaf(_check_custom_fields),
    "profiles": _profiles,
})


def parse_settings(raw: Mapping[str, Any]) -> Settings:
    """Validate ``raw`` completely and build :class:`Settings`.

    Raises :class:`SettingsInvalid` (a ``ConfigError``) listing every problem; nothing
    is half-applied.
    """
    problems: Problems = []
    settings = SETTINGS(dict(raw) if isinstance(raw, Mapping) else raw, "", problems)
    if problems or settings is INVALID:
        raise SettingsInvalid(problems or [("settings", "must be an object")])
    return settings


def _to_json(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_to_json(item) for item in value]
    return value


def settings_to_dict(settings: Settings, *, include_token: bool = False) -> dict[str, Any]:
    """``settings`` as a JSON-ready dict in the shape of METRICS.md section 5.

    The token is left out (the key is absent) unless ``include_token`` is true.
    """
    result = _to_json(settings)
    if not result["profiles"]:  # files without profiles keep their shape
        del result["profiles"]
    if not include_token:
        del result["jira"]["token"]
    return result
