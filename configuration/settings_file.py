"""Read and write ``settings.json``.

Terms used here:

- *settings file*: the JSON file of METRICS.md section 5; by default
  :data:`configuration.paths.DEFAULT_SETTINGS_PATH`, overridable by ``--settings``.
- *environment token*: the value of ``JIRA_API_TOKEN``. When set (and not blank) it
  overrides ``jira.token`` on load, and it is never written into the file.
- *atomic save*: the new content goes to a temporary file in the same directory, is
  flushed to disk, then ``os.replace``-d over the old file, so a reader sees either
  the old file or the new one, never half of one. The file mode is 0600 because the
  file may hold the token (:func:`configuration.atomic_files.replace_atomically`).

Precedence, in one place: environment token > file > dataclass default.

A token is bound to the JIRA of the file it is used with (:mod:`configuration.token_binding`):
a save that moves the JIRA address, auth mode or e-mail must carry a newly typed token,
and cannot move the environment token at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from configuration.atomic_files import fsync_dir, replace_atomically
from configuration.errors import ConfigError
from configuration.paths import DEFAULT_SETTINGS_PATH
from configuration.profiles import check_profiles
from configuration.redaction import register_secret
from configuration.settings import JiraSettings, Settings
from configuration.token_binding import ENVIRONMENT_BOUND, RETYPE_TOKEN, same_binding
from configuration.validation import SettingsInvalid, parse_settings, settings_to_dict

TOKEN_ENV_VAR = "JIRA_API_TOKEN"


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys silently; a user would wonder why an edit
    # "did not apply", so a duplicate is an error.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ConfigError(f'the key "{key}" appears twice in one object', key=key)
        result[key] = value
    return result


def read_raw_settings(path: Path) -> dict[str, Any]:
    """The parsed JSON object of ``path`` ({} when the file does not exist), unvalidated."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or "not readable UTF-8 text"
        raise ConfigError(f"Cannot read the settings file {path}: {reason}.") from err
    try:
        raw = json.loads(text, object_pairs_hook=_reject_duplicates)
    except RecursionError:
        raise ConfigError(
            f"The settings file {path} is not valid settings: its JSON is nested too deeply."
        ) from None
    except json.JSONDecodeError as err:
        # err.msg never quotes the document, so no secret can leak into the message.
        raise ConfigError(
            f"The settings file {path} is not valid JSON: {err.msg} at line {err.lineno}, "
            f"column {err.colno}."
        ) from None
    except ConfigError as err:
        raise ConfigError(f"The settings file {path} is invalid: {err.problem}.") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"The settings file {path} must hold a JSON object.")
    return raw


def environment_token(env: Mapping[str, str]) -> str | None:
    """The environment token, or None when unset or blank."""
    token = env.get(TOKEN_ENV_VAR, "")
    return token if token.strip() else None


def apply_environment(settings: Settings, env: Mapping[str, str]) -> Settings:
    """``settings`` with ``jira.token`` replaced by the environment token, if any."""
    token = environment_token(env)
    if token is None:
        return settings
    return dataclasses.replace(settings, jira=dataclasses.replace(settings.jira, token=token))


def load_settings(path: Path | None = None, env: Mapping[str, str] = os.environ) -> Settings:
    """Load, validate and return the settings; a missing file gives the defaults.

    Raises ``ConfigError`` naming the file (and line, for invalid JSON) or, for
    invalid values, :class:`SettingsInvalid` listing every problem by dotted key.
    """
    path = Path(path) if path is not None else DEFAULT_SETTINGS_PATH
    raw = read_raw_settings(path)
    try:
        settings = parse_settings(raw)
    except SettingsInvalid as err:
        raise SettingsInvalid(err.problems, source=str(path)) from None
    settings = apply_environment(settings, env)
    # Whoever loads the settings (CLI, dashboard), the token is kept out of the logs.
    register_secret(settings.jira.token)
    return settings


