"""SHACL validation of data before it is written: the shapes' messages, in words an editor understands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from claims import schema_files

CKSHAPE = Namespace("https://w3id.org/claimkb/shapes#")
_PLAIN_IRI = ("http:", "https:", "urn:", "file:")


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


def check_shapes(data: Graph, shapes: Graph | None = None, *, focus: Iterable[URIRef] | None = None) -> list[Violation]:
    """Validate ``data`` (with the concept schemes beside it) against the SHACL shapes.

    ``shapes`` replaces the project's shapes (an importer may pass them without the constraints it
    checks itself). ``focus`` limits the check to those nodes (an editor's save checks the
    descriptions it changes, not the context it brings along). Returns the violations, empty when
    the data conforms.
    """
    shapes_graph = shapes if shapes is not None else schema_files.shapes()
    combined = schema_files.schemes()
    for triple in data:
        combined.add(triple)
    wanted = {str(node) for node in focus} if focus is not None else None
    if wanted is not None and not wanted:
        return []
    # pyshacl reads a focus node that is not an http(s), urn or file IRI as a CURIE and expands it
    # (so "schema:x" would become another node): other IRIs are checked by filtering the results.
    focus_nodes: list[str | URIRef] | None = None
    if wanted is not None and all(node.lower().startswith(_PLAIN_IRI) for node in wanted):
        focus_nodes = sorted(wanted)
    # ``combined`` is our own copy, so pyshacl may work on it in place instead of cloning it again.
    conforms, report, _text = validate(
        combined,
        shacl_graph=shapes_graph,
        inference="none",
        allow_warnings=True,
        inplace=True,
        focus_nodes=focus_nodes,
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
    return sorted(violations, key=lambda v: (v.focus, v.path or "", v.message))


def _short(term: object) -> str:
    if isinstance(term, URIRef):
        text = str(term)
        for sep in ("#", "/"):
            if sep in text:
                text = text.rsplit(sep, 1)[1]
        return text
    return str(term)
