"""Article scorecards and quote drift, read from the knowledge base in domain words.

Scorecards are built from the claim pages of the read model (so a claim's status and evidence are
the ones its own page shows); both are cached until the next revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rdflib import URIRef
from rdflib.term import Node

from claims import concepts
from claims.concepts import Concept
from claims.drift import Derivation, Drift, Lineage, QuotedPassage, find_drifts
from claims.model import Claim, Entity, EvidenceEvent, Quote, Source
from claims.scorecard import Placed, article_order, decisive_event, summary_line
from claims.status import Status
from claims.vocab import SCHEMA
from kb import queries
from kb.errors import NotFound
from kb.knowledge import KnowledgeBase
from kb.read import pages
from kb.read.independence import ClaimIndependence, claim_independence
from kb.read.pages import ClaimPage, ClaimSummary, SourceName


@dataclass(frozen=True)
class Outcome:
    """What happened to a claim, in one line, and the evidence event that settled it (if one did)."""

    text: str
    when: date | None = None
    precision: str = "day"
    event: EvidenceEvent | None = None
    source: Source | None = None


@dataclass
class ScorecardRow:
    claim: Claim
    status: Concept
    quotes: list[Quote]  # its quotes from this article, in the order of the text
    outcome: Outcome
    drifts: list[QuoteDrift] = field(default_factory=list)  # where this article's words differ from its source's
    independence: ClaimIndependence | None = None  # how many independent origins its support rests on

    @property
    def single_origin(self) -> bool:
        return self.independence is not None and self.independence.independence.single_origin_support


@dataclass
class Scorecard:
    source: Source
    publisher: Entity | None
    rows: list[ScorecardRow]
    counts: dict[str, int]  # claims by status notation, every status listed
    summary: str

    @property
    def single_origin(self) -> int:
        """How many of its claims have support that all traces back to one origin."""
        return sum(1 for row in self.rows if row.single_origin)


@dataclass
class QuoteDrift:
    """One drifting passage of one claim, with the sources it passed through."""

    claim: ClaimSummary
    drift: Drift
    original: SourceName  # where the original words were read
    derived: SourceName
    path: list[SourceName] = field(default_factory=list)  # derived source first, up to the original's text


class Scorecards:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    # --- scorecards ---------------------------------------------------------------------------

    def scorecard(self, slug: str) -> Scorecard:
        """The claims an article makes, in its order, with their status and what became of them."""
        return self.kb.cache.get(("scorecard", slug, self.kb.today()), lambda: self._scorecard(slug))

    def _scorecard(self, slug: str) -> Scorecard:
        iri = self.kb.iris.source(slug)
        graph = self.kb.repository.describe([iri])
        if (iri, SCHEMA.headline, None) not in graph:
            raise NotFound(f"There is no source called “{slug}”.")
        source = Source.from_graph(graph, iri)
        publisher = None
        if source.publisher:
            publisher = Entity.from_graph(self.kb.repository.describe([source.publisher]), source.publisher)
        pages = [self._claim_page(r["claim"]) for r in self.kb.store.select(queries.SCORECARD_CLAIMS, {"source": iri})]
        made = sorted((p for p in pages if p and not p.claim.retracted), key=lambda p: p.claim.slug)
        if not made:
            raise NotFound(f"No claim we track appeared in “{source.headline}”, so it has no scorecard.")
        first_recorded = {
            URIRef(str(r["quote"])): int(str(r["first"]))
            for r in self.kb.store.select(queries.QUOTES_FIRST_RECORDED, {"source": iri})
        }
        rows: dict[str, ScorecardRow] = {}
        placed = []
        for page in made:
            claim_slug = page.claim.slug
            quotes = _quotes_in(page, iri)
            drifts = [d for d in self.claim_drifts(claim_slug) if iri in (d.derived.iri, d.original.iri)]
            rows[claim_slug] = ScorecardRow(
                page.claim, page.status, quotes, _outcome(page), drifts, claim_independence(self.kb, page.claim.iri)
            )
            recorded = [first_recorded[q.iri] for q in quotes if q.iri in first_recorded]
            placed.append(
                Placed(
                    key=claim_slug,
                    starts=tuple(q.start for q in quotes if q.start is not None),
                    first_recorded=min(recorded, default=None),
                )
            )
        ordered = [rows[s] for s in article_order(placed)]
        statuses = [Status(row.status.notation) for row in ordered]
        counts = {key: 0 for key in concepts.statuses()}
        for status in statuses:
            counts[status.value] += 1
        return Scorecard(
            source=source,
            publisher=publisher,
            rows=ordered,
            counts=counts,
            summary=summary_line(statuses),
        )

    def _claim_page(self, iri: Node) -> ClaimPage | None:
        kind_slug = self.kb.iris.kind_and_slug(str(iri))
        if not kind_slug or kind_slug[0] != "claims":
            return None
        try:
            return self.kb.claim_page(kind_slug[1])
        except NotFound:
            return None

    def tracked_articles(self) -> list[tuple[str, str, date | None, int]]:
        """(slug, headline, date, number of claims) of every source that claims appeared in."""
        return self.kb.cache.get(
            ("tracked-articles",),
            lambda: [
                (str(r["slug"]), str(r["headline"]), _date(r.get("date")), int(str(r["claims"])))
                for r in self.kb.store.select(queries.SCORECARD_SOURCES)
            ],
        )

    # --- quote drift --------------------------------------------------------------------------

    def claim_drifts(self, slug: str) -> list[QuoteDrift]:
        """Where the words quoted for this claim changed from a source to one derived from it."""
        return self.kb.cache.get(("drift", slug), lambda: self._claim_drifts(slug))

    def _claim_drifts(self, slug: str) -> list[QuoteDrift]:
        rows = self.kb.store.select(queries.QUOTED_PASSAGES, {"claim": self.kb.iris.claim(slug)})
        return self._drifts(rows, self._links_above({str(r["source"]) for r in rows}))

    def _links_above(self, sources: set[str]) -> list[dict[str, Node]]:
        """The derivation links from these sources up, step by step (chains are short)."""
        links: list[dict[str, Node]] = []
        seen, frontier = set(sources), set(sources)
        while frontier:
            step = [
                row
                for source in sorted(frontier)
                for row in self.kb.store.select(queries.DERIVATION_LINKS, {"source": URIRef(source)})
            ]
            links += step
            frontier = {str(row["parent"]) for row in step} - seen
            seen |= frontier
        return links

    def all_drifts(self) -> list[QuoteDrift]:
        """Every drifting quote in the knowledge base, by claim."""
        return self.kb.cache.get(("drift", None), self._all_drifts)

    def _all_drifts(self) -> list[QuoteDrift]:
        claims = [row["claim"] for row in self.kb.store.select(queries.CLAIMS_QUOTED_IN_DERIVED_SOURCES)]
        rows = [row for claim in claims for row in self.kb.store.select(queries.QUOTED_PASSAGES, {"claim": claim})]
        return self._drifts(rows, self.kb.store.select(queries.DERIVATION_LINKS)) if rows else []

    def _drifts(self, rows: list[dict[str, Node]], links: list[dict[str, Node]]) -> list[QuoteDrift]:
        sources_of: dict[str, set[str]] = {}
        for row in rows:
            sources_of.setdefault(str(row["claim"]), set()).add(str(row["source"]))
        # Only a claim quoted in two sources or more can drift.
        rows = [row for row in rows if len(sources_of[str(row["claim"])]) > 1]
        lineage = Lineage(
            Derivation(str(r["source"]), str(r["parent"]), str(r["kind"]) if r.get("kind") else None) for r in links
        )
        by_claim: dict[str, tuple[ClaimSummary, list[QuotedPassage]]] = {}
        for row in rows:
            summary, passages = by_claim.setdefault(str(row["claim"]), (pages.summary_from_row(row), []))
            passages.append(QuotedPassage(str(row["quote"]), str(row["source"]), str(row["exact"])))
        labels: dict[str, SourceName] = {}
        found = []
        for summary, passages in sorted(by_claim.values(), key=lambda item: item[0].slug):
            for drift in find_drifts(passages, lineage):
                found.append(
                    QuoteDrift(
                        claim=summary,
                        drift=drift,
                        original=self._label(drift.original.source, labels),
                        derived=self._label(drift.derived.source, labels),
                        path=[self._label(s, labels) for s in drift.path],
                    )
                )
        return found

    def _label(self, iri: str, labels: dict[str, SourceName]) -> SourceName:
        if iri not in labels:
            rows = self.kb.store.select(queries.SOURCE_LABEL, {"source": URIRef(iri)})
            row = rows[0] if rows else {}
            kind_slug = self.kb.iris.kind_and_slug(iri)
            labels[iri] = SourceName(
                iri=URIRef(iri),
                slug=str(row.get("slug") or (kind_slug[1] if kind_slug else "")),
                headline=str(row.get("headline") or iri),
                publisher=str(row["publisherName"]) if row.get("publisherName") else None,
            )
        return labels[iri]


def _date(value: Node | None) -> date | None:
    python = pages.py(value)
    return python if isinstance(python, date) else None


def _quotes_in(page: ClaimPage, source: URIRef) -> list[Quote]:
    """The claim's quotes from ``source``: its own, then those of its counted evidence; in text order."""
    quotes = [q for q, _ in page.quotes if q.source == source]
    seen = {q.iri for q in quotes}
    for item in page.timeline:
        quote = item.quote
        if quote and quote.source == source and not item.event.retracted and quote.iri not in seen:
            quotes.append(quote)
            seen.add(quote.iri)
    return sorted(quotes, key=lambda q: (q.start is None, q.start or 0))


def _outcome(page: ClaimPage) -> Outcome:
    """One line on what became of the claim: the event that settled its status, or why none has."""
    status = Status(page.status.notation)
    if status is Status.DUE:
        deadline = page.claim.deadline
        return Outcome("Its deadline passed with nothing recorded to resolve it.", when=deadline)
    if status is Status.UNVERIFIED:
        return Outcome("No evidence for or against it has been recorded yet.")
    event = decisive_event((item.event for item in page.timeline), status)
    if event is None:
        return Outcome(page.status.definition)
    item = next(i for i in page.timeline if i.event.iri == event.iri)
    return Outcome(
        text=event.title or item.stance.label,
        when=event.when,
        precision=event.precision,
        event=event,
        source=item.source,
    )
