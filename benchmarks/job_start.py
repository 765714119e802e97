"""What starting a background job in a clean process costs (issue 10, item 1).

A fetch in single-process mode is a Dash background job. Dash's ``DiskcacheManager``
forks the web server for it (unsafe: see ``callbacks/job_process.py``); the dashboard
starts it from a forkserver job server instead. Prints, for a job that only stores
its result, the seconds from ``call_job_fn`` until the result is in the cache:

- *fork*: Dash's own manager (the old way, for comparison);
- *job server, cold*: the first job of a process whose job server is not running
  (it starts and imports the dashboard first; ``create_app`` starts it at start-up,
  so a user meets this only when clicking within seconds of the start);
- *job server, warm*: the median of later jobs.

Each figure carries the dashboard's modules already imported in this process, as a
web server has. Run: ``.venv/bin/python -m benchmarks.job_start`` from the project root.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import diskcache
from dash import DiskcacheManager

import callbacks.app_factory  # noqa: F401 - a web server has the dashboard imported
from callbacks.job_process import CleanProcessDiskcacheManager

REPEAT = 15


def store_result() -> str:
    return "done"


def seconds_to_result(manager: Any, key: str) -> float:
    started = time.perf_counter()
    pid = manager.call_job_fn(key, manager.make_job_fn(store_result, False), [], {})
    while manager.handle.get(key) is None:
        threading.Event().wait(0.001)  # another process: poll its result
    elapsed = time.perf_counter() - started
    manager.terminate_job(pid)
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fork = DiskcacheManager(diskcache.Cache(str(Path(tmp) / "fork")))
        clean = CleanProcessDiskcacheManager(diskcache.Cache(str(Path(tmp) / "clean")))
        cold = seconds_to_result(clean, "cold")
        warm = [seconds_to_result(clean, f"warm-{n}") for n in range(REPEAT)]
        forked = [seconds_to_result(fork, f"fork-{n}") for n in range(REPEAT)]
    print(f"job start to result, fork (Dash's default) : {statistics.median(forked):6.3f} s")
    print(f"job start to result, job server, cold      : {cold:6.3f} s")
    print(f"job start to result, job server, warm      : {statistics.median(warm):6.3f} s")


if __name__ == "__main__":
    main()
