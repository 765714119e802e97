"""Profiles (METRICS.md section 8): named partial settings over the top level.

Terms:

- *profile*: an entry of ``settings.json``'s ``"profiles": {"NAME": {...}}``. Its
  object is a partial settings object plus an optional ``"filter"`` (segment
  clauses). The top level without any profile is the profile named ``default``.
- *deep merge*: the profile's object over the top level's: objects merge key by key,
  a list or any other value replaces (so a profile's ``workflow.active_statuses``
  replaces the whole list, and its ``flow_types.defect`` only that flow type).
- *connection keys*: ``jira.url``, ``jira.flavor``, ``jira.auth``, ``jira.email``,
  ``jira.token``. Every profile shares the top level's JIRA and token (the token
  stays bound to one JIRA, :mod:`configuration.token_binding`), so a profile that
  names one is invalid.
- *resolved profile*: :class:`Profile`: its full, validated settings and its filter.

Each profile is validated on its own, with problems keyed ``profiles.NAME.dotted.key``:
loading the file never fails for a bad profile (the default and the good profiles
load; :func:`resolve_all` reports the bad ones), while a save refuses any
(:func:`check_profiles`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from configuration.errors import ConfigError
from configuration.filters import Clause, filter_texts, parse_filter
from configuration.settings import Settings
from configuration.validation import (
    Problems,
    SettingsInvalid,
    freeze_json,
    parse_settings,
    settings_to_dict,
)

DEFAULT = "default"
CONNECTION_KEYS = ("url", "flavor", "auth", "email", "token")
MAX_NAME = 40
# Names travel in URLs and menus: letters, digits, space, "_", "-", "." (not first).
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*$")
CONNECTION = "a profile cannot change the JIRA connection; it shares the top level's"


@dataclass(frozen=True)
class Profile:
    """A resolved profile: its full settings (without ``profiles``) and its filter."""

    name: str
    settings: Settings
    clauses: tuple[Clause, ...] = ()

    @property
    def filter(self) -> tuple[str, ...]:
        return filter_texts(self.clauses)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: objects merge key by key, anything else replaces."""
    merged = {key: _thaw(value) for key, value in base.items()}
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = _thaw(value)
    return merged


def _thaw(value: Any) -> Any:
    """Frozen JSON (read-only mappings, tuples) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(item) for item in value]
    return value


def profile_names(settings: Settings) -> tuple[str, ...]:
    """``default`` first, then the profiles in the order written."""
    return (DEFAULT, *settings.profiles)


def unknown_profile(name: str, settings: Settings) -> ConfigError:
    known = ", ".join(profile_names(settings))
    return ConfigError(f'Unknown profile "{name}"; the profiles are: {known}.')


def _name_problem(name: str) -> str | None:
    if name == DEFAULT:
        return f'"{DEFAULT}" is the top level; give the profile another name'
    if len(name) > MAX_NAME or not NAME.match(name):
        return (f"a profile name is 1-{MAX_NAME} letters, digits, spaces, '_', '-' or '.',"
                " starting with a letter or digit")
    return None


def _connection_problems(override: Mapping[str, Any], prefix: str) -> Problems:
    jira = override.get("jira")
    if not isinstance(jira, Mapping):
        return []
    return [(f"{prefix}.jira.{key}", CONNECTION) for key in CONNECTION_KEYS if key in jira]


def _partial(override: Mapping[str, Any]) -> dict[str, Any]:
    """The settings part of a profile: without its filter, profiles or connection keys
    (those are reported on their own, and the rest is still checked)."""
    partial = {key: value for key, value in override.items()
               if key not in ("filter", "profiles")}
    if isinstance(partial.get("jira"), Mapping):
        partial["jira"] = {key: value for key, value in partial["jira"].items()
                           if key not in CONNECTION_KEYS}
    return partial


def _resolve(settings: Settings, name: str) -> tuple[Profile | None, Problems]:
    prefix = f"profiles.{name}"
    override = settings.profiles[name]
    if not isinstance(override, Mapping):
        return None, [(prefix, "must be an object of settings (and an optional filter)")]
    problems: Problems = []
    if (bad_name := _name_problem(name)) is not None:
        problems.append((prefix, bad_name))
    problems += _connection_problems(override, prefix)
    if "profiles" in override:
        problems.append((f"{prefix}.profiles", "a profile cannot hold profiles"))
    clauses: tuple[Clause, ...] = ()
    if "filter" in override:
        try:
            clauses = parse_filter(_thaw(override["filter"]))
        except ConfigError as error:
            problems.append((f"{prefix}.filter", error.problem))
    base = settings_to_dict(replace(settings, profiles=MappingProxyType({})), include_token=True)
    try:
        merged = parse_settings(deep_merge(base, _partial(override)))
    except SettingsInvalid as invalid:
        problems += [(f"{prefix}.{key}", message) for key, message in invalid.problems]
    if problems:
        return None, problems
    return Profile(name, merged, clauses), []


def resolve(settings: Settings, name: str | None) -> Profile:
    """The profile ``name`` (None or ``default``: the top level).

    ``ConfigError`` for an unknown name (one line naming the profiles that exist);
    :class:`SettingsInvalid` naming ``profiles.NAME.key`` for a bad profile.
    """
    if name is None or name == DEFAULT:
        return Profile(DEFAULT, replace(settings, profiles=MappingProxyType({})))
    if name not in settings.profiles:
        raise unknown_profile(name, settings)
    profile, problems = _resolve(settings, name)
    if profile is None:
        raise SettingsInvalid(problems)
    return profile


def resolve_all(settings: Settings) -> tuple[dict[str, Profile], Problems]:
    """Every good profile (``default`` first) and the problems of the bad ones."""
    good = {DEFAULT: resolve(settings, DEFAULT)}
    problems: Problems = []
    for name in settings.profiles:
        profile, found = _resolve(settings, name)
        if profile is None:
            problems += found
        else:
            good[name] = profile
    return good, problems


def check_profiles(settings: Settings) -> None:
    """:class:`SettingsInvalid` listing every bad profile's problems (for saves)."""
    _good, problems = resolve_all(settings)
    if problems:
        raise SettingsInvalid(problems)


def with_profiles(settings: Settings, profiles: Mapping[str, Any]) -> Settings:
    """``settings`` holding ``profiles`` (plain JSON) instead of its own."""
    return replace(settings, profiles=freeze_json(dict(profiles)))
