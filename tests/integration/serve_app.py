"""Serve the dashboard for the browser tests (run as a subprocess).

``python -m tests.integration.serve_app SETTINGS_PATH CACHE_DIR PORT``: the app of
``create_app`` on 127.0.0.1:PORT with Flask's threaded server, as ``app.py`` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from callbacks.app_factory import create_app


def main(argv: list[str]) -> None:
    settings_path, cache_dir, port = Path(argv[0]), Path(argv[1]), int(argv[2])
    app = create_app(settings_path, cache_dir=cache_dir)
    app.run(host="127.0.0.1", port=port, debug=False)


if __name__ == "__main__":
    main(sys.argv[1:])
