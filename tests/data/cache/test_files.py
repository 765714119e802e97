"""The per-key lock gives up the way every wait for a fetch does: cancel or time out."""

from __future__ import annotations

from pathlib import Path

import pytest

from configuration.errors import CacheError, JiraCancelled
from data.cache.files import BUSY_MESSAGE, check_waiting, key_lock


@pytest.mark.parametrize(
    ("cancelled", "timed_out", "raised"),
    [
        (False, False, None),
        (True, False, JiraCancelled),
        (True, True, JiraCancelled),  # the user's cancel wins over the time-out
        (False, True, CacheError),
    ],
)
def test_check_waiting(cancelled: bool, timed_out: bool, raised: type | None) -> None:
    if raised is None:
        check_waiting(lambda: cancelled, timed_out=timed_out)
        return
    with pytest.raises(raised):
        check_waiting(lambda: cancelled, timed_out=timed_out)


def test_a_held_key_lock_times_out_with_the_busy_sentence(tmp_path: Path) -> None:
    path = tmp_path / "k.lock"
    with key_lock(path), pytest.raises(CacheError) as caught, key_lock(path, timeout=0.1):
        pass
    assert str(caught.value) == BUSY_MESSAGE


def test_a_wait_for_a_held_key_lock_can_be_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "k.lock"
    with key_lock(path), pytest.raises(JiraCancelled), key_lock(path, cancel=lambda: True):
        pass
    with key_lock(path, timeout=0.1):  # released by both: free again
        assert path.exists()
