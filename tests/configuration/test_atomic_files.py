"""Atomic replace and write: whole content or none, private mode, no temp files left."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from configuration.atomic_files import atomic_write, replace_atomically, write_durable


@pytest.mark.parametrize("write", [atomic_write, replace_atomically])
def test_the_new_content_replaces_the_old_with_a_private_mode(tmp_path: Path, write) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")
    write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_failed_replace_keeps_the_old_target_and_removes_the_temp_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "inside").write_text("keep")  # os.replace cannot put a file over a directory
    with pytest.raises(IsADirectoryError):
        replace_atomically(target, b"new")
    assert (target / "inside").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_write_durable_writes_the_whole_file(tmp_path: Path) -> None:
    write_durable(tmp_path / "frame.parquet", b"\x00" * 1000)
    assert (tmp_path / "frame.parquet").read_bytes() == b"\x00" * 1000
