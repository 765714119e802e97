"""Where the application keeps its files, relative to the project root."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = PROJECT_ROOT / "logs"
CACHE_DIR = PROJECT_ROOT / "cache"
DEFAULT_SETTINGS_PATH = PROJECT_ROOT / "settings.json"
