"""What the redaction filter removes from log text, and what it leaves alone."""

from __future__ import annotations

import pytest

from configuration.redaction import clear_secrets, redact, register_secret, registered_secrets

SECRET = "Zm9vYmFyLXRva2VuLTEyMzQ"


@pytest.fixture(autouse=True)
def _secret():
    register_secret(SECRET)
    yield
    clear_secrets()


CASES = [
    # (text, redacted text)
    (f"using {SECRET} now", "using *** now"),
    (f"prefix{SECRET}suffix", "prefix***suffix"),
    ("Authorization: Bearer abc.DEF-123", "Authorization: Bearer ***"),
    ("authorization=basic dXNlcjpwYXNz", "authorization=basic ***"),
    ("{'Authorization': 'Basic dXNlcjpwYXNz', 'Accept': 'json'}",
     "{'Authorization': 'Basic ***', 'Accept': 'json'}"),
    ('{"Authorization": "Bearer eyJhbGciOi"}', '{"Authorization": "Bearer ***"}'),
    ("curl -H 'Bearer abcdefgh12345'", "curl -H 'Bearer ***'"),
    ("header Basic dXNlcjpwYXNzd29yZA==", "header Basic ***"),
    ('{"token": "abc", "password": "p\\"w", "api_key": "k1"}',
     '{"token": "***", "password": "***", "api_key": "***"}'),
    ("{'access_token': 'abc', 'apiKey': 'k'}", "{'access_token': '***', 'apiKey': '***'}"),
    ('{"Token": "abc"}', '{"Token": "***"}'),
    ("GET https://x.net/rest?jql=a&token=abc123&x=1", "GET https://x.net/rest?jql=a&token=***&x=1"),
    ("https://x.net/?api_key=zzz#frag", "https://x.net/?api_key=***#frag"),
    ("connect(password=hunter2, host=h)", "connect(password=***, host=h)"),
    ("https://jane:hunter2@jira.example.com/x", "https://jane:***@jira.example.com/x"),
    ("from jane.doe@example.com", "from j***@example.com"),
    ("to A.B+c@mail.example.co.uk.", "to A***@mail.example.co.uk."),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_credentials_and_emails_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(("text", "_expected"), CASES)
def test_redaction_is_idempotent(text, _expected):
    assert redact(redact(text)) == redact(text)


KEPT = [
    "Basic authentication failed for this user",
    '{"nextPageToken": "CAEaAggD", "isLast": false}',
    '{"token": null}',
    "fetched 120 issues in 3 pages",
    "status changed from To Do to In Progress",
]


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


def test_very_short_secrets_are_not_registered():
    register_secret("ab")
    register_secret(None)
    assert redact("tab cab") == "tab cab"


def test_clear_secrets_forgets_registered_values():
    clear_secrets()
    assert redact(f"x {SECRET}") == f"x {SECRET}"


def test_registered_secrets_are_listed_for_a_background_job():
    clear_secrets()
    register_secret(SECRET)
    register_secret("ab")  # too short: never registered
    assert registered_secrets() == (SECRET,)
    clear_secrets()
    assert registered_secrets() == ()
