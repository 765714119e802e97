"""The shareable view (METRICS.md section 8): the URL's query string <-> the page's view.

Terms: the *view* is the period (``days=N``, or ``from=DATE&to=DATE``, UTC days, both
included), the profile (``profile=NAME``, absent for ``default``) and the filter
(``filter=CLAUSE``, repeated). Forecast inputs (``items``, ``horizon``, and the scope
forecast's ``scope=CLAUSE``, repeated) ride along untouched. Parsing never raises: an
unusable parameter is dropped and named in ``problems`` so the page can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urlencode

from configuration.errors import ConfigError
from configuration.filters import parse_clause

KEPT = ("items", "horizon")  # page inputs carried along (the Forecast page's)
# repeated page inputs carried along, every value (the scope forecast, the Compare page)
REPEATED = ("scope", "compare")


@dataclass(frozen=True)
class View:
    days: int | None = None
    start: str | None = None  # YYYY-MM-DD
    end: str | None = None
    filters: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    profile: str | None = None  # None: the top level (profile "default")
    problems: tuple[str, ...] = field(default=(), compare=False)

    def period(self, default_days: int) -> dict:
        """The period store's value for this view."""
        if self.start and self.end:
            return {"period_days": None, "start": self.start, "end": self.end}
        return {"period_days": self.days or default_days, "start": None, "end": None}


def parse_search(search: str | None) -> View:
    """The view a URL query string (``?days=30&filter=type=Bug``) describes."""
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    problems: list[str] = []
    days = _days(params.get("days", [None])[-1], problems)
    start, end = (_day(params.get(k, [None])[-1], k, problems) for k in ("from", "to"))
    if bool(start) != bool(end):
        problems.append("from and to must be given together")
        start = end = None
    filters = []
    for text in params.get("filter", []):
        try:
            filters.append(parse_clause(text).text)
        except ConfigError as error:
            problems.append(str(error))
    extra = tuple((k, v[-1]) for k in KEPT if (v := params.get(k)))
    extra += tuple((k, value) for k in REPEATED for value in params.get(k, []) if value)
    profile = params.get("profile", [""])[-1].strip() or None
    return View(days, start, end, tuple(filters), extra,
                None if profile == "default" else profile, tuple(problems))


def to_search(view: View) -> str:
    """The query string of a view (``""`` for the default view)."""
    pairs: list[tuple[str, str]] = []
    if view.start and view.end:
        pairs += [("from", view.start), ("to", view.end)]
    elif view.days:
        pairs.append(("days", str(view.days)))
    if view.profile:
        pairs.append(("profile", view.profile))
    pairs += [("filter", text) for text in view.filters]
    pairs += list(view.extra)
    return "?" + urlencode(pairs) if pairs else ""


def _days(text: str | None, problems: list[str]) -> int | None:
    if text is None:
        return None
    if text.isdigit() and 1 <= int(text) <= 3650:
        return int(text)
    problems.append("days must be a whole number of days between 1 and 3650")
    return None


def _day(text: str | None, name: str, problems: list[str]) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(f"{name} must be a date such as 2026-03-01")
        return None
