"""The layer rules of docs/architecture.md, checked on the source with ``ast``.

Terms: a *layer* is a top-level package (``configuration``, ``data``, ``ui``,
``callbacks``); an *import* is any ``import x``, ``from x import y`` (also relative
ones, resolved) or ``importlib.import_module("x")`` with a literal name. A rule
forbids a layer to import a module or anything below it (``data.jira`` forbids
``data.jira.client`` too; ``from data import jira`` counts as ``data.jira``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DASH = ("dash", "dash_bootstrap_components", "plotly")
UPPER = ("app", "callbacks", "ui")

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "configuration": (*DASH, *UPPER, "data", "requests"),
    "data": (*DASH, *UPPER),
    "ui": ("requests", "data.jira", "data.cache", "callbacks", "app"),
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports, with its line number."""
    module = module_name(path, root)
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, path.name == "__init__.py")
            yield node.lineno, base
            yield from ((node.lineno, f"{base}.{alias.name}") for alias in node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value


def violations(root: Path) -> list[str]:
    """One ``file:line imports module`` per offending import statement."""
    found: dict[tuple[Path, int], str] = {}
    for layer, banned in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            for line, name in imported_modules(path, root):
                if any(name == b or name.startswith(f"{b}.") for b in banned):
                    where = f"{path.relative_to(root)}:{line}"
                    found.setdefault((path, line), f"{where} imports {name}")
    return list(found.values())


def test_the_project_respects_the_layer_rules():
    assert violations(ROOT) == []


def test_every_layer_is_checked():
    assert all((ROOT / layer / "__init__.py").is_file() for layer in FORBIDDEN)


VIOLATIONS = [
    # (file, source, reported import)
    ("configuration/x.py", "import dash\n", "dash"),
    ("configuration/x.py", "from plotly import graph_objects\n", "plotly"),
    ("configuration/x.py", "import requests.adapters\n", "requests.adapters"),
    ("data/metrics/x.py", "from dash import html\n", "dash"),
    ("data/metrics/x.py", "import dash_bootstrap_components as dbc\n",
     "dash_bootstrap_components"),
    ("data/x.py", "import importlib\nimportlib.import_module('plotly.express')\n",
     "plotly.express"),
    ("data/x.py", "from ui import ids\n", "ui"),
    ("ui/x.py", "import requests\n", "requests"),
    ("ui/x.py", "from data.jira.client import JiraClient\n", "data.jira.client"),
    ("ui/x.py", "from data import cache\n", "data.cache"),
    ("ui/pages/x.py", "from ...data.cache import store\n", "data.cache"),
]


@pytest.mark.parametrize(("file", "source", "name"), VIOLATIONS)
def test_the_checker_reports_each_kind_of_violation(tmp_path, file, source, name):
    path = tmp_path / file
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert violations(tmp_path) == [f"{file}:{source.count(chr(10))} imports {name}"]


@pytest.mark.parametrize(("file", "source"), [
    ("ui/x.py", "from data.metrics.report import MetricsReport\n"),
    ("ui/x.py", "import plotly.graph_objects as go\n"),
    ("data/x.py", "import requests\nfrom configuration.settings import Settings\n"),
    ("configuration/x.py", "from urllib.parse import urlsplit\n"),
    ("data/x.py", "import database\n"),
])
def test_the_checker_allows_downward_imports(tmp_path, file, source):
    path = tmp_path / file
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert violations(tmp_path) == []


PROJECT_PACKAGES = ("app", "callbacks", "celery_app", "configuration", "data", "ui")


def private_imports(root: Path) -> list[str]:
    """``path:line name`` for every ``from <project module> import _name`` in the code.

    A leading underscore means "this module's own"; another module that needs it
    should get a public name instead (tests included: they use the public interface).
    """
    found = []
    for path in sorted(root.rglob("*.py")):
        if ".venv" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                    and node.module.split(".")[0] in (*PROJECT_PACKAGES, "tests", "benchmarks")):
                found += [f"{path.relative_to(root)}:{node.lineno} {alias.name}"
                          for alias in node.names if alias.name.startswith("_")]
    return found


def test_no_module_imports_another_modules_private_names():
    assert private_imports(ROOT) == []


def test_the_private_import_check_finds_one(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.py").write_text("from data.b import _helper, public\n")
    assert private_imports(tmp_path) == ["data/a.py:1 _helper"]
