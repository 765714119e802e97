"""The mutation runner's choice of modules and of each module's own tests (no mutmut run)."""

from __future__ import annotations

from tests.mutation import ROOT, Score, modules_to_run, own_tests


def test_a_module_is_tested_by_its_mirror_file_and_its_grouped_tests():
    assert own_tests("data/metrics/lead_time.py") == [
        "tests/data/metrics/test_lead_time.py", "tests/data/metrics/test_dora.py"]
    assert own_tests("configuration/redaction.py") == ["tests/configuration/test_redaction.py"]


def test_every_listed_test_file_exists():
    for module in modules_to_run([]):
        assert all((ROOT / test).is_file() for test in own_tests(module)), module


def test_the_default_run_covers_the_five_packages():
    modules = modules_to_run([])
    assert {m.rsplit("/", 1)[0] for m in modules} == {
        "data/metrics", "data/jira", "data/cache", "data/issues", "configuration"}
    assert "data/cache/merge.py" in modules
    assert not any(m.endswith("__init__.py") for m in modules)


def test_the_score_line_shows_killed_over_tested_and_the_untested():
    line = Score("data/x.py", killed=19, survived=1, other=2).line()
    assert "19/20" in line
    assert "95.0%" in line
    assert "2 not tested" in line


def test_a_module_whose_clean_run_failed_is_reported_as_not_measured():
    line = Score("data/x.py", killed=0, survived=0, other=157).line()
    assert "not measured" in line
    assert "0.0%" not in line
