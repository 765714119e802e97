"""Background CPU load for reproducing a busy CI machine (not a benchmark: ``make bench``
skips modules whose name starts with ``_``).

``python -m benchmarks._busy_load --workers 4 --seconds 600`` keeps ``workers`` processes
spinning for ``seconds``, like ``stress-ng --cpu 4 --timeout 600s`` where that Debian
package is not installed. Run the tests meanwhile (see docs/testing.md); a test that
passes on an idle machine and fails under this load depends on timing luck.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time


def _spin(until: float) -> None:
    # A pure-Python busy loop: one process keeps one core at 100% until ``until``.
    count = 0
    while time.monotonic() < until:
        count += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2)
    parser.add_argument("--seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    until = time.monotonic() + args.seconds
    workers = [multiprocessing.Process(target=_spin, args=(until,), daemon=True)
               for _ in range(args.workers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
