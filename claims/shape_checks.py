"""The SHACL shapes compiled into plain Python checks: pyshacl's verdicts at a fraction of its cost.

pyshacl spends milliseconds per call on setting up (building its shapes objects, copying the
concept schemes into the data graph, a report graph) before it checks a single triple; an editor's
save checks a handful of nodes. ``compile_shapes`` reads the shapes graph once (it stays the
source of truth) and turns each shape into closures over the few SHACL constructs our shapes use:
``sh:targetClass``, ``sh:property`` with a predicate path, ``sh:minCount``/``sh:maxCount``,
``sh:datatype``, ``sh:nodeKind``, ``sh:class``, ``sh:in``, ``sh:hasValue``, ``sh:pattern``,
``sh:minLength``/``sh:maxLength``, ``sh:minInclusive``, ``sh:lessThan``, ``sh:or``, ``sh:not`` and
``sh:qualifiedValueShape``, each as pyshacl (0.40) evaluates it. A shapes graph using anything
else (another path form, a shape without ``sh:message``, a severity, SPARQL constraints) raises
``Unsupported`` and the caller falls back to pyshacl; ``tests/test_shape_checks.py`` compares both
on every shape and on generated data.
"""

from __future__ import annotations

import collections.abc
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

# One result: (focus node, result path, message, constraint component, value).
Result = tuple[Node, URIRef | None, str, URIRef, Node | None]


class Unsupported(Exception):
    """The shapes graph uses a construct these checks do not implement (pyshacl then checks)."""


Triple = tuple[Node, Node, Node]
Index = dict[tuple[Node, Node], set[Node]]
_EMPTY: frozenset[Node] = frozenset()
_SHARED_INDEXES: dict[int, tuple[Graph, Index]] = {}


def _index(graph: Iterable[Triple]) -> Index:
    index: Index = {}
    for s, p, o in graph:
        key = (s, p)
        found = index.get(key)
        if found is None:
            index[key] = {o}
        else:
            found.add(o)
    return index


class Data:
    """The data graph with the concept schemes (and any other graph) beside it, read as one.

    A check asks for the same node's types and properties tens of times (every shape, ``sh:class``
    on every link), and rdflib's lookups cost microseconds each: the graphs are read once into an
    index of (subject, predicate) to objects, which then answers every lookup. ``shared`` graphs
    never change (the concept schemes): their index is built once per process.
    """

    def __init__(self, *graphs: Graph | collections.abc.Collection[Triple], shared: Iterable[Graph] = ()) -> None:
        self.shared = tuple(shared)
        self.graphs = graphs + self.shared
        self._own: Index | None = None
        self._shared: list[Index] = []
        self._classes: dict[Node, set[Node]] = {}
        self._by_object: dict[int, dict[tuple[Node, Node], set[Node]]] = {}  # by id of the collection

    def _indexes(self) -> Index:
        if self._own is None:
            self._own = {}
            for graph in self.graphs[: len(self.graphs) - len(self.shared)]:
                for key, found in _index(graph).items():
                    self._own.setdefault(key, set()).update(found)
            for graph in self.shared:
                cached = _SHARED_INDEXES.get(id(graph))
                if cached is None or cached[0] is not graph:
                    cached = _SHARED_INDEXES[id(graph)] = (graph, _index(graph))
                self._shared.append(cached[1])
        return self._own

    def objects(self, subject: Node, predicate: URIRef) -> set[Node]:
        """The objects of ``subject``'s ``predicate`` in every graph (a set the caller must not change)."""
        key = (subject, predicate)
        found = self._indexes().get(key)
        for index in self._shared:
            more = index.get(key)
            if more:
                found = more if found is None else found | more
        return found if found is not None else _EMPTY  # type: ignore[return-value]

    def is_instance(self, node: Node, cls: URIRef) -> bool:
        """``node`` has ``rdf:type`` ``cls`` or a subclass of it (``rdfs:subClassOf*``, as pyshacl reads it)."""
        return cls in self.classes(node)

    def classes(self, node: Node) -> set[Node]:
        """``node``'s types and all their superclasses (read once per node)."""
        found = self._classes.get(node)
        if found is None:
            found = set()
            frontier = list(self.objects(node, RDF.type))
            while frontier:
                current = frontier.pop()
                if current not in found:
                    found.add(current)
                    frontier.extend(self.objects(current, RDFS.subClassOf))
            self._classes[node] = found
        return found

    def subjects(self, predicate: URIRef, obj: Node) -> set[Node]:
        found: set[Node] = set()
        for graph in self.graphs:
            if isinstance(graph, Graph):
                found.update(graph.subjects(predicate, obj))
            else:  # a plain collection of triples (a bulk write's): read once into its own index
                found.update(self._reverse(graph).get((predicate, obj), _EMPTY))
        return found

    def _reverse(self, triples: collections.abc.Collection[Triple]) -> dict[tuple[Node, Node], set[Node]]:
        """(predicate, object) to subjects of a plain collection of triples, made on the first ask."""
        found = self._by_object.get(id(triples))
        if found is None:
            found = self._by_object[id(triples)] = {}
            for s, p, o in triples:
                found.setdefault((p, o), set()).add(s)
        return found


