"""The compiled shape checks (``claims.shape_checks``) give pyshacl's verdicts: the same conforms and the
same focus, path, message, constraint and value for every result, on every shape and on generated data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS, XSD
from rdflib.term import Node

from claims import schema_files
from claims.shape_checks import compile_shapes
from claims.validation import Violation, check_shapes, check_shapes_pyshacl, compiled
from claims.vocab import CK, OA, SCHEMA

BASE = "http://localhost:5000/"
SHAPES = schema_files.shapes()

CLASSES = [
    SCHEMA.Claim,
    SCHEMA.NewsArticle,
    SCHEMA.CreativeWork,
    CK.Quote,
    OA.TextQuoteSelector,
    OA.TextPositionSelector,
    CK.EvidenceEvent,
    SCHEMA.Organization,
    SCHEMA.Person,
    SKOS.Concept,
]
NODES = [URIRef(f"{BASE}things/n{i}") for i in range(6)]

# Values that meet or break each kind of constraint the shapes use.
VALUES = [
    Literal("us-shop"),
    Literal("Not A Slug"),
    Literal("us-shop", datatype=XSD.string),
    Literal("en"),
    Literal("english language"),
    Literal("hello", lang="en"),
    Literal(""),
    Literal("x" * 130),
    Literal("x" * 2001),
    Literal("2022-10-11", datatype=XSD.date),
    Literal("not a date", datatype=XSD.date),
    Literal("2022-10-11T10:00:00", datatype=XSD.dateTime),
    Literal(3),
    Literal(-1),
    Literal("7", datatype=XSD.integer),
    Literal(True),
    Literal("copy"),
    Literal("day"),
    Literal("https://example.org/a"),
    URIRef("https://example.org/a"),
    URIRef("ftp://example.org/a"),
    URIRef("http://www.wikidata.org/entity/Q42"),
    CK.prediction,
    CK.statement,
    CK.supports,
    CK.unverified,
    CK.due,
    BNode("b1"),
    *NODES,
]
PATHS = sorted({p for p in SHAPES.objects(None, SH.path) if isinstance(p, URIRef)})


def violations_both(data: Graph, focus: set[URIRef] | None) -> tuple[list[Violation], list[Violation]]:
    return check_shapes(data, focus=focus), check_shapes_pyshacl(data, SHAPES, focus=focus)


def test_the_project_shapes_compile() -> None:
    assert compiled(SHAPES) is not None


def test_the_seed_conforms_by_both() -> None:
    seed = Graph().parse(schema_files.SEED, format="turtle", publicID=BASE)
    fast, slow = violations_both(seed, None)
    assert fast == slow == []


def property_shapes() -> Iterator[tuple[URIRef, URIRef | None, Node]]:
    for shape in sorted(set(SHAPES.subjects(SH.targetClass, None)), key=str):
        cls = sorted(SHAPES.objects(shape, SH.targetClass))[0]
        props = list(SHAPES.objects(shape, SH.property))
        if not props:  # a node-level rule (a prediction needs a deadline)
            yield cls, None, shape
        for prop in props:
            yield cls, SHAPES.value(prop, SH.path), prop


def test_every_shape_gives_the_same_results() -> None:
    """For each shape, a node of its target class with every kind of value on the shape's path and
    one with none, all in one graph (one pyshacl run): both report the same results, and each
    shape's own message is among those of its nodes."""
    data = Graph()
    for i, other in enumerate(NODES[1:]):
        data.add((other, RDF.type, CLASSES[i * 2 % len(CLASSES)]))
    expected: dict[URIRef, str] = {}
    for index, (cls, path, shape) in enumerate(property_shapes()):
        full, empty = URIRef(f"{BASE}things/full-{index}"), URIRef(f"{BASE}things/empty-{index}")
        for node in (full, empty):
            data.add((node, RDF.type, cls))
            if path is None:  # the prediction rule: a prediction without a deadline
                data.add((node, CK.claimType, CK.prediction))
        for value in VALUES if path is not None else []:
            if not (path == OA.start and isinstance(value, BNode)):  # both refuse to compare a blank node
                data.add((full, path, value))
        expected[full] = expected[empty] = str(SHAPES.value(shape, SH.message))
    fast, slow = violations_both(data, None)
    assert fast == slow
    for index in range(len(expected) // 2):
        messages = {v.message for v in fast if v.focus in (f"{BASE}things/full-{index}", f"{BASE}things/empty-{index}")}
        assert expected[URIRef(f"{BASE}things/full-{index}")] in messages


def descriptions() -> st.SearchStrategy[Graph]:
    """A few nodes, each of one or two of the target classes, with a few values on the shapes' paths."""
    triple = st.tuples(st.sampled_from(NODES), st.sampled_from(PATHS), st.sampled_from(VALUES))
    typed = st.tuples(st.sampled_from(NODES), st.sampled_from(CLASSES))

    def build(types: list[tuple[URIRef, URIRef]], triples: list[tuple[URIRef, URIRef, object]]) -> Graph:
        graph = Graph()
        for node, cls in types:
            graph.add((node, RDF.type, cls))
        for s, p, o in triples:
            graph.add((s, p, o))  # type: ignore[arg-type]
        return graph

    return st.builds(build, st.lists(typed, min_size=1, max_size=8), st.lists(triple, max_size=25))


@settings(max_examples=30, deadline=None)
@given(data=descriptions(), focus_all=st.booleans())
def test_generated_data_gives_the_same_results(data: Graph, focus_all: bool) -> None:
    focus = None if focus_all else set(NODES[:3])
    try:
        slow = check_shapes_pyshacl(data, SHAPES, focus=focus)
    except ReportableRuntimeError:  # sh:lessThan on a blank node: both refuse
        with pytest.raises(ReportableRuntimeError):
            check_shapes(data, focus=focus)
        return
    fast = check_shapes(data, focus=focus)
    assert fast == slow
    assert (fast == []) == (slow == [])


def test_an_unsupported_shapes_graph_falls_back_to_pyshacl() -> None:
    shapes = Graph()
    shape = URIRef(BASE + "shapes/s")
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetClass, SCHEMA.Claim))
    path = BNode()
    shapes.add((shape, SH.property, path))
    inverse = BNode()
    shapes.add((path, SH.path, inverse))
    shapes.add((inverse, SH.inversePath, CK.sameClaimAs))
    shapes.add((path, SH.maxCount, Literal(0)))
    shapes.add((path, SH.message, Literal("no one may point here")))
    assert compiled(shapes) is None
    data = Graph()
    claim, other = URIRef(BASE + "claims/a"), URIRef(BASE + "claims/b")
    data.add((claim, RDF.type, SCHEMA.Claim))
    data.add((other, CK.sameClaimAs, claim))
    assert [v.message for v in check_shapes(data, shapes)] == ["no one may point here"]
    with pytest.raises(Exception, match="path"):
        compile_shapes(shapes)
