"""Query results as a table for the HTML page: columns, and rows of cells that know what they are."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from kb.sparql.evaluate import Outcome


@dataclass(frozen=True)
class Cell:
    kind: str  # uri, bnode, literal or triple
    value: str
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ResultTable:
    columns: list[str]
    rows: list[list[Cell | None]]
    boolean: bool | None = None
    truncated: bool = False


# The format each kind of query is asked for when its results are shown as a table.
TABLE_FORMAT = {"select": "json", "ask": "json", "construct": "ntriples", "describe": "ntriples"}


def table(outcome: Outcome, kind: str) -> ResultTable:
    if kind in ("construct", "describe"):
        rows: list[list[Cell | None]] = [
            [_cell(t.subject), _cell(t.predicate), _cell(t.object)]
            for t in ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)
        ]
        return ResultTable(["subject", "predicate", "object"], rows, truncated=outcome.truncated)
    document = json.loads(outcome.body)
    if "boolean" in document:
        return ResultTable([], [], boolean=bool(document["boolean"]))
    columns = list(document["head"].get("vars", []))
    rows = [[_json_cell(b.get(c)) for c in columns] for b in document["results"]["bindings"]]
    return ResultTable(columns, rows, truncated=outcome.truncated)


def _json_cell(binding: dict | None) -> Cell | None:
    if binding is None:
        return None
    if binding["type"] == "triple":
        value = binding["value"]
        parts = [_json_cell(value[k]) for k in ("subject", "predicate", "object")]
        return Cell("triple", " ".join(_text(p) for p in parts))
    kind = "literal" if binding["type"] == "typed-literal" else binding["type"]
    return Cell(kind, binding["value"], binding.get("datatype"), binding.get("xml:lang"))


def _cell(term: object) -> Cell:
    if isinstance(term, ox.NamedNode):
        return Cell("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Cell("bnode", term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if not term.language else None
        return Cell("literal", term.value, datatype, term.language)
    return Cell("triple", str(term))


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return f"<{cell.value}>" if cell.kind == "uri" else cell.value
