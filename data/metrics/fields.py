"""Mapped custom field values, indexed per issue, and the scalar date parser.

Terms:

- *position*: an issue's row number in the context's ``per_issue`` table; every
  per-issue array in the engine is indexed by it.
- *matches*: a field's value matches a list of wanted values when any of its values
  (a list field has several) equals one of them, compared case-insensitively after
  trimming spaces (``"Production"`` and ``"production "`` are the same environment;
  METRICS.md leaves case open and a delivery lead would not expect it to matter).
- *field time*: the first value of a field that parses as a time: a timestamp with any
  UTC offset, or a date-only ``YYYY-MM-DD`` meaning the end of that day in UTC (the
  next midnight, METRICS.md section 1). Values that do not parse are ignored.
- *field number*: the first value of a field that is a finite number of at least 0
  (story points); an issue without one counts 0 (METRICS.md section 9: missing = 0).
  A negative or non-numeric estimate is a data-entry slip, read as missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from data.metrics.timeline import positions_of

NAT = np.iinfo(np.int64).min  # numpy's NaT as int64: "no time"
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_NS = 86_400 * 10**9


@lru_cache(maxsize=65_536)
def parse_field_time(text: str) -> int:
    """A scalar field value as UTC nanoseconds, or :data:`NAT` when it is not a time.

    Cached because the same date (a release date, a deployment day) repeats across
    many issues.
    """
    value = text.strip()
    try:
        if _DATE_ONLY.match(value):
            midnight = pd.Timestamp(value, tz="UTC")
            return int(midnight.value) + _DAY_NS
        stamp = pd.Timestamp(value)
    except ValueError:
        return NAT
    if stamp.tzinfo is None:  # JIRA always sends an offset; a bare time is read as UTC
        stamp = stamp.tz_localize("UTC")
    return int(stamp.as_unit("ns").value)


def date_only_end_of_day(dates: pd.Series) -> np.ndarray:
    """Vectorized end-of-day for ``YYYY-MM-DD`` strings (``""`` gives :data:`NAT`)."""
    parsed = pd.to_datetime(dates.where(dates != ""), format="%Y-%m-%d", errors="coerce")
    ns = parsed.astype("datetime64[ns]").to_numpy().view(np.int64)
    return np.where(ns == NAT, NAT, ns + _DAY_NS)


class FieldIndex:
    """Field values per issue position, for the field ids the settings map."""

    def __init__(self, field_values: pd.DataFrame, issue_ids: pd.Series) -> None:
        pos = positions_of(issue_ids, field_values["issue_id"])
        keep = pos >= 0
        self._size = len(issue_ids)
        self._frame = pd.DataFrame(
            {
                "pos": pos[keep],
                "field_id": field_values["field_id"].to_numpy()[keep],
                "value": field_values["value"].to_numpy()[keep],
            }
        )
        self._by_field = dict(list(self._frame.groupby("field_id")))
        self._memo: dict[tuple, np.ndarray] = {}

    def values(self, field_id: str | None) -> pd.DataFrame:
        """Rows (``pos``, ``value``) of one field; empty when unset or absent."""
        empty = self._frame.iloc[0:0]
        return self._by_field.get(field_id, empty) if field_id else empty

    def has_value(self, field_id: str | None) -> np.ndarray:
        """Per position: the issue has at least one value for the field."""
        mask = np.zeros(self._size, dtype=bool)
        mask[self.values(field_id)["pos"].to_numpy()] = True
        return mask

    def matches(self, field_id: str | None, wanted: Iterable[str]) -> np.ndarray:
        """Per position: any value of the field matches any wanted value."""
        targets = tuple(sorted({w.strip().casefold() for w in wanted}))
        key = ("matches", field_id, targets)
        if key not in self._memo:
            rows = self.values(field_id)
            folded = rows["value"].astype("str").str.strip().str.casefold()
            mask = np.zeros(self._size, dtype=bool)
            mask[rows["pos"].to_numpy()[folded.isin(targets).to_numpy()]] = True
            self._memo[key] = mask
        return self._memo[key]

    def times(self, field_id: str | None) -> np.ndarray:
        """Per position: the field time in UTC nanoseconds, :data:`NAT` when absent."""
        key = ("times", field_id)
        if key not in self._memo:
            result = np.full(self._size, NAT, dtype=np.int64)
            rows = self.values(field_id)
            parsed = np.fromiter(
                (parse_field_time(str(v)) for v in rows["value"]), np.int64, len(rows)
            )
            usable = parsed != NAT
            firsts = (
                pd.DataFrame({"pos": rows["pos"].to_numpy()[usable], "ns": parsed[usable]})
                .drop_duplicates("pos", keep="first")
            )
            result[firsts["pos"].to_numpy()] = firsts["ns"].to_numpy()
            self._memo[key] = result
        return self._memo[key]

    def numbers(self, field_id: str | None) -> np.ndarray:
        """Per position: the field number (see module docstring) as float64, 0.0 when absent."""
        key = ("numbers", field_id)
        if key not in self._memo:
            result = np.zeros(self._size, dtype=np.float64)
            rows = self.values(field_id)
            parsed = pd.to_numeric(rows["value"].astype("str").str.strip(), errors="coerce")
            parsed = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
            usable = np.isfinite(parsed) & (parsed >= 0)
            firsts = (
                pd.DataFrame({"pos": rows["pos"].to_numpy()[usable], "n": parsed[usable]})
                .drop_duplicates("pos", keep="first")
            )
            result[firsts["pos"].to_numpy()] = firsts["n"].to_numpy()
            self._memo[key] = result
        return self._memo[key]
