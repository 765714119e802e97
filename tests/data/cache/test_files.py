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


def test_a_symlinked_lock_file_is_refused_and_its_target_left_alone(tmp_path: Path) -> None:
    """Rule: a lock file is never a symbolic link (O_NOFOLLOW, as filelock since its CVE
    fixes): a link planted at the lock path makes the lock fail with a sentence naming
    the file, and the file it points at is neither created nor touched."""
    target = tmp_path / "elsewhere" / "victim"
    target.parent.mkdir()
    path = tmp_path / "k.lock"
    path.symlink_to(target)
    with pytest.raises(CacheError, match=r"k\.lock is a symbolic link; remove it"), \
            key_lock(path):
        pass
    assert not target.exists()
    target.write_bytes(b"keep")
    with pytest.raises(CacheError, match="symbolic link"), key_lock(path):
        pass
    assert target.read_bytes() == b"keep"
