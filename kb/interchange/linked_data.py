"""Linked data: the RDF description of every IRI of the knowledge base, and the vocabulary document."""

from __future__ import annotations

from rdflib import Graph, URIRef

from claims import schema_files
from claims.model import SLUG_RE
from claims.vocab import CK_IRI, PREFIXES
from kb import queries
from kb.errors import NotFound
from kb.knowledge import KnowledgeBase
from kb.read.neighbourhood import claim_neighbourhood, source_neighbourhood
from kb.sparql.formats import Format

# The kinds of resource that answer with RDF, by the first segment of their path.
KINDS = ("claims", "sources", "entities", "topics", "events", "quotes", "revisions", "agents", "media")

VOCABULARY_IRI = CK_IRI

_RDFLIB_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml"}


def describe(kb: KnowledgeBase, kind: str, slug: str) -> Graph:
    """The description of ``{base}{kind}/{slug}``: its triples and the nodes that complete it.

    A claim comes with its evidence events, quotes and selectors and the labels of what it points
    at; a source with its derivation chain; entities and topics with the claims that point at them.
    Only the default graph (the current, public state) is read.
    """
    if kind not in KINDS or len(slug) > 300 or not all(SLUG_RE.match(part) for part in slug.split("/")):
        raise NotFound("That address does not name anything here.")
    iri = URIRef(f"{kb.iris.base}{kind}/{slug}")
    if kind == "claims":
        graph = claim_neighbourhood(kb.store, iri)
    elif kind == "sources":
        graph = source_neighbourhood(kb.store, iri)
    else:
        graph = kb.store.construct(queries.RESOURCE_DESCRIPTION, {"resource": iri})
    if (iri, None, None) not in graph:
        raise NotFound(f"There is nothing called “{kind}/{slug}” here.")
    if kind in ("entities", "topics"):
        graph += kb.store.construct(queries.RESOURCE_INCOMING, {"resource": iri})
    _bind(graph)
    return graph


def claims_mentioning(kb: KnowledgeBase, iri: URIRef) -> list[str]:
    """Slugs of the claims whose evidence or quotes include ``iri`` (an event or a quote)."""
    return [str(r["slug"]) for r in kb.store.select(queries.CLAIMS_OF_EVENT_OR_QUOTE, {"resource": iri})]


def vocabulary() -> Graph:
    """The vocabulary document: the ontology and its concept schemes (statuses, stances, claim types)."""
    graph = schema_files.ontology() + schema_files.schemes()
    _bind(graph)
    return graph


def serialize(graph: Graph, fmt: Format) -> bytes:
    return graph.serialize(format=_RDFLIB_FORMATS[fmt.name], encoding="utf-8")


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
