"""Source independence of a claim, read from the store: which origins its support and denial rest on.

The rule is ``claims.independence``; this module feeds it the store's answers (named queries in
``kb.queries``), for the claim page and for the search index alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from claims.independence import Independence, OriginGroup, independence, sides_of
from claims.status import Stance
from claims.vocab import CK, CK_IRI, DCTERMS, OA, PROV, SCHEMA
from kb import queries
from kb.read.pages import SourceName
from kb.store import Row, Store

if TYPE_CHECKING:
    from kb.knowledge import KnowledgeBase


@dataclass(frozen=True)
class ClaimIndependence:
    """A claim's support and denial grouped by origin, with the names of every source shown."""

    independence: Independence
    names: Mapping[URIRef, SourceName]
    as_of: date | None = None

    def name(self, iri: URIRef) -> SourceName:
        return self.names.get(iri) or SourceName(iri, None, str(iri))

    def origin_names(self, group: OriginGroup) -> list[SourceName]:
        return [self.name(iri) for iri in group.origin]


def derivation_links(rows: Iterable[Row]) -> dict[URIRef, set[URIRef]]:
    """Source -> what it derives from, from rows with ?source and ?parent."""
    links: dict[URIRef, set[URIRef]] = defaultdict(set)
    for row in rows:
        if row.get("parent") is not None:
            links[URIRef(str(row["source"]))].add(URIRef(str(row["parent"])))
    return links


def from_rows(
    source_rows: Iterable[Row], links: Mapping[URIRef, Iterable[URIRef]], as_of: date | None = None
) -> Independence:
    """The independence of one claim from its ``INDEPENDENCE_SOURCES`` rows and the derivation links.

    With ``as_of``, only evidence dated up to that day counts (what was known then).
    """
    support: set[URIRef] = set()
    denial: set[URIRef] = set()
    for row in source_rows:
        source = URIRef(str(row["source"]))
        if str(row["role"]) != "evidence":
            support.add(source)
            continue
        when = row.get("date")
        day = when.toPython() if isinstance(when, Literal) else None
        if as_of is not None and isinstance(day, date) and day > as_of:
            continue
        try:
            stance = Stance(str(row["stance"]).removeprefix(CK_IRI))
        except ValueError:  # not one of our stances: on neither side
            continue
        supports, denies = sides_of(stance)
        if supports:
            support.add(source)
        if denies:
            denial.add(source)
    return independence(support, denial, links)


def chain_rows(store: Store, claims: Iterable[URIRef]) -> list[Row]:
    """The derivation chains of the sources ``claims`` cite: a row per source on them (their own ones
    included), with what it derives from and how to name it. A source several of them cite has its
    chain read once."""
    starts = {row["start"] for claim in claims for row in store.select(queries.INDEPENDENCE_STARTS, {"claim": claim})}
    return [
        row for start in sorted(starts, key=str) for row in store.select(queries.INDEPENDENCE_CHAIN, {"start": start})
    ]


def claim_independence(kb: KnowledgeBase, claim: URIRef, as_of: date | None = None) -> ClaimIndependence:
    """The independence of ``claim`` as its page shows it (cached until the next revision)."""
    return kb.cache.get(("independence", claim, as_of), lambda: _claim_independence(kb, claim, as_of))


def _claim_independence(kb: KnowledgeBase, claim: URIRef, as_of: date | None) -> ClaimIndependence:
    rows = kb.store.select(queries.INDEPENDENCE_SOURCES, {"claim": claim})
    chains = chain_rows(kb.store, [claim])
    names: dict[URIRef, SourceName] = {}
    for row in sorted(chains, key=lambda r: (str(r.get("headline", "")), str(r.get("publisherName", "")))):
        iri = URIRef(str(row["source"]))
        if iri not in names:
            names[iri] = SourceName(
                iri=iri,
                slug=str(row["slug"]) if row.get("slug") else None,
                headline=str(row.get("headline", iri)),
                publisher=str(row["publisherName"]) if row.get("publisherName") else None,
            )
    return ClaimIndependence(from_rows(rows, derivation_links(chains), as_of), names, as_of)


def from_neighbourhood(graph: Graph, claim: URIRef, as_of: date | None = None) -> ClaimIndependence | None:
    """The claim's independence read from its page's neighbourhood graph (``queries.CLAIM_NEIGHBOURHOOD``,
    which holds its sources' own triples and their publishers' names), with no query of its own; None
    when one of its sources derives from another one: the chains then leave the graph, and
    ``claim_independence`` asks the store. The rows built here are those ``INDEPENDENCE_SOURCES`` and
    ``chain_rows`` answer for such a claim.
    """
    rows: list[Row] = []
    starts: list[URIRef] = []
    for predicate in (SCHEMA.appearance, SCHEMA.firstAppearance):
        for source in graph.objects(claim, predicate):
            rows.append({"source": source, "role": Literal("appearance")})
            starts.append(URIRef(str(source)))
    for quote in graph.objects(claim, CK.quote):
        for source in graph.objects(quote, OA.hasSource):
            rows.append({"source": source, "role": Literal("quote")})
            starts.append(URIRef(str(source)))
    for event in graph.objects(claim, CK.evidence):
        sources = list(graph.objects(event, CK.source))
        starts += [URIRef(str(source)) for source in sources]  # withdrawn evidence too, as the chains query
        if (event, CK.retracted, Literal(True)) in graph:
            continue
        dates: list[Node | None] = list(graph.objects(event, DCTERMS.date)) or [None]
        for source in sources:
            for stance in graph.objects(event, CK.stance):
                for day in dates:
                    row: Row = {"source": source, "role": Literal("evidence"), "stance": stance}
                    if day is not None:
                        row["date"] = day
                    rows.append(row)
    if any((source, PROV.wasDerivedFrom, None) in graph for source in starts):
        return None
    names: dict[URIRef, SourceName] = {}
    for source in dict.fromkeys(starts):
        # As the chains query's rows, sorted as ``_claim_independence`` sorts them (None: unbound).
        slugs: list[Node | None] = [*graph.objects(source, CK.slug)] or [None]
        headlines: list[Node | None] = [*graph.objects(source, SCHEMA.headline)] or [None]
        publishers: list[Node | None] = [
            n for p in graph.objects(source, SCHEMA.publisher) for n in graph.objects(p, SCHEMA.name)
        ] or [None]
        choices = [
            (str(headline or ""), str(publisher or ""), slug, headline, publisher)
            for slug in slugs
            for headline in headlines
            for publisher in publishers
        ]
        _, _, slug, headline, publisher = min(choices, key=lambda c: (c[0], c[1]))
        names[source] = SourceName(
            iri=source,
            slug=str(slug) if slug else None,
            headline=str(headline) if headline is not None else str(source),
            publisher=str(publisher) if publisher else None,
        )
    return ClaimIndependence(from_rows(rows, derivation_links([]), as_of), names, as_of)