# A compiled constraint: given the data, the focus node and its value nodes, the values that fail
# (None for a failure about the focus node as a whole, such as a count).
Check = Callable[[Data, Node, list[Node]], list[Node | None]]


@dataclass
class CompiledShape:
    node: Node
    path: URIRef | None  # None for a node shape
    message: str | None
    checks: list[tuple[URIRef, Check]]
    properties: list[CompiledShape]
    reported_path: URIRef | None = None

    def values(self, data: Data, focus: Node) -> list[Node]:
        if self.path is None:
            return [focus]
        found = data.objects(focus, self.path)
        return list(found) if len(found) < 2 else sorted(found, key=_key)  # most properties have one value

    def results(self, data: Data, focus: Node) -> Iterator[Result]:
        values = self.values(data, focus)
        path = self.path if self.path is not None else self.reported_path
        for component, check in self.checks:
            for value in check(data, focus, values):
                assert self.message is not None
                yield (focus, path, self.message, component, value)
        for prop in self.properties:
            yield from prop.results(data, focus)

    def conforms(self, data: Data, focus: Node) -> bool:
        values = self.values(data, focus)
        if any(check(data, focus, values) for _, check in self.checks):
            return False
        return all(prop.conforms(data, focus) for prop in self.properties)


@dataclass
class CompiledShapes:
    targets: list[tuple[tuple[URIRef, ...], CompiledShape]]  # (target classes, node shape)

    def validate(self, data: Data, focus: Iterable[Node] | None = None) -> list[Result]:
        """Every result of the shapes on ``data``; with ``focus``, only on those nodes."""
        by_class: dict[Node, set[Node]] | None = None
        if focus is not None:  # each node's classes read once, not once for every shape
            by_class = {}
            for node in set(focus):
                for cls in data.classes(node):
                    by_class.setdefault(cls, set()).add(node)
        results: list[Result] = []
        for classes, shape in self.targets:
            nodes: set[Node] = set()
            for cls in classes:
                nodes |= self._instances(data, cls) if by_class is None else by_class.get(cls, _EMPTY)
            for node in sorted(nodes, key=_key):
                results.extend(shape.results(data, node))
        return results

    @staticmethod
    def _instances(data: Data, cls: URIRef) -> set[Node]:
        found: set[Node] = set()
        classes: set[Node] = {cls}
        frontier: list[Node] = [cls]
        while frontier:  # the subclasses too, as pyshacl finds them
            for sub in data.subjects(RDFS.subClassOf, frontier.pop()):
                if sub not in classes:
                    classes.add(sub)
                    frontier.append(sub)
        for each in classes:
            found |= data.subjects(RDF.type, each)
        return found


# --- compiling ------------------------------------------------------------------------------------

