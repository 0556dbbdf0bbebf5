"""Reading RDF files into a draft for the write pipeline: parse, give blank nodes IRIs, check IRIs.

The syntaxes Oxigraph parses (N-Triples, N-Quads, Turtle, TriG, RDF/XML, N3) are read by it: in
Rust, checking every IRI as it goes, about twenty times faster than rdflib's parsers; the blank
nodes are named while its quads become rdflib terms. JSON-LD (whose contexts rdflib resolves) and
any other syntax rdflib knows are read by rdflib.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Node
from rdflib.util import guess_format

from claims.model import Iris
from kb.errors import KBError
from kb.store import from_ox, new_graph, to_ox
from kb.write.pipeline import Draft, Pipeline

DATASET_FORMATS = {"trig", "nquads", "json-ld"}
FORMAT_BY_SUFFIX = {".jsonld": "json-ld", ".json": "json-ld", ".nq": "nquads", ".trig": "trig"}
MAX_FILE_BYTES = 200 * 1024 * 1024
# rdflib's format names (as ``--format`` and ``guess_format`` give them) that Oxigraph parses.
OX_FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nt11": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "xml": ox.RdfFormat.RDF_XML,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}
GENID = "/.well-known/genid/"  # where skolemized blank nodes live, as rdflib's ``skolemize`` puts them


def file_format(path: Path, rdf_format: str | None) -> str:
    return rdf_format or FORMAT_BY_SUFFIX.get(path.suffix) or guess_format(str(path)) or "turtle"


def _check_size(path: Path) -> None:
    if not path.is_file():
        raise KBError(f"{path}: no such file", status=404)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise KBError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB; split it or use bulk import")


def read_file(path: Path, iris: Iris, rdf_format: str | None = None) -> Graph:
    """The triples of an RDF file, blank nodes named under the base, every IRI checked.

    A file holding named graphs is refused (only a dump carries them, and ``claimkb restore`` reads
    it). The parser's own message (with its line) on failure.
    """
    _check_size(path)
    name = file_format(path, rdf_format)
    ox_format = OX_FORMATS.get(name)
    if ox_format is None:
        dataset = parse_file(path, iris.base, name)
        named = [g for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier and len(g)]
        if named:
            raise _named_graphs(path, len(named))
        graph = Graph()
        for triple in dataset.default_graph:
            graph.add(triple)
        graph = skolemize(graph, iris)
        check_iris(graph)
        return graph
    # rdflib's triple-only store: adding and looking up cost half the context-aware default's.
    graph = new_graph()
    add = graph.add
    authority = iris.base.rstrip("/")
    blank: dict[str, URIRef] = {}
    named_graphs: set[str] = set()
    # Each term converted once: a file names each subject and predicate many times over.
    converted: dict[object, Node] = {}

    def term(node: object) -> Node:
        found = converted.get(node)
        if found is not None:
            return found
        if isinstance(node, ox.BlankNode):
            if node.value not in blank:
                # A fresh name, where rdflib's ``skolemize`` puts it (``skolemize`` below).
                blank[node.value] = BNode().skolemize(authority=authority, basepath=GENID)
            found = blank[node.value]
        else:
            found = from_ox(node)
        converted[node] = found
        return found

    try:
        for quad in ox.parse(path=str(path), format=ox_format, base_iri=iris.base):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                named_graphs.add(str(quad.graph_name))
                continue
            add((term(quad.subject), term(quad.predicate), term(quad.object)))
    except (SyntaxError, ValueError) as error:
        raise KBError(f"{path} is not valid {name}: {error}", title="Parse error") from error
    if named_graphs:
        raise _named_graphs(path, len(named_graphs))
    return graph


def _named_graphs(path: Path, count: int) -> KBError:
    return KBError(
        f"{path} holds named graphs ({count}); only a dump can carry them, "
        "and a dump is restored into an empty knowledge base with `claimkb restore`."
    )


def parse_file(path: Path, base: str, rdf_format: str | None = None) -> Dataset:
    """Parse an RDF file; the parser's own message (with its line) on failure."""
    _check_size(path)
    rdf_format = file_format(path, rdf_format)
    dataset = Dataset()
    try:
        dataset.parse(data=path.read_bytes(), format=rdf_format, publicID=base)
    except Exception as error:  # noqa: BLE001 - every parser has its own exception types
        raise KBError(f"{path} is not valid {rdf_format}: {error}", title="Parse error") from error
    return dataset


def skolemize(graph: Graph, iris: Iris) -> Graph:
    """Replace blank nodes by IRIs under the base, so that every triple can be revised exactly."""
    return graph.skolemize(authority=iris.base.rstrip("/"), basepath=GENID)


def check_iris(graph: Graph) -> None:
    """Refuse IRIs the store cannot hold: rdflib's parsers let some through (quotes, spaces, braces)."""
    seen: set[URIRef] = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and term not in seen:
                seen.add(term)
                try:
                    to_ox(term)
                except ValueError as error:
                    raise KBError(
                        f"<{str(term)[:200]}> is not a valid IRI ({error}); nothing was written.", title="Parse error"
                    ) from error


def draft_for_graph(graph: Graph, pipeline: Pipeline, *, checked: bool = False) -> Draft:
    """The draft that adds ``graph`` (parsed, blank nodes named) to the knowledge base.

    Raises ``KBError`` for an IRI the store cannot hold (unless ``checked``: ``read_file`` checked
    them); the pipeline derives statuses and checks the shapes (a file that breaks them is refused
    with each violation's node and constraint).
    """
    if not checked:
        check_iris(graph)
    return pipeline.additions(graph)
