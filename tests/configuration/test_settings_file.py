"""Loading and saving settings.json: defaults, errors, environment token, atomic writes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from configuration import settings_file
from configuration.errors import ConfigError
from configuration.redaction import clear_secrets, redact
from configuration.settings import Settings
from configuration.settings_file import load_settings, save_settings
from configuration.validation import SettingsInvalid, parse_settings

NO_ENV: dict[str, str] = {}
VALID = {"jira": {"url": "https://x.atlassian.net", "token": "file-token-1234",
                  "jql": "project = X"}, "period_days": 30}


@pytest.fixture(autouse=True)
def _forget_secrets():
    yield
    clear_secrets()


def write(path: Path, content: object) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def leftovers(directory: Path, keep: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != keep)


def test_a_missing_file_gives_the_defaults(tmp_path):
    assert load_settings(tmp_path / "absent.json", env=NO_ENV) == Settings()


def test_a_file_is_loaded_and_validated(tmp_path):
    settings = load_settings(write(tmp_path / "s.json", VALID), env=NO_ENV)
    assert settings.period_days == 30
    assert settings.jira.token == "file-token-1234"


def test_invalid_json_names_the_file_and_the_line(tmp_path):
    path = write(tmp_path / "s.json", '{\n  "period_days": 30,\n  "jira": {,}\n}')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=NO_ENV)
    assert str(path) in str(caught.value)
    assert "line 3" in str(caught.value)


def test_invalid_json_never_quotes_the_file_content(tmp_path):
    path = write(tmp_path / "s.json", '{"jira": {"token": "s3cr3t-token-xyz" oops}}')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=NO_ENV)
    assert "s3cr3t" not in str(caught.value)


@pytest.mark.parametrize(("content", "words"), [
    ('{"period_days": 1, "period_days": 2}', 'the key "period_days" appears twice'),
    ("[1, 2]", "must hold a JSON object"),
    ("null", "must hold a JSON object"),
])
def test_a_file_that_is_not_one_settings_object_is_rejected(tmp_path, content, words):
    path = write(tmp_path / "s.json", content)
    with pytest.raises(ConfigError, match=words) as caught:
        load_settings(path, env=NO_ENV)
    assert str(path) in str(caught.value)


def test_undecodable_bytes_are_a_config_error(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b'{"jira": "\xff\xfe"}')
    with pytest.raises(ConfigError, match="Cannot read the settings file"):
        load_settings(path, env=NO_ENV)


def test_a_directory_instead_of_a_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="Cannot read the settings file"):
        load_settings(tmp_path, env=NO_ENV)


def test_invalid_settings_list_every_problem_and_the_file(tmp_path):
    path = write(tmp_path / "s.json", {"period_days": 0, "jira": {"jql": ""}})
    with pytest.raises(SettingsInvalid) as caught:
        load_settings(path, env=NO_ENV)
    assert [key for key, _ in caught.value.problems] == ["period_days", "jira.jql"]
    assert str(caught.value).startswith(f"{path}: 2 problems in the settings: ")


@pytest.mark.parametrize(("env_token", "expected"), [
    ("env-token-5678", "env-token-5678"),
    ("", "file-token-1234"),
    ("   ", "file-token-1234"),
])
def test_the_environment_token_overrides_the_file(tmp_path, env_token, expected):
    path = write(tmp_path / "s.json", VALID)
    assert load_settings(path, env={"JIRA_API_TOKEN": env_token}).jira.token == expected


def test_the_environment_token_applies_without_a_file(tmp_path):
    settings = load_settings(tmp_path / "none.json", env={"JIRA_API_TOKEN": "env-token-5678"})
    assert settings.jira.token == "env-token-5678"


def test_loading_registers_the_token_for_log_redaction(tmp_path):
    load_settings(write(tmp_path / "s.json", VALID), env=NO_ENV)
    assert redact("sent file-token-1234 to JIRA") == "sent *** to JIRA"


def test_save_writes_a_0600_file_that_loads_back(tmp_path):
    path = tmp_path / "s.json"
    saved = save_settings(VALID, path, env=NO_ENV)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path, env=NO_ENV) == saved == parse_settings(VALID)
    assert leftovers(tmp_path, keep="s.json") == []


def test_save_replaces_a_world_readable_file_with_a_0600_one(tmp_path):
    path = write(tmp_path / "s.json", {"period_days": 5})
    path.chmod(0o644)
    save_settings(parse_settings(VALID), path, env=NO_ENV)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["period_days"] == 30


def test_save_creates_missing_parent_directories(tmp_path):
    path = tmp_path / "a" / "b" / "s.json"
    save_settings({}, path, env=NO_ENV)
    assert json.loads(path.read_text())["period_days"] == 90


@pytest.mark.parametrize("bad", [
    {"period_days": -1},
    {"jira": {"url": "not a url"}},
    Settings(period_days=0),  # built by hand, so never validated before
])
def test_a_failed_validation_leaves_the_previous_file_untouched(tmp_path, bad):
    path = write(tmp_path / "s.json", VALID)
    before = path.read_bytes()
    with pytest.raises(SettingsInvalid):
        save_settings(bad, path, env=NO_ENV)
    assert path.read_bytes() == before
    assert leftovers(tmp_path, keep="s.json") == []


def test_a_failed_replace_leaves_the_previous_file_untouched(tmp_path, monkeypatch):
    path = write(tmp_path / "s.json", VALID)
    before = path.read_bytes()

    def refuse(src: str, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(settings_file.os, "replace", refuse)
    with pytest.raises(ConfigError, match="previous file is unchanged"):
        save_settings({"jira": {"url": "https://x.atlassian.net"}, "period_days": 7}, path,
                      env=NO_ENV)
    assert path.read_bytes() == before
    assert leftovers(tmp_path, keep="s.json") == []  # the temporary file is removed


def test_saving_onto_a_directory_fails_cleanly(tmp_path):
    target = tmp_path / "settings.json"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    with pytest.raises(ConfigError, match=f"Cannot save the settings to {target}"):
        save_settings({}, target, env=NO_ENV)
    assert (target / "keep.txt").read_text() == "x"
    assert leftovers(tmp_path, keep="settings.json") == []


def test_saving_under_a_file_fails_cleanly(tmp_path):
    blocker = write(tmp_path / "blocker", "x")
    with pytest.raises(ConfigError, match="Cannot save the settings"):
        save_settings({}, blocker / "s.json", env=NO_ENV)
    assert blocker.read_text() == "x"


def test_the_environment_token_is_never_written(tmp_path):
    path = write(tmp_path / "s.json", VALID)
    env = {"JIRA_API_TOKEN": "env-token-5678"}
    loaded = load_settings(path, env=env)
    saved = save_settings(loaded, path, env=env)
    assert "env-token-5678" not in path.read_text()
    assert json.loads(path.read_text())["jira"]["token"] == "file-token-1234"
    assert saved.jira.token == "env-token-5678"  # what a load now gives


def test_the_environment_token_is_not_written_into_a_new_file(tmp_path):
    path = tmp_path / "s.json"
    env = {"JIRA_API_TOKEN": "env-token-5678"}
    save_settings(load_settings(path, env=env), path, env=env)
    assert json.loads(path.read_text())["jira"]["token"] is None


def test_a_dict_without_a_token_keeps_the_token_in_the_file(tmp_path):
    path = write(tmp_path / "s.json", VALID)
    save_settings({"jira": {"url": "https://x.atlassian.net/", "jql": "project = Y"}}, path,
                  env=NO_ENV)
    written = json.loads(path.read_text())
    assert written["jira"] == {**written["jira"], "token": "file-token-1234",
                               "jql": "project = Y"}


@pytest.mark.parametrize(("given", "expected"), [
    ({"jira": {"token": "new-token-999"}}, "new-token-999"),
    ({"jira": {"token": None}}, None),
    (Settings(), None),
])
def test_an_explicit_token_replaces_the_one_in_the_file(tmp_path, given, expected):
    path = write(tmp_path / "s.json", VALID)
    save_settings(given, path, env=NO_ENV)
    assert json.loads(path.read_text())["jira"]["token"] == expected


def test_the_default_path_is_settings_json_at_the_project_root():
    assert settings_file.DEFAULT_SETTINGS_PATH.name == "settings.json"
    assert settings_file.DEFAULT_SETTINGS_PATH.parent == Path(__file__).resolve().parents[2]


def test_os_environ_is_the_default_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("JIRA_API_TOKEN", "process-env-token")
    assert load_settings(tmp_path / "none.json").jira.token == "process-env-token"
    assert os.environ["JIRA_API_TOKEN"] == "process-env-token"


def test_the_example_file_is_the_documented_example_and_valid():
    from tests.configuration.test_validation import EXAMPLE

    example = Path(__file__).resolve().parents[2] / "settings.example.json"
    assert json.loads(example.read_text()) == EXAMPLE
    assert load_settings(example, env=NO_ENV) == parse_settings(EXAMPLE)


# ---- a token stays bound to the JIRA it was saved for (issue 11 item 1) ---------------

@pytest.mark.parametrize("jira", [
    {"url": "https://evil.example"},
    {"url": "http://x.atlassian.net"},
    {"url": "https://x.atlassian.net:8443"},
    {"url": "https://x.atlassian.net", "auth": "bearer"},
    {"url": "https://x.atlassian.net", "email": "other@example.com"},
    {},
])
def test_moving_the_file_token_needs_it_typed_again(tmp_path, jira):
    path = write(tmp_path / "s.json", {"jira": {**VALID["jira"], "email": "me@example.com"}})
    before = path.read_bytes()
    with pytest.raises(SettingsInvalid, match="type the token again") as caught:
        save_settings({"jira": {"email": "me@example.com", **jira}}, path, env=NO_ENV)
    assert caught.value.key == "jira.token"
    assert path.read_bytes() == before
    save_settings({"jira": {"email": "me@example.com", **jira, "token": "typed-2"}}, path,
                  env=NO_ENV)
    assert json.loads(path.read_text())["jira"]["token"] == "typed-2"


@pytest.mark.parametrize("url", ["https://X.Atlassian.net:443/", "https://x.atlassian.net/jira"])
def test_the_same_origin_keeps_the_file_token(tmp_path, url):
    path = write(tmp_path / "s.json", VALID)
    save_settings({"jira": {"url": url}}, path, env=NO_ENV)
    assert json.loads(path.read_text())["jira"]["token"] == "file-token-1234"


def test_the_environment_token_cannot_be_moved_even_with_a_typed_token(tmp_path):
    path = write(tmp_path / "s.json", VALID)
    env = {"JIRA_API_TOKEN": "env-token-5678"}
    before = path.read_bytes()
    for jira in ({"url": "https://evil.example"},
                 {"url": "https://evil.example", "token": "typed-3"}):
        with pytest.raises(SettingsInvalid, match="JIRA_API_TOKEN"):
            save_settings({"jira": jira}, path, env=env)
    assert path.read_bytes() == before
    save_settings({"jira": {"url": "https://x.atlassian.net/other"}}, path, env=env)
    assert load_settings(path, env=env).jira.token == "env-token-5678"
