"""Serve the dashboard for the browser tests (run as a subprocess).

``python -m tests.integration.serve_app SETTINGS_PATH CACHE_DIR PORT [LOG_DIR]``: the
app of ``create_app`` on 127.0.0.1:PORT with Flask's threaded server, as ``app.py``
does; with LOG_DIR, logging set up as ``app.py serve`` sets it up (JSON files there).
"""

from __future__ import annotations

import sys
from pathlib import Path

from callbacks.app_factory import create_app
from configuration.logging_config import setup_logging


def main(argv: list[str]) -> None:
    settings_path, cache_dir, port = Path(argv[0]), Path(argv[1]), int(argv[2])
    if len(argv) > 3:
        setup_logging(Path(argv[3]))
    app = create_app(settings_path, cache_dir=cache_dir)
    app.run(host="127.0.0.1", port=port, debug=False)


if __name__ == "__main__":
    main(sys.argv[1:])
