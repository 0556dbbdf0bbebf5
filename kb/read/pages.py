"""What the pages show, as plain values built from the store's answers: no SPARQL outside kb/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from claims import concepts
from claims.concepts import Concept
from claims.media import AUTHENTICITY, MEDIA_KINDS, Authenticity
from claims.model import Claim, Entity, EvidenceEvent, MediaObject, Quote, Source, Topic
from claims.status import Status
from claims.vocab import CK, CK_IRI, OA, SCHEMA


@dataclass(frozen=True)
class SourceName:
    """How a page names a source: its slug (for the link; None if it has none), headline and publisher."""

    iri: URIRef
    slug: str | None
    headline: str
    publisher: str | None = None


@dataclass
class ClaimSummary:
    iri: URIRef
    slug: str
    name: str
    text: str
    status: Concept
    claim_type: Concept | None = None
    claimant: URIRef | None = None
    claimant_name: str | None = None
    claimed_on: date | None = None
    deadline: date | None = None


@dataclass
class TimelineItem:
    event: EvidenceEvent
    stance: Concept
    source: Source | None
    quote: Quote | None
    actor: Entity | None
    status_after: Concept  # the status that followed from the evidence known on this date


@dataclass
class MediaItem:
    """A photo, video or audio clip that makes the claim, as its page shows it."""

    media: MediaObject
    kind_label: str
    appeared_in: Source | None
    authenticity: Authenticity | None  # None: not assessed yet


@dataclass
class ClaimPage:
    claim: Claim
    status: Concept
    claim_type: Concept
    claimant: Entity | None
    quotes: list[tuple[Quote, Source | None]]
    appearances: list[Source]
    first_appearance: Source | None
    timeline: list[TimelineItem]
    about: list[Entity]
    topics: list[Topic]
    publishers: dict[URIRef, Entity]
    as_of: date | None = None  # set when the page shows what was known on a past date
    media: list[MediaItem] = field(default_factory=list)
    # How many sources the claim is quoted from (its quotes' and its evidence's): quote drift needs two
    # or more, so the page asks for drift only then. None: not counted.
    quoted_sources: int | None = None


@dataclass
class RevisionSummary:
    iri: URIRef
    number: int
    time: datetime
    agent: URIRef
    agent_name: str
    reason: str
    changed: list[tuple[URIRef, str, str]] = field(default_factory=list)  # (iri, kind, label)


@dataclass
class SourcePage:
    source: Source
    publisher: Entity | None
    ancestors: list[Source]  # what it derives from, nearest first
    descendants: list[Source]  # copies and rewrites of it
    claims: list[tuple[ClaimSummary, str, str | None]]  # (claim, how it cites the source, quote)
    publishers: dict[URIRef, Entity]


@dataclass
class EntityPage:
    entity: Entity
    by: list[ClaimSummary]
    about: list[ClaimSummary]
    actor_in: list[ClaimSummary]
    published: list[tuple[URIRef, str, str, date | None]]  # (source iri, slug, headline, date)


def status_of(value: Node | None) -> Concept:
    return concepts.status(Status.from_iri(str(value)) if value else Status.UNVERIFIED)


def py(value: Node | None) -> object:
    return value.toPython() if isinstance(value, Literal) else value


def summary_from_row(row: dict[str, Node]) -> ClaimSummary:
    claim_type = row.get("type")
    types = concepts.claim_types()
    type_key = str(claim_type).removeprefix(CK_IRI) if claim_type else None
    claimed = py(row.get("claimed"))
    deadline = py(row.get("deadline"))
    text = str(row.get("text", ""))
    return ClaimSummary(
        iri=URIRef(str(row["claim"])),
        slug=str(row.get("slug", "")),
        name=str(row["name"]) if row.get("name") else text,
        text=text,
        status=status_of(row.get("status")),
        claim_type=types.get(type_key) if type_key else None,
        claimant=URIRef(str(row["claimant"])) if row.get("claimant") else None,
        claimant_name=str(row["claimantName"]) if row.get("claimantName") else None,
        claimed_on=claimed if isinstance(claimed, date) else None,
        deadline=deadline if isinstance(deadline, date) else None,
    )


def claim_page(graph: Graph, iri: URIRef, today: date, as_of: date | None = None) -> ClaimPage:
    """Build the claim page from the claim's neighbourhood graph (``queries.CLAIM_NEIGHBOURHOOD``)."""
    claim = Claim.from_graph(graph, iri)
    sources = {s: Source.from_graph(graph, s) for s in _typed(graph, SCHEMA.NewsArticle, SCHEMA.CreativeWork)}
    entities = {e: Entity.from_graph(graph, e) for e in _typed(graph, SCHEMA.Organization, SCHEMA.Person)}
    quotes = {q: Quote.from_graph(graph, q) for q in _typed(graph, CK.Quote)}
    events = sorted(
        (EvidenceEvent.from_graph(graph, e) for e in claim.evidence),
        key=lambda e: (e.when, str(e.iri)),
    )
    horizon = as_of or today
    known = [e for e in events if e.when <= horizon]
    timeline = []
    for index, event in enumerate(known):
        after = claim.derive_status(known[: index + 1], today=event.when)
        timeline.append(
            TimelineItem(
                event=event,
                stance=concepts.stances()[event.stance.value],
                source=sources.get(event.source) if event.source else None,
                quote=quotes.get(event.quote) if event.quote else None,
                actor=entities.get(event.actor) if event.actor else None,
                status_after=concepts.status(after),
            )
        )
    status = claim.derive_status(known, today=horizon)
    topics = [Topic.from_graph(graph, t) for t in claim.topics]
    media = [MediaObject.from_graph(graph, m) for m in claim.media if (m, CK.slug, None) in graph]
    return ClaimPage(
        claim=claim,
        status=concepts.status(status),
        claim_type=concepts.claim_types().get(claim.claim_type) or concepts.claim_types()["statement"],
        claimant=entities.get(claim.claimant),
        quotes=[(quotes[q], sources.get(quotes[q].source)) for q in claim.quotes if q in quotes],
        appearances=[sources[s] for s in claim.appearances if s in sources],
        first_appearance=sources.get(claim.first_appearance) if claim.first_appearance else None,
        timeline=timeline,
        about=[entities[e] for e in claim.about if e in entities],
        topics=sorted(topics, key=lambda t: t.label),
        publishers={e.iri: e for e in entities.values()},
        as_of=as_of,
        quoted_sources=len(set(graph.objects(None, OA.hasSource))),
        media=[
            MediaItem(
                media=m,
                kind_label=MEDIA_KINDS[m.kind],
                appeared_in=sources.get(m.appeared_in) if m.appeared_in else None,
                authenticity=AUTHENTICITY.get(m.authenticity) if m.authenticity else None,
            )
            for m in media
            if not m.retracted
        ],
    )