def _validated_dict(settings: Settings | Mapping[str, Any]) -> dict[str, Any]:
    """A validated JSON-ready dict; a dict input without ``jira.token`` keeps it absent."""
    if isinstance(settings, Settings):
        # A Settings built by hand skipped validation, so round-trip it through it.
        data = settings_to_dict(settings, include_token=True)
        check_profiles(parse_settings(data))
        return data
    parsed = parse_settings(settings)
    check_profiles(parsed)  # a save never writes a bad profile (a load tolerates one)
    data = settings_to_dict(parsed, include_token=True)
    if not isinstance(settings.get("jira"), Mapping) or "token" not in settings["jira"]:
        del data["jira"]["token"]
    return data


def _file_jira(path: Path) -> tuple[JiraSettings | None, str | None]:
    """The JIRA binding and token currently in ``path`` (best effort, never raises).

    Read from the raw JSON, so that a file whose other sections are invalid still
    tells where its token belongs.
    """
    try:
        jira = read_raw_settings(path).get("jira")
    except ConfigError:
        return None, None
    if not isinstance(jira, dict):
        return None, None

    def text(key: str) -> str | None:
        value = jira.get(key)
        return value if isinstance(value, str) else None

    auth = "bearer" if jira.get("auth") == "bearer" else "basic"
    return JiraSettings(url=text("url"), auth=auth, email=text("email")), text("token")


def token_refusal(new: JiraSettings, *, typed: bool, path: Path,
                  env: Mapping[str, str] = os.environ) -> str | None:
    """Why saving ``new`` over ``path`` would send a token elsewhere, or None.

    ``typed``: the save carries a token the user typed (not the environment one).
    """
    saved, file_token = _file_jira(path)
    if saved is None or same_binding(saved, new):
        return None
    # The environment token is bound by the first JIRA address saved beside it.
    if environment_token(env) is not None and saved.url:
        return ENVIRONMENT_BOUND
    return None if typed or not file_token else RETYPE_TOKEN


def save_settings(
    settings: Settings | Mapping[str, Any],
    path: Path | None = None,
    *,
    env: Mapping[str, str] = os.environ,
) -> Settings:
    """Validate, then atomically write ``settings``; return what a load now gives.

    The token written is the given one, except that the environment token is never
    written (the token already in the file is kept instead), and a dict without
    ``jira.token`` also keeps the file's token. A save that moves the JIRA without a
    newly typed token, or while the environment token is set, is refused
    (:func:`token_refusal`). On any failure the previous file is untouched:
    ``SettingsInvalid`` for invalid values, ``ConfigError`` for a failed write.
    """
    path = Path(path) if path is not None else DEFAULT_SETTINGS_PATH
    data = _validated_dict(settings)
    token = data["jira"].get("token")
    # An explicit null clears the token; the environment token is never written.
    typed = "token" in data["jira"] and (token is None or token != environment_token(env))
    refusal = token_refusal(parse_settings(data).jira, typed=typed, path=path, env=env)
    if refusal:
        raise SettingsInvalid([("jira.token", refusal)])
    if not typed:
        data["jira"]["token"] = _file_jira(path)[1]
    _write_atomically(path, json.dumps(data, indent=2) + "\n")
    saved = apply_environment(parse_settings(data), env)
    register_secret(saved.jira.token)
    return saved


STALE_TEMP_SECONDS = 60.0  # older than any save in progress could be


def remove_stale_temp_files(path: Path, *, now: float | None = None) -> list[Path]:
    """Delete the temporary files a killed save left beside ``path``; return them.

    They may hold the token. Only files older than :data:`STALE_TEMP_SECONDS` go, so a
    save in progress in another process keeps its own. Never raises.
    """
    path = Path(path)
    cutoff = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    removed: list[Path] = []
    try:
        candidates = list(path.parent.glob(f".{path.name}.*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        with contextlib.suppress(OSError):
            if candidate.is_file() and candidate.stat().st_mtime < cutoff:
                candidate.unlink()
                removed.append(candidate)
    return removed


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, text.encode("utf-8"))
    except OSError as err:
        raise ConfigError(
            f"Cannot save the settings to {path}: {err.strerror or err}; "
            "the previous file is unchanged."
        ) from err
    # Makes the rename itself durable; some filesystems refuse, which is harmless.
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)
