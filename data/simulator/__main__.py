"""``python -m data.simulator [--port 8081] [--flavor cloud|datacenter]``: run it standalone.

Prints the URL and the demo credentials, then serves until interrupted (Ctrl+C).
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from data.simulator.server import JiraSimulator


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator in the foreground; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m data.simulator",
                                     description="Serve the demo JIRA project on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8081, help="port (0: any free port)")
    parser.add_argument("--flavor", choices=("cloud", "datacenter"), default="cloud")
    parser.add_argument("--rate-limit", type=int, metavar="N", default=None,
                        help="allow N requests per 10 seconds (default: no limit)")
    args = parser.parse_args(argv)
    simulator = JiraSimulator(
        flavor=args.flavor,
        rate_limit=(args.rate_limit, 10.0) if args.rate_limit else None,
        port=args.port,
    )
    try:
        simulator.start()
    except OSError as problem:
        print(f"Cannot listen on 127.0.0.1:{args.port}: {problem.strerror}.", file=sys.stderr)
        return 2
    email, token, _ = simulator.credentials()
    print(f"JIRA simulator ({args.flavor}) at {simulator.url}", flush=True)
    print(f"email: {email}  token: {token}  (demo credentials)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
