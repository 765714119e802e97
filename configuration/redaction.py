"""Remove secrets and personal data from text before it is logged.

Terms used here:

- *secret*: a value registered with :func:`register_secret` (the JIRA token, once the
  settings load). It is replaced wherever it appears, in any context.
- *credential pattern*: text that carries a credential by its shape, whatever its
  value: an ``Authorization: Bearer …`` / ``Basic …`` header, a ``"token"``,
  ``"password"`` or ``"api_key"`` JSON (or Python repr) value, a ``token=`` /
  ``api_key=`` query parameter, the password in ``https://user:password@host``.
- *masked e-mail*: ``jane.doe@example.com`` becomes ``j***@example.com``: enough to
  tell users apart in a log, not enough to contact them.

Everything removed is replaced by :data:`MASK`. :func:`redact` is idempotent.
"""

from __future__ import annotations

import re
import threading

MASK = "***"
# A shorter "secret" would blank out ordinary words all over the log.
MIN_SECRET_LENGTH = 4

_secrets: set[str] = set()
_secrets_lock = threading.Lock()

_KEY = r"(?:[\w-]*_)?(?:token|password|passwd|secret|api_?key)"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization header in any rendering: HTTP text, dict repr, JSON.
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic)\s+)[^\s\"',}]+"),
     rf"\1{MASK}"),
    # A bare scheme + credential, e.g. in a curl command line; long enough not to be prose.
    (re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1{MASK}"),
    (re.compile(r"(\bBasic\s+)(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{12,}={0,2}"), rf"\1{MASK}"),
    # "token": "value" (JSON) and 'token': 'value' (Python repr); null is left alone.
    (re.compile(rf"(?i)([\"']{_KEY}[\"']\s*:\s*)([\"'])(?:\\.|(?!\2).)*\2"), rf"\1\2{MASK}\2"),
    # token=value as a query parameter or keyword argument.
    (re.compile(rf"(?i)((?<![\w.-]){_KEY}=)(?!{re.escape(MASK)})[^&\s#\"',;)]+"),
     rf"\1{MASK}"),
    # https://user:password@host
    (re.compile(r"(://[^/\s:@]+:)[^/\s@]+@"), rf"\1{MASK}@"),
    # E-mail addresses: keep the first character and the domain.
    (re.compile(r"\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b"),
     rf"\1{MASK}@\2"),
)


def register_secret(value: str | None) -> None:
    """Redact ``value`` from every later log line (no-op for None or very short values)."""
    if value and len(value) >= MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def registered_secrets() -> tuple[str, ...]:
    """The registered secrets (handed to a background job's process, which redacts too)."""
    with _secrets_lock:
        return tuple(sorted(_secrets))


def clear_secrets() -> None:
    """Forget every registered secret. Only tests call it (to start from none).

    Replacing the settings does not: a process keeps masking every token it has seen,
    since a request made with the old one may still be logged after the switch.
    """
    with _secrets_lock:
        _secrets.clear()


def redact(text: str) -> str:
    """``text`` with secrets, credential patterns and e-mail addresses masked."""
    with _secrets_lock:
        # Longest first, so a secret that contains another is removed whole.
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
