"""The naive design the benchmark compares against: rdflib's in-memory ``Dataset`` with a SPARQL query per page.

``NaiveStore`` answers the same named queries (prepared once each, values bound with rdflib's
``initBindings``) and the same updates as the real stores, so the very same knowledge-base code and
Flask pages run over it; only the store differs. There is no read model, no index and no cache: each
page asks rdflib's SPARQL engine afresh.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from functools import cache
from typing import Any, TypeVar

from flask import Flask
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from claims.model import Iris
from claims.vocab import CK_IRI, PREFIXES
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.read.pages import ClaimSummary
from kb.search import FacetCount, SearchHit, SearchRequest, SearchResult
from kb.search.sparql import search_as_sparql
from kb.store import Bindings, Quad, Row
from kb.store.cache import RevisionCache

T = TypeVar("T")


@cache
def _prepared(query: str) -> Query:
    return prepareQuery(query, initNs=PREFIXES)


class NaiveStore:
    """The ``kb.store.Store`` interface over rdflib's in-memory ``Dataset``."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset = dataset if dataset is not None else Dataset()
        self._lock = threading.RLock()  # rdflib's memory store is not safe for concurrent writes

    def _query(self, query: str, bindings: Bindings | None) -> Any:
        return self.dataset.query(_prepared(query), initBindings=dict(bindings or {}))

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        result = self._query(query, bindings)
        names = [str(v) for v in result.vars]
        rows = []
        for solution in result:
            row: Row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def select_values(self, query: str, bindings: Bindings | None = None) -> list[dict[str, str]]:
        return [{name: str(value) for name, value in row.items()} for row in self.select(query, bindings)]

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return bool(self._query(query, bindings).askAnswer)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        graph = Graph()
        for triple in self._query(query, bindings).graph:
            graph.add(triple)
        return graph

    def triples_of(self, subject: URIRef, predicate: URIRef | None = None) -> list[tuple[Node, Node]]:
        rows = self.select("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": subject, **({"p": predicate} if predicate else {})})
        return [(predicate or row["p"], row["o"]) for row in rows]

    def object_values(self, subject: URIRef, predicate: URIRef) -> list[str]:
        return [str(o) for _, o in self.triples_of(subject, predicate)]

    def subjects_of(self, predicate: URIRef, obj: Node) -> list[Node]:
        return [row["s"] for row in self.select("SELECT ?s WHERE { ?s ?p ?o }", {"p": predicate, "o": obj})]

    def writing(self) -> threading.RLock:
        return self._lock

    def update(self, update: str) -> None:
        with self._lock:
            self.dataset.update(update, initNs=PREFIXES)

    def quads(self) -> Iterator[Quad]:
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            default = name is None or name == self.dataset.default_graph.identifier
            yield s, p, o, None if default else URIRef(str(name))

    def bulk_load(self, quads: Iterable[Quad]) -> None:
        default = self.dataset.default_graph
        with self._lock:
            for s, p, o, g in quads:
                (self.dataset.graph(g) if g else default).add((s, p, o))

    def is_empty(self) -> bool:
        return len(self.dataset) == 0

    def close(self) -> None:
        pass


class NoCache(RevisionCache):
    """The naive design keeps no read cache: every page computes its answer afresh."""

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        return compute()

    def put(self, key: Hashable, value: object, revision: int) -> None:
        pass


def use_naive_store(app: Flask, store: NaiveStore, base: str) -> KnowledgeBase:
    """Point ``app``'s pages at a knowledge base over ``store``, without the read cache."""
    app.extensions["claimkb"].close()
    knowledge = KnowledgeBase(store, Iris(base))
    knowledge.cache = NoCache(knowledge.repository.revision_count)
    app.extensions["claimkb"] = knowledge
    return knowledge


class NaiveSearch:
    """The search and listings of the naive design: SPARQL per request (``CONTAINS`` for words), no index."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.kb = knowledge

    def claims(self, filters: ClaimFilters | None = None, *, limit: int = 10_000) -> list[ClaimSummary]:
        return self.kb.claims(filters)[:limit]

    def listing(self, filters: ClaimFilters, page: int = 1, per_page: int = 50) -> tuple[list[ClaimSummary], int, int]:
        # The naive design pages in Python over a fresh SPARQL listing, as a page per query would.
        every = self.kb.claims(filters)
        pages = max(1, -(-len(every) // per_page))
        page = min(page, pages)
        return every[(page - 1) * per_page : page * per_page], len(every), pages

    def status_counts(self) -> dict[str, int]:
        return self.kb.status_counts()

    def facet_counts(self, facets: tuple[str, ...] = ("claimant", "topic")) -> dict[str, list[tuple[str, str, int]]]:
        """The claimants' and topics' counts (the listing's topic filter), by SPARQL aggregates."""
        values = self.kb.facet_values()
        return {facet: values[facet] for facet in facets if facet in values}

    def facet_values(self) -> dict[str, list[tuple[str, str, int]]]:
        return self.kb.facet_values()

    def search(self, request: SearchRequest) -> SearchResult:
        words = " ".join(request.query.lower().split())
        tree = ("text", words) if words else None
        rows = self.kb.store.select(search_as_sparql(self.kb.iris, request.filters, tree))
        statuses: dict[str, int] = {}
        for row in rows:
            status = str(row.get("status", "")).removeprefix(CK_IRI) or "unverified"
            statuses[status] = statuses.get(status, 0) + 1
        facets = {"status": [FacetCount(s, s, n) for s, n in sorted(statuses.items(), key=lambda i: -i[1])]}
        for facet, values in self.kb.facet_values().items():
            facets[facet] = [FacetCount(slug, label, n) for slug, label, n in values]
        start = (request.page - 1) * request.per_page
        hits = [
            SearchHit(
                iri=str(row["claim"]),
                slug=str(row["claim"]).rsplit("/", 1)[-1],
                name=str(row.get("name", "")),
                text=str(row.get("name", "")),
                status=str(row.get("status", "")).removeprefix(CK_IRI) or "unverified",
                claim_type="statement",
                claimant=None,
                claimant_name=None,
                claimed=None,
                deadline=None,
                score=None,
                snippet_html=html.escape(str(row.get("name", ""))),
            )
            for row in rows[start : start + request.per_page]
        ]
        return SearchResult(
            hits=hits,
            total=len(rows),
            page=request.page,
            per_page=request.per_page,
            facets=facets,
            parsed_query=words,
            query_tree=tree,
            filters=dict(request.filters),
        )


def use_naive_search(app: Flask, knowledge: KnowledgeBase) -> None:
    """Point ``app``'s search and listings at SPARQL over the naive store, in place of the index."""
    app.extensions["claimkb.search"].close()
    app.extensions["claimkb.search"] = NaiveSearch(knowledge)
