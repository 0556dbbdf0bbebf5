"""The naive design the benchmark compares against: rdflib's in-memory ``Dataset`` with a SPARQL query per page.

``NaiveStore`` answers the same named queries (prepared once each, values bound with rdflib's
``initBindings``) and the same updates as the real stores, so the very same knowledge-base code and
Flask pages run over it; only the store differs. There is no read model, no index and no cache: each
page asks rdflib's SPARQL engine afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from functools import cache
from typing import Any, TypeVar

from flask import Flask
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from claims.model import Iris
from claims.vocab import PREFIXES
from kb.knowledge import KnowledgeBase
from kb.store import Bindings, Quad, Row

T = TypeVar("T")


@cache
def _prepared(query: str) -> Query:
    return prepareQuery(query, initNs=PREFIXES)


class NaiveStore:
    """The ``kb.store.Store`` interface over rdflib's in-memory ``Dataset``."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset = dataset if dataset is not None else Dataset()
        self._lock = threading.Lock()  # rdflib's memory store is not safe for concurrent writes

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

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return bool(self._query(query, bindings).askAnswer)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        graph = Graph()
        for triple in self._query(query, bindings).graph:
            graph.add(triple)
        return graph

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


class NoCache:
    """The naive design keeps no read cache: every page computes its answer afresh."""

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        return compute()

    def clear(self) -> None:
        pass


def use_naive_store(app: Flask, store: NaiveStore, base: str) -> KnowledgeBase:
    """Point ``app``'s pages at a knowledge base over ``store``, without the read cache."""
    app.extensions["claimkb"].close()
    knowledge = KnowledgeBase(store, Iris(base))
    knowledge.cache = NoCache()  # type: ignore[assignment]
    app.extensions["claimkb"] = knowledge
    return knowledge
