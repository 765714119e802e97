"""Where the application keeps its files, relative to the project root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = PROJECT_ROOT / "logs"
CACHE_DIR = PROJECT_ROOT / "cache"
DEFAULT_SETTINGS_PATH = PROJECT_ROOT / "settings.json"

CACHE_DIR_VARIABLE = "DASHBOARD_CACHE_DIR"


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The cache directory: ``DASHBOARD_CACHE_DIR`` when set, else ``cache/``.

    Every process of one deployment (web workers, Celery workers, the CLI) must agree
    on it, so it is decided here, once.
    """
    env = os.environ if env is None else env
    return Path(env.get(CACHE_DIR_VARIABLE) or CACHE_DIR)
