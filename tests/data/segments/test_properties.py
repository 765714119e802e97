"""Property: for any field and values, ``X=V`` and ``X!=V`` split every issue count.

Deployments are the exception by the contract: one linked to changes on both sides
is kept on both sides, so they are not asserted to split.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from configuration.filters import FILTER_FIELDS
from tests.data.segments.test_segment import counts

VALUES = ["API", "web", "alpha", "beta", "High", "low", "Medium", "Ann Lee", "ann@x.io",
          "bob", "EP-1", "v1", "V2", "Story", "Bug", "Incident", "Deployment", "Done",
          "In Progress", "red", "Blue", "nothing"]
FIELDS = [*FILTER_FIELDS, "customfield_10042"]
SPLIT = (3, 5, 6, 7, 8, 9)  # changes, incidents, completed, measured, unstarted, wip


@settings(max_examples=40, deadline=None)
@given(
    field=st.sampled_from(FIELDS),
    values=st.lists(st.sampled_from(VALUES), min_size=1, max_size=3, unique=True),
    base=st.lists(st.sampled_from(["component=API", "type!=Bug", "label=beta"]),
                  max_size=1),
)
def test_equal_and_not_equal_split_every_count(field: str, values: list[str],
                                               base: list[str]) -> None:
    joined = ",".join(values)
    whole = counts(*base)
    hit, miss = counts(*base, f"{field}={joined}"), counts(*base, f"{field}!={joined}")
    for index in SPLIT:
        assert hit[index] + miss[index] == whole[index]
