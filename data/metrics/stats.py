"""Small statistics helpers shared by the metrics.

Terms: a *percentile* uses linear interpolation between closest ranks (numpy's default
``method="linear"``, METRICS.md section 1); the *median* is the 50th percentile. An
empty sample has no percentile (``None``), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def percentiles(values: np.ndarray, qs: Sequence[float]) -> tuple[float | None, ...]:
    """The ``qs`` percentiles (0-100) of ``values`` as floats, all ``None`` when empty."""
    if len(values) == 0:
        return tuple(None for _ in qs)
    found = np.percentile(np.asarray(values, dtype=np.float64), list(qs))
    return tuple(float(v) for v in found)


def ratio_percent(part: float, whole: float) -> float | None:
    """``part / whole * 100``, or ``None`` when ``whole`` is zero (nothing to count)."""
    return None if whole == 0 else float(part) / float(whole) * 100.0
