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

from rdflib import Literal, URIRef

from claims.independence import Independence, OriginGroup, independence, sides_of
from claims.status import Stance
from claims.vocab import CK_IRI
from kb import queries
from kb.read.pages import SourceName
from kb.store import Row

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


def claim_independence(kb: KnowledgeBase, claim: URIRef, as_of: date | None = None) -> ClaimIndependence:
    """The independence of ``claim`` as its page shows it (cached until the next revision)."""
    return kb.cache.get(("independence", claim, as_of), lambda: _claim_independence(kb, claim, as_of))


def _claim_independence(kb: KnowledgeBase, claim: URIRef, as_of: date | None) -> ClaimIndependence:
    rows = kb.store.select(queries.INDEPENDENCE_SOURCES, {"claim": claim})
    chains = kb.store.select(queries.INDEPENDENCE_CHAINS, {"claim": claim})
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
