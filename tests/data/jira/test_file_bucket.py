"""The file-backed token bucket: the step arithmetic, fake-clock pacing, state shared
through the file, corrupt files, and real processes sharing one budget."""

from __future__ import annotations

import json
import logging
import multiprocessing
import time
from pathlib import Path

import pytest

from configuration.errors import CacheError
from configuration.settings import JiraSettings, RateLimit
from data.jira.file_bucket import (
    BucketState,
    FileTokenBucket,
    state_file_name,
    step_state,
)
from data.jira.token_bucket import RateLimiter
from tests.data.jira.fakes import FakeClock

WALL_START = 1_780_000_000.0  # an epoch time: the state is kept in wall-clock seconds
CALLER_START = 500.0  # a monotonic reading: deadlines come in the caller's clock


def _bucket(path: Path, capacity: int, per_seconds: float) -> tuple[FileTokenBucket, FakeClock]:
    wall, caller = FakeClock(WALL_START), FakeClock(CALLER_START)
    bucket = FileTokenBucket(path, capacity, per_seconds, clock=wall, sleep=wall.sleep,
                             caller_clock=caller)
    return bucket, wall


def test_is_a_rate_limiter(tmp_path: Path) -> None:
    assert isinstance(FileTokenBucket(tmp_path / "b.json", 1, 1.0), RateLimiter)


@pytest.mark.parametrize(
    ("state", "mode", "amount", "now", "expected_state", "wait", "paused_for"),
    [
        # 2 s at 1 token/s refills 2 tokens; a take spends one.
        ((1.0, 100.0, 0.0), "take", 1, 102.0, (2.0, 102.0, 0.0), 0.0, 0.0),
        # Refill stops at the capacity (4).
        ((3.0, 100.0, 0.0), "peek", 0, 200.0, (4.0, 200.0, 0.0), 0.0, 0.0),
        # Taking into debt: wait until the debt is refilled.
        ((0.0, 100.0, 0.0), "take", 2, 100.0, (-2.0, 100.0, 0.0), 2.0, 0.0),
        # A pause empties the bucket and holds for `amount` seconds.
        ((3.0, 100.0, 0.0), "pause", 5, 100.0, (0.0, 100.0, 105.0), 5.0, 5.0),
        # An earlier pause never shortens a longer one.
        ((0.0, 100.0, 110.0), "pause", 1, 100.0, (0.0, 100.0, 110.0), 10.0, 10.0),
        # The wall clock stepped back 50 s: no refill, no negative refill, new origin.
        ((1.0, 150.0, 0.0), "take", 1, 100.0, (0.0, 100.0, 0.0), 0.0, 0.0),
    ],
)
def test_one_step(  # noqa: PLR0917 (one parameter per column of the table)
    state: tuple[float, float, float], mode: str, amount: float, now: float,
    expected_state: tuple[float, float, float], wait: float, paused_for: float,
) -> None:
    new, answer = step_state(BucketState(*state), mode, amount, now=now, capacity=4, rate=1.0)
    assert (new.tokens, new.updated, new.paused_until) == pytest.approx(expected_state)
    assert (answer.wait, answer.paused_for) == pytest.approx((wait, paused_for))
    assert answer.tokens == pytest.approx(new.tokens)


def test_burst_then_one_refill_interval_per_token(tmp_path: Path) -> None:
    bucket, wall = _bucket(tmp_path / "b.json", 3, 6.0)  # one token every 2 s
    assert [bucket.acquire() for _ in range(3)] == [0.0] * 3
    assert [bucket.acquire() for _ in range(2)] == pytest.approx([2.0, 2.0])
    assert wall.sleeps == pytest.approx([2.0, 2.0])
    assert bucket.available() == pytest.approx(0.0)


def test_the_next_process_goes_on_from_the_stored_state(tmp_path: Path) -> None:
    """A new bucket on the same file (the next background job) inherits the debt."""
    first, wall = _bucket(tmp_path / "b.json", 2, 2.0)
    for _ in range(2):
        first.acquire()
    second = FileTokenBucket(tmp_path / "b.json", 2, 2.0, clock=wall, sleep=wall.sleep)
    assert second.acquire() == pytest.approx(1.0)
    stored = json.loads((tmp_path / "b.json").read_text())  # as of its last look
    assert (stored["tokens"], stored["updated"]) == pytest.approx((0.0, WALL_START + 1.0))