def page_sources(page: ClaimPage) -> list[Source]:
    """Every source the claim page shows (its quotes', its appearances, its evidence's, its media's)."""
    found = [source for _quote, source in page.quotes if source is not None]
    found += page.appearances
    found += [item.source for item in page.timeline if item.source is not None]
    found += [item.appeared_in for item in page.media if item.appeared_in is not None]
    if page.first_appearance is not None:
        found.append(page.first_appearance)
    return found


def source_page(graph: Graph, iri: URIRef, claims: list[tuple[ClaimSummary, str, str | None]]) -> SourcePage:
    from rdflib.namespace import PROV

    source = Source.from_graph(graph, iri)
    entities = {e: Entity.from_graph(graph, e) for e in _typed(graph, SCHEMA.Organization, SCHEMA.Person)}

    def walk(start: URIRef, forward: bool) -> list[Source]:
        seen: list[URIRef] = []
        frontier = [start]
        while frontier:
            nxt = []
            for node in frontier:
                linked = (
                    graph.objects(node, PROV.wasDerivedFrom) if forward else graph.subjects(PROV.wasDerivedFrom, node)
                )
                for other in sorted(o for o in linked if isinstance(o, URIRef)):
                    if other not in seen and other != start:
                        seen.append(other)
                        nxt.append(other)
            frontier = nxt
        return [Source.from_graph(graph, s) for s in seen]

    return SourcePage(
        source=source,
        publisher=entities.get(source.publisher) if source.publisher else None,
        ancestors=walk(iri, True),
        descendants=walk(iri, False),
        claims=claims,
        publishers=entities,
    )


def _typed(graph: Graph, *classes: URIRef) -> list[URIRef]:
    found: set[URIRef] = set()
    for cls in classes:
        found |= {s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}
    return sorted(found)
