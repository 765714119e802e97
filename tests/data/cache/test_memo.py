"""The one in-memory LRU: eviction order, make-on-miss, failures, threads."""

from __future__ import annotations

import threading

import pytest

from data.cache.memo import LruMemo


def test_the_least_recently_used_entry_goes_first() -> None:
    """Rule: a read makes an entry recent, so the entry dropped is the one unused longest."""
    memo: LruMemo[int] = LruMemo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "a" is now the most recent
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)
    assert len(memo) == 2


def test_get_or_make_makes_once_and_remembers() -> None:
    memo: LruMemo[str] = LruMemo(4)
    made: list[str] = []

    def make() -> str:
        made.append("x")
        return "value"

    assert memo.get_or_make("k", make) == "value"
    assert memo.get_or_make("k", make) == "value"
    assert made == ["x"]


def test_a_failing_make_remembers_nothing() -> None:
    """Rule: an exception is raised to the caller and not cached; the next call tries again."""
    memo: LruMemo[str] = LruMemo(4)

    def fail() -> str:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        memo.get_or_make("k", fail)
    assert memo.get_or_make("k", lambda: "fine") == "fine"


def test_clear_forgets_everything() -> None:
    memo: LruMemo[int] = LruMemo(4)
    memo.put("a", 1)
    memo.clear()
    assert (memo.get("a"), len(memo)) == (None, 0)


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="size of at least 1"):
        LruMemo(0)


def test_threads_writing_at_once_never_exceed_the_size() -> None:
    """Rule: every change happens under the lock, so 8 threads writing 200 keys each
    leave exactly ``size`` entries, each readable."""
    memo: LruMemo[int] = LruMemo(16)
    start = threading.Barrier(8)

    def write(worker: int) -> None:
        start.wait()
        for n in range(200):
            memo.put((worker, n), n)
            memo.get((worker, n // 2))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(memo) == 16


def test_a_key_being_made_is_made_once_for_every_thread_asking() -> None:
    """Rule: a thread asking for a key another thread is making gets that result; it
    never makes the value itself (its ``make`` raises if called)."""
    memo: LruMemo[str] = LruMemo(4)
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait()
        return "made once"

    def never() -> str:
        raise AssertionError("made twice")

    first = threading.Thread(target=memo.get_or_make, args=("k", slow))
    first.start()
    started.wait()
    got: list[str] = []
    second = threading.Thread(target=lambda: got.append(memo.get_or_make("k", never)))
    second.start()
    release.set()
    first.join()
    second.join()
    assert got == ["made once"]


def test_when_the_maker_fails_a_waiting_thread_makes_the_value_itself() -> None:
    memo: LruMemo[str] = LruMemo(4)
    started, release = threading.Event(), threading.Event()

    def failing() -> str:
        started.set()
        release.wait()
        raise ValueError("broken")

    errors: list[Exception] = []

    def ask_failing() -> None:
        try:
            memo.get_or_make("k", failing)
        except ValueError as error:
            errors.append(error)

    first = threading.Thread(target=ask_failing)
    first.start()
    started.wait()
    got: list[str] = []
    second = threading.Thread(target=lambda: got.append(memo.get_or_make("k", lambda: "mine")))
    second.start()
    release.set()
    first.join()
    second.join()
    assert got == ["mine"]
    assert [str(e) for e in errors] == ["broken"]
