"""Shared pytest fixtures for the whole suite (keep this file small).

- ``isolated_logging``: the application's logging set up in a temporary directory,
  undone afterwards (handlers closed, registered secrets forgotten). Use it in any
  test that needs ``setup_logging``, so no test writes into the repository's ``logs/``.

Every JIRA the tests talk to is a simulator on 127.0.0.1, so the suite (and the
servers it starts, which inherit the environment) allows private addresses in team
mode; ``tests/data/jira/test_address_guard.py`` tests the guard with its own policies.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from configuration.logging_config import clear_secrets, setup_logging, shutdown_logging
from data.jira.address_guard import ALLOW_PRIVATE_VARIABLE

os.environ.setdefault(ALLOW_PRIVATE_VARIABLE, "1")


@pytest.fixture
def isolated_logging(tmp_path: Path) -> Iterator[Path]:
    """Set up logging into ``tmp_path / "logs"`` and return that directory."""
    root = logging.getLogger()
    level = root.level
    log_dir = tmp_path / "logs"
    setup_logging(log_dir)
    try:
        yield log_dir
    finally:
        shutdown_logging()
        clear_secrets()
        root.setLevel(level)
