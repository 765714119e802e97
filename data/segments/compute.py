"""Segment reports and drill-down items, memoized (the service's segment half).

Terms:

- *full context*: the :class:`CalculationContext` of every fetched issue at one
  ``as_of`` and period. Matching a filter needs it (the status at ``as_of``), so the
  last few are kept in this process, keyed like results (store version, the settings
  that change numbers, ``as_of``, period): a filter change or a drill-down then
  builds only the segment's own, smaller context.
- results are memoized in a :class:`ResultsCache` under the results key of the
  unfiltered report extended with the filter's canonical texts and, for items, the
  metric and window.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from configuration.filters import Clause, filter_texts
from configuration.settings import Settings
from data.cache.keys import results_key, stable_hash
from data.cache.results import ResultsCache
from data.issues.frames import IssueFrames
from data.metrics.context import CalculationContext, Window, utc_timestamp
from data.metrics.report import compute_report, report_to_json
from data.segments.items import metric_items
from data.segments.segment import segment_context

_FULL_CONTEXTS: OrderedDict[str, CalculationContext] = OrderedDict()
_LOCK = threading.Lock()
MAX_CONTEXTS = 4  # a 100k-issue context is ~50 MB; a few views (periods) at once


def full_context(
    frames: IssueFrames, settings: Settings, version: str, *, as_of: Any, period_days: int
) -> CalculationContext:
    """The context of all ``frames`` (``version`` identifies them), from the memo."""
    end = utc_timestamp(as_of)
    key = results_key(version, settings, as_of=end.to_pydatetime(), period_days=period_days)
    with _LOCK:
        if key in _FULL_CONTEXTS:
            _FULL_CONTEXTS.move_to_end(key)
            return _FULL_CONTEXTS[key]
    ctx = CalculationContext.build(frames, settings, as_of=end, period_days=period_days)
    with _LOCK:
        _FULL_CONTEXTS[key] = ctx
        while len(_FULL_CONTEXTS) > MAX_CONTEXTS:
            _FULL_CONTEXTS.popitem(last=False)
    return ctx


def segment_key(base_key: str, clauses: Sequence[Clause], *extra: Any) -> str:
    """The unfiltered results key refined by the filter (and the items' metric/window)."""
    if not clauses and not extra:
        return base_key
    return stable_hash({"base": base_key, "filter": filter_texts(clauses), "extra": extra},
                       length=32)


def segment_report_json(
    frames: IssueFrames,
    settings: Settings,
    version: str,
    clauses: Sequence[Clause],
    *,
    as_of: Any,
    period_days: int,
    results: ResultsCache,
) -> dict[str, Any]:
    """The report JSON of the segment (section 6 shape), memoized."""
    end = utc_timestamp(as_of)
    base = results_key(version, settings, as_of=end.to_pydatetime(), period_days=period_days)

    def compute() -> dict[str, Any]:
        ctx = _segment(frames, settings, version, clauses, as_of=end, period_days=period_days)
        return report_to_json(compute_report(ctx))

    return results.get_or_compute(segment_key(base, clauses), compute)


def segment_items_json(
    frames: IssueFrames,
    settings: Settings,
    version: str,
    clauses: Sequence[Clause],
    metric: str,
    *,
    as_of: Any,
    period_days: int,
    results: ResultsCache,
    window: tuple[Any, Any] | None = None,
) -> list[dict[str, Any]]:
    """The items behind ``metric`` in the segment (``window``: a weekly bucket's
    ``(start, end)``, default the whole period), memoized."""
    end = utc_timestamp(as_of)
    base = results_key(version, settings, as_of=end.to_pydatetime(), period_days=period_days)
    bucket = None if window is None else Window(utc_timestamp(window[0]), utc_timestamp(window[1]))
    extra = ("items", metric, None if bucket is None else (bucket.start_ns, bucket.end_ns))

    def compute() -> dict[str, Any]:
        ctx = _segment(frames, settings, version, clauses, as_of=end, period_days=period_days)
        return {"items": metric_items(ctx, metric, bucket)}

    # items hold finite numbers only (None where unknown): the fast JSON codec fits
    return results.get_or_compute(segment_key(base, clauses, *extra), compute,
                                  finite=True)["items"]


def _segment(
    frames: IssueFrames,
    settings: Settings,
    version: str,
    clauses: Sequence[Clause],
    *,
    as_of: Any,
    period_days: int,
) -> CalculationContext:
    whole = full_context(frames, settings, version, as_of=as_of, period_days=period_days)
    return segment_context(frames, settings, clauses, as_of=as_of, full=whole)
