"""One search document per claim, built from the store through named queries; no index types here.

Any backend indexes these plain values: the claim's words (name, text, quotes, notes, evidence), who
is linked to it (claimant, entities, publishers, topics) and what it is filtered on (status, type,
dates, and whether its support rests on one origin: ``claims.independence``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from claims import matching
from claims.independence import NO_SUPPORT
from claims.vocab import CK_IRI
from kb import queries
from kb.language import DEFAULT_LANGUAGE, detect_or_default
from kb.read import independence
from kb.store import Row, Store


@dataclass(frozen=True, order=True)
class Linked:
    """Something a claim links to, as the index keeps it: its slug (the facet value) and its label."""

    slug: str
    label: str
    iri: str = ""


@dataclass
class ClaimDocument:
    iri: str
    slug: str
    name: str
    text: str
    status: str = "unverified"  # a status notation
    claim_type: str = "statement"  # a claim type notation
    claimed: date | None = None
    deadline: date | None = None
    note: str = ""
    quotes: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # names and notes of its evidence events
    claimant: Linked | None = None
    about: list[Linked] = field(default_factory=list)
    publishers: list[Linked] = field(default_factory=list)
    topics: list[Linked] = field(default_factory=list)
    support_origins: str = NO_SUPPORT  # single-origin, several-origins or no-support
    language: str = DEFAULT_LANGUAGE  # BCP 47 tag: schema:inLanguage, else detected from the text

    @property
    def year(self) -> int | None:
        return self.claimed.year if self.claimed else None

    def stored(self) -> dict[str, object]:
        """What an index keeps of the claim to show it as a hit without asking the store (both engines)."""
        return {
            "slug": self.slug,
            "name": self.name,
            "text": self.text,
            "quotes": self.quotes,
            "note": self.note,
            "status": self.status,
            "type": self.claim_type,
            "claimant": [self.claimant.iri, self.claimant.label] if self.claimant else None,
            "claimed": self.claimed.isoformat() if self.claimed else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "support": self.support_origins,
            "language": self.language,
            # the text as claim matching reads it, so that a candidate is not analysed at every match
            "matching": matching.stored_form(matching.analyse(self.text, self.language)),
        }


def _notation(value: Node | None, default: str) -> str:
    return str(value).removeprefix(CK_IRI) if value is not None else default


def _date(value: Node | None) -> date | None:
    python = value.toPython() if isinstance(value, Literal) else None
    return python if isinstance(python, date) else None


def _group(rows: Iterable[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[str(row["claim"])].append(row)
    return grouped


LINK_QUERIES = {
    "claimant": queries.SEARCH_CLAIM_CLAIMANTS,
    "about": queries.SEARCH_CLAIM_ABOUT,
    "publisher": queries.SEARCH_CLAIM_PUBLISHERS,
    "topic": queries.SEARCH_CLAIM_TOPICS,
}


class DocumentBuilder:
    """Builds claim documents from the store: all of them (a rebuild) or a few (one revision)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all_documents(self) -> list[ClaimDocument]:
        """Every current, unretracted claim, in a handful of queries whatever the size."""
        return list(self.stream()[1])

    def stream(self, prepare: str | None = None) -> tuple[int, Iterator[Any]]:
        """How many claims there are (about: retracted ones count) and every claim's document, for a
        rebuild. The embedded store is read one predicate at a time (``kb.search.scan``), which is
        many times quicker than the joins of the named queries; other stores answer those queries.

        ``prepare`` names a function (``module:function``) each document is passed through: what an
        index makes of it, which a large embedded store's rebuild does in two processes."""
        from kb.store import OxigraphStore  # the protocol's module; the class only for this check

        if isinstance(self.store, OxigraphStore):
            from kb.search.scan import scan_documents

            return scan_documents(self.store.native, self.store.path, prepare)
        documents = self._build(None)
        if prepare:
            from kb.search.scan import _preparer

            return len(documents), map(_preparer(prepare), documents.values())  # type: ignore[arg-type]
        return len(documents), iter(documents.values())

    def documents(self, claims: Iterable[str]) -> dict[str, ClaimDocument | None]:
        """The documents of ``claims``; ``None`` for a claim that is gone or retracted."""
        wanted = sorted(set(claims))
        built: dict[str, ClaimDocument | None] = {iri: None for iri in wanted}
        if wanted:
            built.update(self._build(wanted))
        return built

    def _select(self, query: str, claims: list[str] | None) -> dict[str, list[Row]]:
        if claims is None:
            return _group(self.store.select(query))
        rows: list[Row] = []
        for claim in claims:
            rows.extend(self.store.select(query, {"claim": URIRef(claim)}))
        return _group(rows)

    def _build(self, claims: list[str] | None) -> dict[str, ClaimDocument]:
        base = self._select(queries.SEARCH_CLAIM_FIELDS, claims)
        quotes = self._select(queries.SEARCH_CLAIM_QUOTES, claims)
        events = self._select(queries.SEARCH_CLAIM_EVENTS, claims)
        linked = {role: self._select(query, claims) for role, query in LINK_QUERIES.items()}
        sources = self._select(queries.INDEPENDENCE_SOURCES, claims)
        derivations = self._derivations(claims)
        documents = {}
        for iri, rows in base.items():
            links = {role: _linked(found.get(iri, [])) for role, found in linked.items()}
            document = _document(iri, rows, quotes.get(iri, []), links, events.get(iri, []))
            if document is not None:
                document.support_origins = independence.from_rows(sources.get(iri, []), derivations).support_origins
                documents[iri] = document
        return documents

    def _derivations(self, claims: list[str] | None) -> dict[URIRef, set[URIRef]]:
        """The derivation links the claims' sources rest on (all of them, for a rebuild)."""
        if claims is None:
            return independence.derivation_links(self.store.select(queries.DERIVATION_LINKS))
        return independence.derivation_links(independence.chain_rows(self.store, [URIRef(c) for c in claims]))


def _linked(rows: list[Row]) -> list[Linked]:
    return sorted({Linked(str(r["slug"]), str(r.get("label", r["slug"])), str(r["agent"])) for r in rows})


def _document(
    iri: str, rows: list[Row], quotes: list[Row], links: dict[str, list[Linked]], events: list[Row]
) -> ClaimDocument | None:
    first = rows[0]
    if any(str(r.get("retracted", "")).lower() in ("true", "1") for r in rows):
        return None
    text = str(first.get("text", ""))
    claimants = links["claimant"]
    evidence = {str(r[k]) for r in events for k in ("eventName", "eventNote") if r.get(k)}
    return ClaimDocument(
        iri=iri,
        slug=str(first["slug"]),
        name=str(first.get("name", text)),
        text=text,
        status=_notation(first.get("status"), "unverified"),
        claim_type=_notation(first.get("type"), "statement"),
        claimed=_date(first.get("claimed")),
        deadline=_date(first.get("deadline")),
        note="\n\n".join(sorted({str(r["note"]) for r in rows if r.get("note")})),
        quotes=sorted({str(r["exact"]) for r in quotes}),
        evidence=sorted(evidence),
        claimant=claimants[0] if claimants else None,
        about=links["about"],
        publishers=links["publisher"],
        topics=links["topic"],
        # Claims recorded before languages were: detected from the text when indexed (not written back).
        language=str(first["language"]) if first.get("language") else detect_or_default(text),
    )