def test_a_pause_deadline_on_the_callers_clock_is_stored_in_wall_time(tmp_path: Path) -> None:
    bucket, _ = _bucket(tmp_path / "b.json", 5, 10.0)  # half a token per second
    bucket.pause_until(CALLER_START + 4.0)  # Retry-After: 4 on a monotonic clock
    assert bucket.paused_for() == pytest.approx(4.0)
    stored = json.loads((tmp_path / "b.json").read_text())
    assert stored["paused_until"] == pytest.approx(WALL_START + 4.0)
    assert bucket.acquire() == pytest.approx(4.0)  # emptied: only the refill is spendable
    assert bucket.available() == pytest.approx(4.0 * 0.5 - 1.0)


@pytest.mark.parametrize(
    "content", [b"", b"{", b"[]", b'{"tokens": "many"}', b'{"tokens": 1, "updated": 2}',
                b'{"tokens": NaN, "updated": 1, "paused_until": 0}', b"\xff\xfe"],
)
def test_a_corrupt_state_file_is_a_full_bucket_and_is_rewritten(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(content)
    bucket, _ = _bucket(path, 3, 1.0)
    with caplog.at_level(logging.WARNING, logger="data.jira.file_bucket"):
        assert bucket.acquire() == 0.0
    assert "starting from a full bucket" in caplog.text
    assert json.loads(path.read_text())["tokens"] == pytest.approx(2.0)


def test_a_symlinked_lock_file_is_refused(tmp_path: Path) -> None:
    """Rule: the bucket's lock file (``<state>.lock``) is never a symbolic link: a link
    planted there stops the request with a sentence, and its target is not created."""
    target = tmp_path / "victim"
    (tmp_path / "b.json.lock").symlink_to(target)
    with pytest.raises(CacheError, match="symbolic link"):
        FileTokenBucket(tmp_path / "b.json", CAPACITY, PER_SECONDS).acquire()
    assert not target.exists()


def test_for_jira_mirrors_the_clients_sizing_and_hides_the_url(tmp_path: Path) -> None:
    jira = JiraSettings(url="https://acme.atlassian.net/", rate_limit=RateLimit(10, 1.0))
    bucket = FileTokenBucket.for_jira(tmp_path, jira)
    assert (bucket.capacity, bucket.per_seconds) == (9, pytest.approx(0.9))
    assert bucket.path == tmp_path / state_file_name("https://ACME.atlassian.net")
    bucket.acquire()
    assert "acme" not in "".join(p.name + p.read_text() for p in tmp_path.iterdir())


# -- real processes ---------------------------------------------------------------------

CAPACITY, PER_SECONDS = 4, 0.5  # 8 tokens per second
PER_PROCESS = 8


def _acquire_many(path: str, count: int, start_at: float, out: multiprocessing.Queue) -> None:
    bucket = FileTokenBucket(Path(path), CAPACITY, PER_SECONDS)
    time.sleep(max(0.0, start_at - time.time()))  # start together, after spawning
    stamps = []
    for _ in range(count):
        bucket.acquire()
        stamps.append(time.time())
    out.put(stamps)


def _acquire_once(path: str, out: multiprocessing.Queue) -> None:
    FileTokenBucket(Path(path), CAPACITY, PER_SECONDS).acquire()
    out.put(time.time())


def _run(target: object, *args: object) -> list[object]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    children = [context.Process(target=target, args=(*a, out)) for a in args]
    for child in children:
        child.start()
    results = [out.get(timeout=30) for _ in children]
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    return results


def test_concurrent_processes_stay_within_one_budget(tmp_path: Path) -> None:
    path = str(tmp_path / "b.json")
    start_at = time.time() + 1.5
    results = _run(_acquire_many, *[(path, PER_PROCESS, start_at)] * 3)
    assert all(len(stamps) == PER_PROCESS for stamps in results)
    stamps = sorted(t for one in results for t in one)
    rate = CAPACITY / PER_SECONDS
    for granted, at in enumerate(stamps, start=1):
        # Full at start_at: capacity at once, then the rate; 0.5 token for timer slop.
        assert granted <= CAPACITY + rate * (at - start_at) + 0.5
    assert stamps[-1] - start_at >= (3 * PER_PROCESS - CAPACITY) / rate - 0.05


def test_a_pause_in_one_process_delays_anothers_acquire(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    FileTokenBucket(path, CAPACITY, PER_SECONDS).pause_until(time.monotonic() + 2.0)
    paused_at = time.time()
    (granted_at,) = _run(_acquire_once, (str(path),))
    assert granted_at >= paused_at + 2.0 - 0.05
