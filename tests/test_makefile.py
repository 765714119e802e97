"""The Makefile's install steps run once: checked with ``make -n`` in a scratch copy.

Terms: a *stamp* is the empty file ``.venv/.installed-runtime`` or
``.venv/.installed-dev``; make reinstalls a requirements file only when it is newer
than its stamp. ``make -n`` prints the commands it would run without running them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    past = time.time() - 3600
    for name in ("requirements.txt", "requirements-dev.txt"):
        os.utime(tmp_path / name, (past, past))
    return tmp_path


def dry_run(project: Path, target: str) -> list[str]:
    # Under `make test` the parent make's variables would make this a sub-make, which
    # prints "Entering directory" lines; a clean environment makes it a top-level make.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    command = ["make", "-n", "--no-print-directory", target, "ARGS=", "PYTEST_ARGS="]
    result = subprocess.run(command, cwd=project,
                            env=env, capture_output=True, text=True, check=True, timeout=60)
    return result.stdout.splitlines()


def installed(project: Path) -> None:
    """Pretend a previous run created the venv and installed both files."""
    (project / ".venv" / "bin").mkdir(parents=True)
    for name in ("bin/python", ".installed-runtime", ".installed-dev"):
        (project / ".venv" / name).touch()


def test_a_first_run_creates_the_venv_and_installs_the_runtime(project):
    commands = dry_run(project, "run")
    assert commands[0] == "python3 -m venv .venv"
    assert any("pip install" in c and "-r requirements.txt" in c for c in commands)
    assert not any("requirements-dev.txt" in c for c in commands)
    assert commands[-1] == ".venv/bin/python app.py "


def test_a_first_test_run_installs_the_dev_requirements(project):
    commands = dry_run(project, "test")
    assert any("pip install" in c and "-r requirements-dev.txt" in c for c in commands)
    assert commands[-1].startswith(".venv/bin/pytest")


@pytest.mark.parametrize(("target", "last"), [
    ("run", ".venv/bin/python app.py "),
    ("test", ".venv/bin/pytest -p no:dash "),
    ("lint", ".venv/bin/ruff check ."),
])
def test_a_second_run_installs_nothing(project, target, last):
    installed(project)
    commands = dry_run(project, target)
    assert not any("pip install" in c or "venv" in c.split()[:3] for c in commands[:-1])
    assert commands[-1] == last


def test_a_changed_requirements_file_is_installed_again(project):
    installed(project)
    future = time.time() + 60
    os.utime(project / "requirements.txt", (future, future))
    assert any("-r requirements.txt" in c for c in dry_run(project, "run"))


def test_ci_runs_make_test():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    lines = script.read_text().splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert lines[-1] == "make test"