CKSHAPE_REPORTED_PATH = URIRef("https://w3id.org/claimkb/shapes#reportedPath")
_IGNORED = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order, SH.group, CKSHAPE_REPORTED_PATH}
_QUALIFIED = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The node shapes of ``shapes`` with a ``sh:targetClass``, compiled; ``Unsupported`` otherwise."""
    targets: list[tuple[tuple[URIRef, ...], CompiledShape]] = []
    for kind in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.sparql, SH.rule):
        if (None, kind, None) in shapes:
            raise Unsupported(f"{kind} is not compiled")
    if (None, RDF.type, RDFS.Class) in shapes and (None, RDF.type, SH.NodeShape) in shapes:
        for node in shapes.subjects(RDF.type, SH.NodeShape):
            if (node, RDF.type, RDFS.Class) in shapes:
                raise Unsupported("implicit class targets are not compiled")
    for node in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
        if (node, SH.deactivated, Literal(True)) in shapes:
            continue
        classes = tuple(sorted(o for o in shapes.objects(node, SH.targetClass) if isinstance(o, URIRef)))
        targets.append((classes, _compile(shapes, node, top=True)))
    return CompiledShapes(targets)


def _compile(shapes: Graph, node: Node, *, top: bool) -> CompiledShape:
    """One shape. ``top``: its results are reported (so it needs its own ``sh:message``)."""
    path_node = shapes.value(node, SH.path)
    if path_node is not None and not isinstance(path_node, URIRef):
        raise Unsupported(f"the path of {node} is not a single predicate")
    message = shapes.value(node, SH.message)
    checks: list[tuple[URIRef, Check]] = []
    properties: list[CompiledShape] = []
    predicates = set(shapes.predicates(node, None))
    for predicate in predicates:
        if predicate in _IGNORED or predicate in {SH.path, SH.message, SH.targetClass, SH.minCount, SH.maxCount}:
            continue
        if predicate in _QUALIFIED:
            if path_node is None:
                raise Unsupported(f"{predicate} on a node shape")
            continue
        objects = list(shapes.objects(node, predicate))
        for obj in objects:
            if predicate == SH.property:
                properties.append(_compile(shapes, obj, top=top))
            else:
                checks.append(_component(shapes, predicate, obj, path_node))
    # counts first, as pyshacl reports them; the order of results does not matter to callers
    if (node, SH.minCount, None) in shapes:
        checks.insert(0, (SH.MinCountConstraintComponent, _min_count(_integer(shapes.value(node, SH.minCount)))))
    if (node, SH.maxCount, None) in shapes:
        checks.insert(0, (SH.MaxCountConstraintComponent, _max_count(_integer(shapes.value(node, SH.maxCount)))))
    if (node, SH.qualifiedValueShape, None) in shapes:
        checks.extend(_qualified(shapes, node))
    if top and checks and not isinstance(message, Literal):
        raise Unsupported(f"{node} has no sh:message (pyshacl would word its own)")
    if len(set(shapes.objects(node, SH.message))) > 1:
        raise Unsupported(f"{node} has several messages")
    if (node, SH.severity, None) in shapes and shapes.value(node, SH.severity) != SH.Violation:
        raise Unsupported(f"{node} has a severity other than sh:Violation")
    reported = shapes.value(node, CKSHAPE_REPORTED_PATH)
    return CompiledShape(
        node=node,
        path=path_node,
        message=str(message) if message is not None else None,
        checks=checks,
        properties=properties,
        reported_path=reported if isinstance(reported, URIRef) else None,
    )


def _integer(value: Node | None) -> int:
    if not isinstance(value, Literal) or not isinstance(value.value, int):
        raise Unsupported(f"{value} is not an integer")
    return value.value


def _list(shapes: Graph, head: Node) -> list[Node]:
    return list(Collection(shapes, head))


def _component(shapes: Graph, predicate: Node, obj: Node, path: URIRef | None) -> tuple[URIRef, Check]:
    if predicate == SH.datatype:
        return SH.DatatypeConstraintComponent, _each(lambda data, v: _has_datatype(v, obj))
    if predicate == SH.nodeKind:
        kinds = _NODE_KINDS.get(obj)
        if kinds is None:
            raise Unsupported(f"node kind {obj}")
        return SH.NodeKindConstraintComponent, _each(lambda data, v: isinstance(v, kinds))
    if predicate == SH["class"]:
        return SH.ClassConstraintComponent, _each(
            lambda data, v: not isinstance(v, Literal) and data.is_instance(v, obj)  # type: ignore[arg-type]
        )
    if predicate == SH["in"]:
        allowed = set(_list(shapes, obj))
        return SH.InConstraintComponent, _each(lambda data, v: v in allowed)
    if predicate == SH.hasValue:
        return SH.HasValueConstraintComponent, lambda data, focus, values: [] if obj in values else [None]
    if predicate == SH.pattern:
        flags = shapes.value(next(iter(shapes.subjects(SH.pattern, obj))), SH.flags)
        if flags is not None:
            raise Unsupported("sh:flags")
        regex = re.compile(str(obj))
        return SH.PatternConstraintComponent, _each(
            lambda data, v: not isinstance(v, BNode) and regex.search(_string(v)) is not None
        )
    if predicate == SH.minLength:
        least = _integer(obj)
        return SH.MinLengthConstraintComponent, _each(
            lambda data, v: least == 0 or (not isinstance(v, BNode) and len(_string(v)) >= least)
        )
    if predicate == SH.maxLength:
        most = _integer(obj)
        return SH.MaxLengthConstraintComponent, _each(
            lambda data, v: not isinstance(v, BNode) and len(_string(v)) <= most
        )
    if predicate == SH.minInclusive:
        if not isinstance(obj, Literal):
            raise Unsupported("sh:minInclusive of a non-literal")
        return SH.MinInclusiveConstraintComponent, _each(lambda data, v: _at_least(v, obj))
    if predicate == SH.lessThan:
        if not isinstance(obj, URIRef) or path is None:
            raise Unsupported("sh:lessThan with a path")
        return SH.LessThanConstraintComponent, _less_than(obj)
    if predicate == SH["or"]:
        alternatives = [_compile(shapes, member, top=False) for member in _list(shapes, obj)]
        return SH.OrConstraintComponent, _each(lambda data, v: any(shape.conforms(data, v) for shape in alternatives))
    if predicate == SH["not"]:
        negated = _compile(shapes, obj, top=False)
        return SH.NotConstraintComponent, _each(lambda data, v: not negated.conforms(data, v))
    raise Unsupported(f"{predicate} is not compiled")


def _key(node: Node) -> tuple[str, str]:
    return (type(node).__name__, str(node))


def _each(passes: Callable[[Data, Node], bool]) -> Check:
    """A constraint on each value node: the failing ones are the results' values."""

    def check(data: Data, focus: Node, values: list[Node]) -> list[Node | None]:
        return [v for v in values if not passes(data, v)]

    return check


