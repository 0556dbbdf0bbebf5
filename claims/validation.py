"""SHACL validation of data before it is written: the shapes' messages, in words an editor understands.

The shapes are checked by ``claims.shape_checks`` (the shapes graph compiled into Python checks,
the same verdicts as pyshacl without its setup cost per call); a shapes graph those checks do not
cover is checked by pyshacl (``check_shapes_pyshacl``), as every shapes graph used to be.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from claims import schema_files
from claims.shape_checks import CompiledShapes, Data, Triple, Unsupported, compile_shapes

CKSHAPE = Namespace("https://w3id.org/claimkb/shapes#")


@dataclass(frozen=True)
class Violation:
    """One failed constraint: the node, the property path, the message and the constraint's kind."""

    focus: str
    path: str | None
    message: str
    constraint: str
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        return f"{where}: {self.message} [{self.constraint}]"


_COMPILED: WeakKeyDictionary[Graph, CompiledShapes | None] = WeakKeyDictionary()


def compiled(shapes: Graph) -> CompiledShapes | None:
    """``shapes`` compiled once (None when it uses what ``claims.shape_checks`` does not cover)."""
    if shapes not in _COMPILED:
        try:
            _COMPILED[shapes] = compile_shapes(shapes)
        except Unsupported:
            _COMPILED[shapes] = None
    return _COMPILED[shapes]


def check_shapes(
    data: Graph | Collection[Triple],
    shapes: Graph | None = None,
    *,
    focus: Iterable[URIRef] | None = None,
    beside: Sequence[Graph] = (),
) -> list[Violation]:
    """Validate ``data`` (with the concept schemes beside it) against the SHACL shapes.

    ``shapes`` replaces the project's shapes (an importer may pass them without the constraints it
    checks itself). ``focus`` limits the check to those nodes (an editor's save checks the
    descriptions it changes, not the context it brings along). Returns the violations, empty when
    the data conforms, in a stable order. ``beside`` are more graphs read as part of the data
    (descriptions checked with it, the types of what it points at) without copying them into it.
    """
    shapes_graph = shapes if shapes is not None else schema_files.shapes()
    checks = compiled(shapes_graph)
    wanted = set(focus) if focus is not None else None
    if wanted is not None and not wanted:
        return []
    try:
        if checks is None:
            raise Unsupported("the shapes graph")
        results = checks.validate(Data(data, *beside, shared=[schema_files.schemes_graph()]), wanted)
    except Unsupported:  # in the shapes, or met only in the data (sh:lessThan on a blank node)
        whole = data if isinstance(data, Graph) else _graph_of(data)
        for graph in beside:
            whole = whole + graph
        return check_shapes_pyshacl(whole, shapes_graph, focus=focus)
    return sorted(
        (
            Violation(
                focus=str(focus_node),
                path=_short(path) if path is not None else None,
                message=message,
                constraint=_short(component),
                value=str(value) if value is not None else None,
            )
            for focus_node, path, message, component, value in results
        ),
        key=_order,
    )


def _graph_of(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def _order(v: Violation) -> tuple[str, str, str, str, str]:
    return (v.focus, v.path or "", v.message, v.constraint, v.value or "")


def check_shapes_pyshacl(
    data: Graph, shapes: Graph | None = None, *, focus: Iterable[URIRef] | None = None
) -> list[Violation]:
    """``check_shapes`` by pyshacl: for shapes graphs the compiled checks do not cover, and to test them."""
    shapes_graph = shapes if shapes is not None else schema_files.shapes()
    combined = schema_files.schemes()
    for triple in data:
        combined.add(triple)
    wanted = {str(node) for node in focus} if focus is not None else None
    if wanted is not None and not wanted:
        return []
    # The focus is applied by filtering the results, not with pyshacl's ``focus_nodes``: that option
    # also skips the nested shapes of sh:or, sh:not and sh:qualifiedValueShape on every value that is
    # not itself a focus node (pyshacl 0.40), so a claimant that is no entity passed; and pyshacl reads
    # a focus node that is not an http(s), urn or file IRI as a CURIE.
    # ``combined`` is our own copy, so pyshacl may work on it in place instead of cloning it again.
    # Imported here: the compiled checks answer every save, and pyshacl's import (0.3 s) would
    # otherwise be paid by every start.
    from pyshacl import validate

    conforms, report, _text = validate(
        combined,
        shacl_graph=shapes_graph,
        inference="none",
        allow_warnings=True,
        inplace=True,
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus_node = report.value(result, SH.focusNode)
        if wanted is not None and str(focus_node) not in wanted:
            continue
        path = report.value(result, SH.resultPath)
        if path is None:
            path = shapes_graph.value(report.value(result, SH.sourceShape), CKSHAPE.reportedPath)
        message = report.value(result, SH.resultMessage)
        component = report.value(result, SH.sourceConstraintComponent)
        value = report.value(result, SH.value)
        violations.append(
            Violation(
                focus=str(focus_node),
                path=_short(path) if path is not None else None,
                message=str(message) if isinstance(message, Literal) else "does not conform",
                constraint=_short(component) if component is not None else "",
                value=str(value) if value is not None else None,
            )
        )
    return sorted(violations, key=_order)


def _short(term: object) -> str:
    if isinstance(term, URIRef):
        text = str(term)
        for sep in ("#", "/"):
            if sep in text:
                text = text.rsplit(sep, 1)[1]
        return text
    return str(term)
