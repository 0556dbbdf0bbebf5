"""Every named query in ``kb/queries.py`` parses and is used somewhere: no dead or doubled SPARQL."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pyoxigraph
import pytest
from rdflib.plugins.sparql import prepareQuery

from claims.vocab import PREFIXES
from kb import queries

REPO = Path(__file__).resolve().parents[1]
QUERIES_PY = REPO / "kb" / "queries.py"
CODE_DIRS = ("claims", "kb", "commands", "webapp", "bench", "tests")


def _assigned_names() -> list[str]:
    """The upper-case names ``kb/queries.py`` assigns, in order, repeats included (``_NAMES`` are
    pieces that named queries are built from, not queries)."""
    tree = ast.parse(QUERIES_PY.read_text())
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper() and not target.id.startswith("_")
    ]


NAMES = sorted(set(_assigned_names()))


def _code_outside() -> str:
    here = Path(__file__).resolve()
    files = (p for d in CODE_DIRS for p in (REPO / d).rglob("*.py") if p.resolve() not in (here, QUERIES_PY))
    return "\n".join(p.read_text() for p in files)


def test_no_query_is_defined_twice() -> None:
    # A second assignment silently wins; the first is dead text a reader takes for the real one.
    names = _assigned_names()
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_every_query_is_used_outside_its_module() -> None:
    code = _code_outside()
    unused = [name for name in NAMES if not re.search(rf"\b{name}\b", code)]
    assert unused == [], f"named queries nothing uses: {unused}"


@pytest.mark.parametrize("name", NAMES)
def test_query_parses(name: str) -> None:
    value = getattr(queries, name)
    # A family of queries (one per chart, say) is a dict of texts: each must parse.
    texts = list(value.values()) if isinstance(value, dict) else [value]
    for text in texts:
        assert isinstance(text, str) and text.strip()
        # rdflib's parser and algebra (undeclared prefixes and bad projections fail here) ...
        prepareQuery(text, initNs=PREFIXES)
        # ... and the embedded store's own parser, which runs these queries.
        pyoxigraph.Store().query(text, prefixes=PREFIXES)


@pytest.mark.parametrize(
    "text",
    [
        queries.deadlines_on([date(2022, 11, 1), date(2022, 11, 2)]),
        queries.deadlines_on([]),
        queries.revisions_numbered([1, 2, 40]),
        queries.revisions_numbered([]),
    ],
    ids=["deadlines", "no-deadlines", "revisions", "no-revisions"],
)
def test_generated_queries_parse(text: str) -> None:
    # The families written from dates or numbers (one UNION branch each) parse as the named ones do.
    prepareQuery(text, initNs=PREFIXES)
    pyoxigraph.Store().query(text, prefixes=PREFIXES)
