"""Reading RDF files into a draft for the write pipeline: parse, give blank nodes IRIs, check IRIs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.util import guess_format

from claims.model import Iris
from kb.errors import KBError
from kb.store import to_ox
from kb.write.pipeline import Draft, Pipeline

DATASET_FORMATS = {"trig", "nquads", "json-ld"}
FORMAT_BY_SUFFIX = {".jsonld": "json-ld", ".json": "json-ld", ".nq": "nquads", ".trig": "trig"}
MAX_FILE_BYTES = 200 * 1024 * 1024


def parse_file(path: Path, base: str, rdf_format: str | None = None) -> Dataset:
    """Parse an RDF file; the parser's own message (with its line) on failure."""
    if not path.is_file():
        raise KBError(f"{path}: no such file", status=404)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise KBError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB; split it or use bulk import")
    rdf_format = rdf_format or FORMAT_BY_SUFFIX.get(path.suffix) or guess_format(str(path)) or "turtle"
    dataset = Dataset()
    try:
        dataset.parse(data=path.read_bytes(), format=rdf_format, publicID=base)
    except Exception as error:  # noqa: BLE001 - every parser has its own exception types
        raise KBError(f"{path} is not valid {rdf_format}: {error}", title="Parse error") from error
    return dataset


def skolemize(graph: Graph, iris: Iris) -> Graph:
    """Replace blank nodes by IRIs under the base, so that every triple can be revised exactly."""
    return graph.skolemize(authority=iris.base.rstrip("/"), basepath="/.well-known/genid/")


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


def draft_for_graph(graph: Graph, pipeline: Pipeline) -> Draft:
    """The draft that adds ``graph`` (parsed, blank nodes named) to the knowledge base.

    Raises ``KBError`` for an IRI the store cannot hold; the pipeline derives statuses and checks
    the shapes (a file that breaks them is refused with each violation's node and constraint).
    """
    check_iris(graph)
    return pipeline.additions(graph)
