"""A claim's neighbourhood (and a source's): what its page and linked-data document show, as one graph.

``queries.CLAIM_NEIGHBOURHOOD`` says what it holds, as one SPARQL CONSTRUCT: the claim's own triples,
the claims naming it the same claim, its evidence events, quotes and their selectors, the sources
it appeared in or rests on, its media and their reviews, the name, type, slug and ``owl:sameAs`` of
the people and organisations it touches, and the labels of its topics.

On the embedded store the same graph is walked by pattern lookups in the store's indexes instead
(``walk``): a claim page's first view at a million claims spent about 2 ms in Oxigraph's evaluation
of the CONSTRUCT's property paths, against about 0.5 ms for the twenty-odd lookups. A SPARQL server
answers the CONSTRUCT in one request, as before. ``tests/test_neighbourhood.py`` holds the two to the
same triples.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import OWL, RDF, SKOS, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from claims.vocab import CK, OA, SCHEMA
from kb import queries
from kb.store import OxigraphStore, Store, new_graph

# What the page shows of each person, organisation and topic it names (the CONSTRUCT's FILTERs).
ENTITY_PREDICATES = frozenset({RDF.type, SCHEMA.name, CK.slug, OWL.sameAs})
TOPIC_PREDICATES = frozenset({RDF.type, SKOS.prefLabel, CK.slug})


def claim_neighbourhood(store: Store, claim: URIRef) -> Graph:
    """The graph ``queries.CLAIM_NEIGHBOURHOOD`` describes for ``claim``."""
    if isinstance(store, OxigraphStore):
        return walk(store, claim)
    return store.construct(queries.CLAIM_NEIGHBOURHOOD, {"claim": claim})


def source_neighbourhood(store: Store, source: URIRef) -> Graph:
    """What a source's page (and its linked-data document) shows: the parts of
    ``queries.SOURCE_NEIGHBOURHOOD``, each its own query."""
    graph = new_graph()
    for query in queries.SOURCE_NEIGHBOURHOOD.values():
        graph += store.construct(query, {"source": source})
    return graph


def walk(store: OxigraphStore, claim: URIRef) -> Graph:
    """``queries.CLAIM_NEIGHBOURHOOD`` by pattern lookups: the same triples, path by path."""
    graph = new_graph()
    looked_up: dict[Node, list[tuple[Node, Node]]] = {}

    def describe(nodes: Iterable[Node], only: frozenset[URIRef] | None = None) -> dict[Node, list[tuple[Node, Node]]]:
        """Add the triples of each of ``nodes`` (only those of ``only``'s predicates, if given) and
        return each node's triples; every node is looked up once."""
        found: dict[Node, list[tuple[Node, Node]]] = {}
        for node in nodes:
            if not isinstance(node, URIRef | BNode):
                continue  # a literal is nobody's subject
            if node not in looked_up:
                looked_up[node] = store.triples_of(node)
            found[node] = looked_up[node]
            for predicate, value in found[node]:
                if only is None or predicate in only:
                    graph.add((node, predicate, value))
        return found

    def objects(described: dict[Node, list[tuple[Node, Node]]], *predicates: URIRef) -> list[Node]:
        return [value for pairs in described.values() for predicate, value in pairs if predicate in predicates]

    own = describe([claim])
    for subject in store.subjects_of(CK.sameClaimAs, claim):
        graph.add((subject, CK.sameClaimAs, claim))
    events = describe(objects(own, CK.evidence))
    own_quotes = describe(objects(own, CK.quote))
    event_quotes = describe(objects(events, CK.quote))
    describe(objects({**event_quotes, **own_quotes}, OA.hasSelector))
    media = describe(objects(own, CK.media))
    describe(objects(media, SCHEMA.review))
    # Sources whose publisher the page names: where the claim appeared, what its evidence rests on,
    # what its own quotes come from; then those of its evidence's quotes and of its media's articles.
    named = describe(
        objects(own, SCHEMA.appearance, SCHEMA.firstAppearance)
        + objects(events, CK.source)
        + objects(own_quotes, OA.hasSource)
    )
    describe(objects(event_quotes, OA.hasSource) + objects(media, SCHEMA.associatedArticle))
    people = objects(own, SCHEMA.author, SCHEMA.about) + objects(events, CK.actor) + objects(named, SCHEMA.publisher)
    describe(people, only=ENTITY_PREDICATES)
    describe(objects(own, DCTERMS.subject), only=TOPIC_PREDICATES)
    return graph
