"""The rules of docs/architecture.md, read from the code's imports (parsed with ``ast``, so an import
inside a function counts as much as one at the top).

- the domain (``claims/``) knows no store: it imports nothing of ``kb/``, the web app or the commands;
- the knowledge base (``kb/``) knows no HTTP: it imports neither Flask nor ``webapp`` nor ``commands``;
- views (``webapp/``) never touch the store: no ``kb.store`` or ``kb.queries``, no ``.store`` attribute.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REPO

WEB = ("flask", "flask_wtf", "werkzeug", "wtforms", "webapp", "commands")


def modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in ``path``."""
    parts = path.relative_to(REPO).with_suffix("").parts
    package = parts[:-1]  # kb/read/pages.py and kb/read/__init__.py are both in package kb.read
    return imports_in(path.read_text(), package)


def imports_in(text: str, package: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in ``text``, relative ones resolved against ``package``."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # ``from kb import store`` imports the module kb.store
                yield node.lineno, f"{module}.{alias.name}"


def offending(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for folder in folders
        for path in modules(folder)
        for line, module in imported(path)
        if any(module == f or module.startswith(f + ".") for f in forbidden)
    ]


def test_the_parser_sees_imports_of_every_form() -> None:
    text = (
        "import flask\n"
        "from ..store import cache\n"
        "from . import pages\n"
        "def f():\n"
        "    from webapp.filters import link_for\n"
    )
    found = {module for _, module in imports_in(text, ("kb", "read"))}
    assert {"flask", "kb.store", "kb.store.cache", "kb.read.pages", "webapp.filters"} <= found


@pytest.mark.parametrize("folder", ["claims", "kb"])
def test_the_domain_and_the_knowledge_base_know_no_http(folder: str) -> None:
    assert modules(folder)
    assert offending((folder,), WEB) == []


def test_the_domain_knows_no_store() -> None:
    assert offending(("claims",), ("kb",)) == []


def test_views_never_touch_the_store() -> None:
    assert offending(("webapp",), ("kb.store", "kb.queries")) == []
    reaching = [
        f"{path.relative_to(REPO)}:{node.lineno}"
        for path in modules("webapp")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "store"
    ]
    assert reaching == [], "views reach the store through .store"
