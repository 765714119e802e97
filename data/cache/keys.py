"""Cache keys: what identifies an issue store and a computed result.

Terms:

- *store key*: a short hash of what decides WHICH issues are fetched: the JIRA URL
  (lower-cased, without a trailing slash and without any ``user:password@`` part),
  the flavor and the JQL (whitespace collapsed). The fetched field set is NOT part of
  the key: it is stored in the store's metadata, so a store that already holds a
  superset of the fields a setting needs is reused with zero requests, and a setting
  that needs a new field rebuilds the same store with the union of the field sets
  (one store per query, never one per field combination).
- *config hash*: the store key's inputs plus the fetched field set; recorded in the
  metadata so that two stores can be compared at a glance.
- *results key*: a hash of the store version (which changes with every write), every
  setting that changes a number (workflow, flow types, DORA mappings, period,
  ``as_of``) and a fingerprint of the metric engine's source (so a result cached on
  disk by an older engine is never served after an upgrade).

Nothing secret ever enters a key: the token and the e-mail are not inputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from configuration.settings import JiraSettings, Settings

_METRICS_PACKAGE = Path(__file__).resolve().parent.parent / "metrics"
_ISSUES_PACKAGE = Path(__file__).resolve().parent.parent / "issues"


def stable_hash(value: Any, length: int = 20) -> str:
    """Hex digest of ``value`` serialized as canonical JSON (sorted keys)."""
    text = json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _plain(value: Any) -> Any:
    """Dataclasses, mappings and tuples as plain JSON-able structures."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def public_url(url: str | None) -> str:
    """The JIRA URL normalized and without any credentials embedded in it."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), netloc.lower(), path, "", ""))


def normalize_jql(jql: str | None) -> str:
    """The JQL with runs of whitespace collapsed (they never change the result)."""
    return " ".join((jql or "").split())


def store_key(jira: JiraSettings) -> str:
    """The issue store key for these JIRA settings (URL, flavor, JQL)."""
    return stable_hash(
        {"url": public_url(jira.url), "flavor": jira.flavor, "jql": normalize_jql(jira.jql)},
        length=16,
    )


def config_hash(jira: JiraSettings, fields: Iterable[str], value_fields: Iterable[str]) -> str:
    """The store key's inputs plus the fetched field sets."""
    return stable_hash(
        {
            "key": store_key(jira),
            "fields": sorted(set(fields)),
            "value_fields": sorted(set(value_fields)),
        }
    )


def number_settings(settings: Settings) -> dict[str, Any]:
    """Every setting (besides period and as_of) that can change a computed number."""
    return {
        "workflow": _plain(settings.workflow),
        "flow_types": _plain(settings.flow_types),
        "dora": _plain(settings.dora),
        "forecast": _plain(settings.forecast),
    }


def results_key(
    store_version: str, settings: Settings, *, as_of: datetime, period_days: int
) -> str:
    """The key of one computed report."""
    return stable_hash(
        {
            "store": store_version,
            "settings": number_settings(settings),
            "as_of": as_of.isoformat(),
            "period_days": period_days,
            "engine": engine_fingerprint(),
        },
        length=32,
    )


@cache
def engine_fingerprint() -> str:
    """A hash of the metric engine's and normalizer's source files.

    Computed once per process (a few ms); it keeps results cached on disk by an older
    version of the code from being served after an upgrade.
    """
    digest = hashlib.sha256()
    for package in (_METRICS_PACKAGE, _ISSUES_PACKAGE):
        for path in sorted(package.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ``ORDER BY`` outside a quoted string, up to the end of the query. JQL strings are
# quoted with "..." or '...' and may contain the words "order by" themselves.
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


def split_order_by(jql: str) -> tuple[str, str]:
    """``(where, order_by)``: the JQL's filter and its trailing ``ORDER BY`` clause.

    ``order_by`` keeps its ``ORDER BY`` words and is ``""`` when there is none.
    Hand-written because no maintained JQL parser exists for Python; quoted strings
    are masked first so that ``summary ~ "order by"`` is not mistaken for a clause.
    """
    masked = _QUOTED.sub(lambda m: "x" * len(m.group()), jql)
    match = _ORDER_BY.search(masked)
    if match is None:
        return jql.strip(), ""
    return jql[: match.start()].strip(), jql[match.start() :].strip()
