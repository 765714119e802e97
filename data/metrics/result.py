"""The JSON form shared by the headline metric results.

A *plain result* is a frozen dataclass whose fields are exactly the keys of its JSON
object in METRICS.md section 6 (ints, floats, ``None`` or a tier string), so its JSON
is derived from the fields instead of being written out a second time.
"""

from __future__ import annotations

import dataclasses
from typing import Any


class PlainResult:
    """Mixin for a frozen dataclass result: ``to_json()`` is its fields, in order."""

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
