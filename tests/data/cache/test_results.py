"""The results cache (memory LRU + disk) and the frames fingerprint."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from data.cache.results import ResultsCache, frames_fingerprint
from tests.data.cache.factory import synthetic_frames


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict:
        self.calls += 1
        return {"issues": self.calls, "flow": {"wip": 3}}


def test_a_hit_does_not_recompute() -> None:
    cache, compute = ResultsCache(), Counter()
    assert cache.get_or_compute("k", compute) == {"issues": 1, "flow": {"wip": 3}}
    assert cache.get_or_compute("k", compute) == {"issues": 1, "flow": {"wip": 3}}
    assert (compute.calls, cache.hits, cache.misses) == (1, 1, 1)


def test_callers_cannot_alter_the_cached_result() -> None:
    cache, compute = ResultsCache(), Counter()
    cache.get_or_compute("k", compute)["flow"]["wip"] = 99
    assert cache.get_or_compute("k", compute)["flow"]["wip"] == 3


def test_the_least_recently_used_entry_is_evicted() -> None:
    cache, compute = ResultsCache(max_entries=2), Counter()
    cache.get_or_compute("a", compute)
    cache.get_or_compute("b", compute)
    cache.get_or_compute("a", compute)  # a is now the most recent
    cache.get_or_compute("c", compute)  # evicts b
    cache.get_or_compute("a", compute)
    assert compute.calls == 3
    cache.get_or_compute("b", compute)
    assert compute.calls == 4


def test_the_disk_level_serves_a_new_process(tmp_path: Path) -> None:
    compute = Counter()
    ResultsCache(directory=tmp_path).get_or_compute("k", compute)
    again = ResultsCache(directory=tmp_path).get_or_compute("k", compute)
    assert again == {"issues": 1, "flow": {"wip": 3}}
    assert compute.calls == 1


ITEMS = {"items": [{"key": "K-1", "summary": "Café ✓", "hours": 72.5, "age_days": None,
                   "failed": True, "n": 3}]}


@pytest.mark.parametrize("finite", [False, True])
def test_both_codecs_store_json_and_return_equal_copies(tmp_path: Path, finite: bool) -> None:
    cache = ResultsCache(directory=tmp_path)
    first = cache.get_or_compute("k", lambda: ITEMS, finite=finite)
    first["items"][0]["hours"] = 0
    assert cache.get_or_compute("k", lambda: {}, finite=finite) == ITEMS
    # a new process reads the disk copy with either codec
    assert ResultsCache(directory=tmp_path).get_or_compute("k", dict) == ITEMS
    assert ResultsCache(directory=tmp_path).get_or_compute("k", dict, finite=True) == ITEMS
    assert json.loads((tmp_path / "k.json").read_text(encoding="utf-8")) == ITEMS


def test_a_torn_disk_result_is_recomputed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    compute = Counter()
    ResultsCache(directory=tmp_path).get_or_compute("k", compute)
    (tmp_path / "k.json").write_text('{"issues": 1, "fl')
    with caplog.at_level(logging.WARNING):
        result = ResultsCache(directory=tmp_path).get_or_compute("k", compute)
    assert result["issues"] == 2
    assert "unreadable cached result" in caplog.text


def test_the_disk_level_keeps_the_newest_files(tmp_path: Path) -> None:
    cache, compute = ResultsCache(directory=tmp_path, max_files=3), Counter()
    for key in "abcde":
        cache.get_or_compute(key, compute)
    assert len(list(tmp_path.glob("*.json"))) == 3


def test_frames_fingerprint_follows_content() -> None:
    frames = synthetic_frames(50, 3, seed=1)
    same = synthetic_frames(50, 3, seed=1)
    assert frames_fingerprint(frames) == frames_fingerprint(same)
    issues = frames.issues.copy()
    issues.loc[7, "status"] = "Done" if issues.loc[7, "status"] != "Done" else "To Do"
    assert frames_fingerprint(replace(frames, issues=issues)) != frames_fingerprint(frames)
    assert frames_fingerprint(synthetic_frames(50, 3, seed=2)) != frames_fingerprint(frames)
