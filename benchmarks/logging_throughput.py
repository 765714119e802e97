"""How much the redaction filter and JSON formatting cost per log record.

Prints records per second written to ``app.log`` (INFO) with the full setup (JSON file
handlers + redaction on every handler), for a plain message, a message with a URL and
an e-mail, and an exception with a traceback; then settings validations per second.
The console handler is off so the terminal does not dominate the figures.

Run: ``.venv/bin/python -m benchmarks.logging_throughput`` from the project root.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from configuration.logging_config import setup_logging, shutdown_logging
from configuration.redaction import redact
from configuration.validation import parse_settings

RECORDS = 20_000
log = logging.getLogger("bench")


def rate(action: Callable[[], None], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        action()
    return count / (time.perf_counter() - started)


def emit_exception() -> None:
    try:
        raise ValueError("Authorization: Bearer abcdefgh12345678")
    except ValueError:
        log.exception("request failed")


def main() -> None:
    cases: dict[str, Callable[[], None]] = {
        "plain message": lambda: log.info("fetched %d issues", 100),
        "URL + e-mail + token": lambda: log.info(
            "GET %s for %s", "https://x.atlassian.net/rest?token=s3cr3t-token-value&a=1",
            "jane.doe@example.com"),
        "exception + traceback": emit_exception,
    }
    with tempfile.TemporaryDirectory() as tmp:
        setup_logging(Path(tmp), console_level=None, secrets=["s3cr3t-token-value"])
        try:
            for name, action in cases.items():
                count = RECORDS // 10 if name.startswith("exception") else RECORDS
                print(f"logging, {name:21s}: {rate(action, count):>9,.0f} records/s")
        finally:
            shutdown_logging()
    line = "GET https://x.atlassian.net/rest/api/3/search/jql?jql=project%3DX for jane@example.com"
    print(f"redact() alone, one URL line : {rate(lambda: redact(line), RECORDS):>9,.0f} /s")
    raw = {"jira": {"url": "https://x.atlassian.net", "jql": "project = X"},
           "workflow": {"active_statuses": ["In Progress"], "done_statuses": ["Done"]}}
    print(f"parse_settings               : {rate(lambda: parse_settings(raw), 20_000):>9,.0f} /s")


if __name__ == "__main__":
    main()