def _min_count(least: int) -> Check:
    return lambda data, focus, values: [None] if len(values) < least else []


def _max_count(most: int) -> Check:
    return lambda data, focus, values: [None] if len(values) > most else []


def _qualified(shapes: Graph, node: Node) -> list[tuple[URIRef, Check]]:
    if (node, SH.qualifiedValueShapesDisjoint, Literal(True)) in shapes:
        raise Unsupported("sh:qualifiedValueShapesDisjoint")
    qualified_shapes = list(shapes.objects(node, SH.qualifiedValueShape))
    if len(qualified_shapes) != 1:
        raise Unsupported("several qualified value shapes")
    inner = _compile(shapes, qualified_shapes[0], top=False)

    def conforming(data: Data, values: list[Node]) -> int:
        return sum(1 for v in values if inner.conforms(data, v))

    checks: list[tuple[URIRef, Check]] = []
    least = shapes.value(node, SH.qualifiedMinCount)
    if least is not None:
        n_least = _integer(least)
        checks.append(
            (
                SH.QualifiedMinCountConstraintComponent,
                lambda data, focus, values: [None] if conforming(data, values) < n_least else [],
            )
        )
    most = shapes.value(node, SH.qualifiedMaxCount)
    if most is not None:
        n_most = _integer(most)
        checks.append(
            (
                SH.QualifiedMaxCountConstraintComponent,
                lambda data, focus, values: [None] if conforming(data, values) > n_most else [],
            )
        )
    return checks


_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}

_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _has_datatype(value: Node, datatype: Node) -> bool:
    """pyshacl's sh:datatype: the datatype named and a well-formed value of it."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if value.ill_typed is True:
            return False
        return _actual(value, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and datatype == XSD.string:
        return _actual(value, datatype)
    if datatype == RDF.langString and value.language:
        return _actual(value, datatype)
    return False


def _actual(value: Literal, datatype: Node) -> bool:
    python_type = _PYTHON_TYPES.get(datatype)
    return True if python_type is None else isinstance(value.value, python_type)


def _string(value: Node) -> str:
    """How pyshacl reads a value node as a string (for patterns and lengths)."""
    if isinstance(value, Literal) and value.value is not None and value.datatype in (None, RDF.langString, XSD.string):
        return str(value.value)
    return str(value)


def _at_least(value: Node, least: Literal) -> bool:
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(value, Literal):
        return False
    if isinstance(least.value, str) != isinstance(value.value, str):
        return False
    try:
        return bool(compare_literal(value, least) >= 0)
    except (TypeError, NotImplementedError):
        return False


def _less_than(other: URIRef) -> Check:
    def check(data: Data, focus: Node, values: list[Node]) -> list[Node | None]:
        failing: list[Node | None] = []
        compared = data.objects(focus, other)
        for value in values:
            left, left_string = _comparable(value)  # before looking at the other values, as pyshacl
            for right_node in compared:
                right, right_string = _comparable(right_node)
                if left_string != right_string or not left < right:  # type: ignore[operator]
                    failing.append(value)  # one result for each value it is not less than, as pyshacl
        return failing

    return check


def _comparable(node: Node) -> tuple[object, bool]:
    if isinstance(node, BNode):
        raise Unsupported("sh:lessThan on a blank node")  # pyshacl refuses it too
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False
