"""Pure helpers for JIRA answers: display URLs and JIRA's own error text."""

from __future__ import annotations

import pytest

from data.jira.responses import display_url, jira_messages


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://acme.atlassian.net/rest/api/3/myself", "https://acme.atlassian.net/rest/api/3/myself"),
        ("https://bob:s3cret@jira.example.com/rest/api/2/search?jql=x&token=abc",
         "https://jira.example.com/rest/api/2/search"),
        ("http://127.0.0.1:8080/rest/api/2/issue/A-1?expand=changelog#x",
         "http://127.0.0.1:8080/rest/api/2/issue/A-1"),
    ],
)
def test_display_url_drops_credentials_query_and_fragment(url: str, shown: str) -> None:
    assert display_url(url) == shown


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"errorMessages": ["Field 'foo' does not exist or you do not have permission to view it."],
          "errors": {}},
         "Field 'foo' does not exist or you do not have permission to view it."),
        ({"errorMessages": ["Bad JQL", "Another"]}, "Bad JQL. Another."),
        ({"errorMessages": [], "errors": {"jql": "The value 'X' does not exist"}},
         "jql: The value 'X' does not exist."),
        ({"errorMessages": ["", "  "]}, ""),
        ("<html>", ""),
        (None, ""),
    ],
)
def test_jira_messages_joins_error_messages_and_errors(body: object, text: str) -> None:
    assert jira_messages(body) == text
