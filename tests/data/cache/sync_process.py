"""A child process that syncs one store from a simulator once a start file appears.

Used by ``test_processes.py``: ``python -m tests.data.cache.sync_process <root> <url> <go>``.
Prints ``ready`` after its imports, waits for the file ``<go>`` (so that several
children start their syncs within milliseconds of each other), syncs, and prints
the result as JSON: ``{"mode": ..., "requests": ..., "store_version": ...}``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from data.cache.store import IssueStore
from data.cache.sync import sync_issues
from tests.data.cache.conftest import NOW, client_for, settings_for


def main(root: Path, url: str, go: Path) -> None:
    settings = settings_for(url)
    store = IssueStore.for_jira(root, settings.jira)
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    with client_for(settings) as client:
        result = sync_issues(settings, client, store, now=NOW)
    print(json.dumps({"mode": result.mode, "requests": result.requests,
                      "store_version": result.store_version}), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
