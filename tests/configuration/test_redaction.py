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


@pytest.mark.parametrize(("secrets", "text", "expected"), [
    # an old token that prefixes the new one must not leave the new one's tail
    (("ABCD", "ABCDEFGH1234"), "sent ABCDEFGH1234", "sent ***"),
    # a secret inside another one (not a prefix): alphabetical order would mask it first
    (("BCDE", "ABCDEFGH"), "sent ABCDEFGH", "sent ***"),
])
def test_the_longest_secret_is_masked_first(secrets, text, expected):
    """Rule: secrets are replaced longest first, so a secret that is part of another
    never splits it and leaves the rest of the longer one in the log."""
    for secret in secrets:
        register_secret(secret)
    assert redact(text) == expected


def test_a_secret_of_exactly_four_characters_is_registered():
    """Rule: MIN_SECRET_LENGTH (4) is the shortest secret masked; 3 characters are not."""
    register_secret("wxyz")
    register_secret("qrs")
    assert redact("wxyz qrs") == "*** qrs"


@pytest.mark.parametrize(("text", "expected"), [
    ("login(passwd=hunter22)", "login(passwd=***)"),
    ('{"client_secret": "s3cr3t"}', '{"client_secret": "***"}'),
    ("secret=abc&x=1", "secret=***&x=1"),
])
def test_passwd_and_secret_keys_are_credentials(text, expected):
    """Rule: ``passwd`` and ``secret`` name credentials like ``password`` and ``token``."""
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["retoken=abc", "x.token=abc", "mysecret=abc", "pre-token=abc"])
def test_a_key_inside_a_longer_word_is_not_a_credential(text):
    """Rule: ``token=`` only counts at the start of a word (or after ``_``-joined words
    such as ``access_token``); ``retoken=`` is some other parameter and is kept."""
    assert redact(text) == text
