"""The domain model: claims, sources, quotes, evidence events, entities, topics and media objects.

Plain dataclasses that read themselves from an rdflib graph and write themselves to one; no I/O.
IRIs are minted under the knowledge base's base IRI (see ``Iris``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD
from rdflib.term import Node

from claims.media import AUTHENTICITY, MEDIA_KINDS, authenticity_of
from claims.status import Stance, Status, TimelineEntry, derive_status
from claims.vocab import CK, CK_IRI, OA, SCHEMA


class Triples(Protocol):
    """Where ``to_graph`` puts triples: an rdflib ``Graph``, or a plain ``set`` (cheaper in bulk)."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object: ...


Into = TypeVar("Into", bound=Triples)

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
WIKIDATA_PREFIX = "http://www.wikidata.org/entity/"


def slugify(text: str, max_length: int = 60) -> str:
    """A readable, IRI-safe slug: ``"TikTok's US shop!"`` -> ``"tiktoks-us-shop"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['\u2019]", "", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-") or "item"


@dataclass(frozen=True)
class Iris:
    """Mints and recognises the IRIs of one knowledge base."""

    base: str

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            object.__setattr__(self, "base", self.base + "/")

    def claim(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}claims/{slug}")

    def source(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}sources/{slug}")

    def entity(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}entities/{slug}")

    def topic(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}topics/{slug}")

    def event(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}events/{slug}")

    def quote(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}quotes/{slug}")

    def media(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}media/{slug}")

    def upload(self, name: str) -> URIRef:
        """An uploaded file the site serves itself (a media object's frame or thumbnail), by its name."""
        return URIRef(f"{self.base}uploads/{name}")

    def revision(self, number: int) -> URIRef:
        return URIRef(f"{self.base}revisions/{number}")

    def agent(self, name: str) -> URIRef:
        return URIRef(f"{self.base}agents/{name}")

    def private_graph(self, name: str) -> URIRef:
        """A named graph never shown by the public SPARQL endpoint, pages or dumps (accounts...)."""
        return URIRef(f"{self.base}private/{name}")

    def editorial_graph(self, name: str) -> URIRef:
        """A private graph of the newsroom's unpublished work (drafts, the desk, their revisions)."""
        return URIRef(f"{self.base}private/editorial/{name}")

    def is_editorial(self, iri: str) -> bool:
        return str(iri).startswith(f"{self.base}private/editorial/")

    def is_private(self, iri: str) -> bool:
        return str(iri).startswith(f"{self.base}private/")

    @property
    def knowledge_base(self) -> URIRef:
        """The IRI of the knowledge base itself (it carries the revision counter)."""
        return URIRef(self.base)

    def kind_and_slug(self, iri: str) -> tuple[str, str] | None:
        """``http://base/claims/x`` -> ``("claims", "x")``; ``None`` for foreign IRIs."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base) :]
        kind, _, slug = rest.partition("/")
        return (kind, slug) if slug else None


def _one(graph: Graph, subject: URIRef, predicate: URIRef) -> object | None:
    value = graph.value(subject, predicate)
    return value.toPython() if isinstance(value, Literal) else value


def _str(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return None if value is None else str(value)


def _date(graph: Graph, subject: URIRef, predicate: URIRef) -> date | None:
    value = _one(graph, subject, predicate)
    return value if isinstance(value, date) else None


def _iris(graph: Graph, subject: URIRef, predicate: URIRef) -> list[URIRef]:
    return sorted(o for o in graph.objects(subject, predicate) if isinstance(o, URIRef))


def _date_literal(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


@dataclass
class Entity:
    """A person or organisation: a claimant, a publisher, or something a claim is about."""

    iri: URIRef
    slug: str
    name: str
    kind: str = "Organization"  # or "Person"
    wikidata: str | None = None  # a Q-identifier, e.g. "Q48938223"
    note: str | None = None
    retracted: bool = False

    @property
    def wikidata_iri(self) -> URIRef | None:
        return URIRef(WIKIDATA_PREFIX + self.wikidata) if self.wikidata else None

    def to_graph(self, graph: Into) -> Into:
        graph.add((self.iri, RDF.type, SCHEMA[self.kind]))
        graph.add((self.iri, CK.slug, Literal(self.slug)))
        graph.add((self.iri, SCHEMA.name, Literal(self.name)))
        if self.wikidata_iri:
            graph.add((self.iri, OWL.sameAs, self.wikidata_iri))
        if self.note:
            graph.add((self.iri, CK.note, Literal(self.note)))
        if self.retracted:
            graph.add((self.iri, CK.retracted, Literal(True)))
        return graph

    @classmethod
    def from_graph(cls, graph: Graph, iri: URIRef) -> Entity:
        kind = "Person" if (iri, RDF.type, SCHEMA.Person) in graph else "Organization"
        same = [str(o) for o in graph.objects(iri, OWL.sameAs) if str(o).startswith(WIKIDATA_PREFIX)]
        return cls(
            iri=iri,
            slug=_str(graph, iri, CK.slug) or "",
            name=_str(graph, iri, SCHEMA.name) or str(iri),
            kind=kind,
            wikidata=same[0].removeprefix(WIKIDATA_PREFIX) if same else None,
            note=_str(graph, iri, CK.note),
            retracted=bool(_one(graph, iri, CK.retracted)),
        )


@dataclass
class Topic:
    iri: URIRef
    slug: str
    label: str

    def to_graph(self, graph: Into) -> Into:
        graph.add((self.iri, RDF.type, SKOS.Concept))
        graph.add((self.iri, CK.slug, Literal(self.slug)))
        graph.add((self.iri, SKOS.prefLabel, Literal(self.label)))
        return graph

    @classmethod
    def from_graph(cls, graph: Graph, iri: URIRef) -> Topic:
        label = graph.value(iri, SKOS.prefLabel)
        return cls(iri=iri, slug=_str(graph, iri, CK.slug) or "", label=str(label) if label else str(iri))


@dataclass
class Quote:
    """A passage of a source, found again by its exact words (a Web Annotation TextQuoteSelector)
    and, where the source's text is known, by its place in it (a TextPositionSelector: character
    offsets, ``start`` included, ``end`` excluded)."""

    iri: URIRef
    source: URIRef
    exact: str
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    language: str | None = None  # BCP 47 tag of the quoted words (schema:inLanguage); None: not recorded

    @property
    def selector(self) -> URIRef:
        return URIRef(f"{self.iri}/selector")

    @property
    def position_selector(self) -> URIRef:
        return URIRef(f"{self.iri}/position")

    def to_graph(self, graph: Into) -> Into:
        graph.add((self.iri, RDF.type, CK.Quote))
        graph.add((self.iri, RDF.type, OA.SpecificResource))
        if self.source:
            graph.add((self.iri, OA.hasSource, self.source))
        graph.add((self.iri, OA.hasSelector, self.selector))
        graph.add((self.selector, RDF.type, OA.TextQuoteSelector))
        graph.add((self.selector, OA.exact, Literal(self.exact)))
        if self.prefix:
            graph.add((self.selector, OA.prefix, Literal(self.prefix)))
        if self.suffix:
            graph.add((self.selector, OA.suffix, Literal(self.suffix)))
        if self.start is not None and self.end is not None:
            graph.add((self.iri, OA.hasSelector, self.position_selector))
            graph.add((self.position_selector, RDF.type, OA.TextPositionSelector))
            graph.add((self.position_selector, OA.start, Literal(self.start)))
            graph.add((self.position_selector, OA.end, Literal(self.end)))
        if self.language:
            graph.add((self.iri, SCHEMA.inLanguage, Literal(self.language)))
        return graph

    @classmethod
    def from_graph(cls, graph: Graph, iri: URIRef) -> Quote:
        source = graph.value(iri, OA.hasSource)
        exact = prefix = suffix = None
        start = end = None
        # A quote may have two selectors of the same passage: its words, and its place in the text.
        for selector in graph.objects(iri, OA.hasSelector):
            if not isinstance(selector, URIRef):
                continue
            if (selector, OA.exact, None) in graph:
                exact = _str(graph, selector, OA.exact)
                prefix = _str(graph, selector, OA.prefix)
                suffix = _str(graph, selector, OA.suffix)
            elif (selector, OA.start, None) in graph:
                begin, finish = _one(graph, selector, OA.start), _one(graph, selector, OA.end)
                if isinstance(begin, int) and isinstance(finish, int):
                    start, end = begin, finish
        return cls(
            iri=iri,
            source=source if isinstance(source, URIRef) else URIRef(""),
            exact=exact or "",
            prefix=prefix,
            suffix=suffix,
            start=start,
            end=end,
            language=_str(graph, iri, SCHEMA.inLanguage),
        )


@dataclass
class Source:
    """A document a claim appeared in or evidence came from: a news article or another work."""

    iri: URIRef
    slug: str
    headline: str
    url: str | None = None
    publisher: URIRef | None = None
    published: date | None = None
    derived_from: list[URIRef] = field(default_factory=list)
    derivation_kind: str | None = None
    note: str | None = None
    kind: str = "NewsArticle"  # or "CreativeWork"
    retracted: bool = False
    language: str | None = None  # BCP 47 tag (schema:inLanguage); None: not recorded
    archived_at: str | None = None  # an archived copy's address (schema:archivedAt); None: none recorded
    content_hash: str | None = None  # "sha256:<hex>" of the text the quotes were taken from (ck:contentHash)

    def to_graph(self, graph: Into) -> Into:
        graph.add((self.iri, RDF.type, SCHEMA[self.kind]))
        graph.add((self.iri, CK.slug, Literal(self.slug)))
        graph.add((self.iri, SCHEMA.headline, Literal(self.headline)))
        if self.url:
            graph.add((self.iri, SCHEMA.url, URIRef(self.url)))
        if self.publisher:
            graph.add((self.iri, SCHEMA.publisher, self.publisher))
        if self.published:
            graph.add((self.iri, SCHEMA.datePublished, _date_literal(self.published)))
        for parent in self.derived_from:
            graph.add((self.iri, PROV.wasDerivedFrom, parent))
        if self.derivation_kind:
            graph.add((self.iri, CK.derivationKind, Literal(self.derivation_kind)))
        if self.note:
            graph.add((self.iri, CK.note, Literal(self.note)))
        if self.retracted:
            graph.add((self.iri, CK.retracted, Literal(True)))
        if self.language:
            graph.add((self.iri, SCHEMA.inLanguage, Literal(self.language)))
        if self.archived_at:
            graph.add((self.iri, SCHEMA.archivedAt, URIRef(self.archived_at)))
        if self.content_hash:
            graph.add((self.iri, CK.contentHash, Literal(self.content_hash)))
        return graph

    @classmethod
    def from_graph(cls, graph: Graph, iri: URIRef) -> Source:
        url = graph.value(iri, SCHEMA.url)
        archived = graph.value(iri, SCHEMA.archivedAt)
        publisher = graph.value(iri, SCHEMA.publisher)
        return cls(
            iri=iri,
            slug=_str(graph, iri, CK.slug) or "",
            headline=_str(graph, iri, SCHEMA.headline) or str(iri),
            url=str(url) if url is not None else None,
            publisher=publisher if isinstance(publisher, URIRef) else None,
            published=_date(graph, iri, SCHEMA.datePublished),
            derived_from=_iris(graph, iri, PROV.wasDerivedFrom),
            derivation_kind=_str(graph, iri, CK.derivationKind),
            note=_str(graph, iri, CK.note),
            kind="NewsArticle" if (iri, RDF.type, SCHEMA.NewsArticle) in graph else "CreativeWork",
            retracted=bool(_one(graph, iri, CK.retracted)),
            language=_str(graph, iri, SCHEMA.inLanguage),
            archived_at=str(archived) if archived is not None else None,
            content_hash=_str(graph, iri, CK.contentHash),
        )


@dataclass
class EvidenceEvent:
    """Something that happened in the world, on a date, that bears on a claim."""

    iri: URIRef
    when: date
    stance: Stance
    title: str | None = None
    precision: str = "day"  # "day", "month" or "year"
    actor: URIRef | None = None
    source: URIRef | None = None
    quote: URIRef | None = None
    note: str | None = None
    retracted: bool = False

    @property
    def timeline_entry(self) -> TimelineEntry:
        return TimelineEntry(when=self.when, stance=self.stance, retracted=self.retracted)

    def to_graph(self, graph: Into) -> Into:
        graph.add((self.iri, RDF.type, CK.EvidenceEvent))
        graph.add((self.iri, DCTERMS.date, _date_literal(self.when)))
        graph.add((self.iri, CK.stance, self.stance.iri))
        if self.precision != "day":
            graph.add((self.iri, CK.datePrecision, Literal(self.precision)))
        if self.title:
            graph.add((self.iri, SCHEMA.name, Literal(self.title)))
        if self.actor:
            graph.add((self.iri, CK.actor, self.actor))
        if self.source:
            graph.add((self.iri, CK.source, self.source))
        if self.quote:
            graph.add((self.iri, CK.quote, self.quote))
        if self.note:
            graph.add((self.iri, CK.note, Literal(self.note)))
        if self.retracted:
            graph.add((self.iri, CK.retracted, Literal(True)))
        return graph

    @classmethod
    def from_graph(cls, graph: Graph, iri: URIRef) -> EvidenceEvent:
        stance = graph.value(iri, CK.stance)
        # An event can name several actors (the seed has one with two); the first by IRI is shown, so
        # that every store (whatever order it keeps triples in) shows the same one.
        actor = min(graph.objects(iri, CK.actor), key=str, default=None)
        source = graph.value(iri, CK.source)
        quote = graph.value(iri, CK.quote)
        return cls(
            iri=iri,
            when=_date(graph, iri, DCTERMS.date) or date.min,
            stance=Stance(str(stance).removeprefix(CK_IRI)) if stance else Stance.CONTEXT,
            title=_str(graph, iri, SCHEMA.name),
            precision=_str(graph, iri, CK.datePrecision) or "day",
            actor=actor if isinstance(actor, URIRef) else None,
            source=source if isinstance(source, URIRef) else None,
            quote=quote if isinstance(quote, URIRef) else None,
            note=_str(graph, iri, CK.note),
            retracted=bool(_one(graph, iri, CK.retracted)),
        )


@dataclass
class Claim:
    """Something someone asserted, where it appeared, and the evidence on it."""

    iri: URIRef
    slug: str
    text: str
    claim_type: str  # a ck:ClaimTypeScheme notation: statement, prediction, rumour, denial, attribution
    claimant: URIRef
    name: str | None = None
    claimed_on: date | None = None
    deadline: date | None = None
    about: list[URIRef] = field(default_factory=list)
    topics: list[URIRef] = field(default_factory=list)
    first_appearance: URIRef | None = None
    appearances: list[URIRef] = field(default_factory=list)
    quotes: list[URIRef] = field(default_factory=list)
    evidence: list[URIRef] = field(default_factory=list)
    note: str | None = None
    status: Status | None = None
    version: int = 0
    retracted: bool = False
    language: str | None = None  # BCP 47 tag (schema:inLanguage); None: not recorded
    # The same claim, made elsewhere (ck:sameClaimAs): symmetric, stored on one of the two claims
    # only (the one whose revision linked them), read both ways by the pages.
    same_as: list[URIRef] = field(default_factory=list)
    media: list[URIRef] = field(default_factory=list)  # photos, videos, audio that make the claim (ck:media)

    @property
    def is_prediction(self) -> bool:
        return self.claim_type == "prediction"

    def derive_status(self, events: list[EvidenceEvent], today: date) -> Status:
        return derive_status(
            (e.timeline_entry for e in events),
            is_prediction=self.is_prediction,
            deadline=self.deadline,
            today=today,
        )

    def to_graph(self, graph: Into) -> Into:
        """The claim's own triples (without ``ck:version``, which the repository keeps)."""
        graph.add((self.iri, RDF.type, SCHEMA.Claim))
        graph.add((self.iri, CK.slug, Literal(self.slug)))
        graph.add((self.iri, SCHEMA.text, Literal(self.text)))
        if self.name:
            graph.add((self.iri, SCHEMA.name, Literal(self.name)))
        graph.add((self.iri, CK.claimType, CK[self.claim_type]))
        if self.claimant:  # a stored claim read without one (``from_graph``) stays without
            graph.add((self.iri, SCHEMA.author, self.claimant))
        if self.claimed_on:
            graph.add((self.iri, SCHEMA.datePublished, _date_literal(self.claimed_on)))
        if self.deadline:
            graph.add((self.iri, CK.deadline, _date_literal(self.deadline)))
        for iri in self.about:
            graph.add((self.iri, SCHEMA.about, iri))
        for iri in self.topics:
            graph.add((self.iri, DCTERMS.subject, iri))
        if self.first_appearance:
            graph.add((self.iri, SCHEMA.firstAppearance, self.first_appearance))
        for iri in self.appearances:
            graph.add((self.iri, SCHEMA.appearance, iri))
        for iri in self.quotes:
            graph.add((self.iri, CK.quote, iri))
        for iri in self.evidence:
            graph.add((self.iri, CK.evidence, iri))
        if self.note:
            graph.add((self.iri, CK.note, Literal(self.note)))
        if self.status:
            graph.add((self.iri, CK.status, self.status.iri))
        if self.retracted:
            graph.add((self.iri, CK.retracted, Literal(True)))
        if self.language:
            graph.add((self.iri, SCHEMA.inLanguage, Literal(self.language)))
        for iri in self.same_as:
            graph.add((self.iri, CK.sameClaimAs, iri))
        for iri in self.media:
            graph.add((self.iri, CK.media, iri))
        return graph

    @classmethod
    def from_graph(cls, graph: Graph, iri: URIRef) -> Claim:
        claim_type = graph.value(iri, CK.claimType)
        claimant = graph.value(iri, SCHEMA.author)
        status = graph.value(iri, CK.status)
        first = graph.value(iri, SCHEMA.firstAppearance)
        version = _one(graph, iri, CK.version)
        return cls(
            iri=iri,
            slug=_str(graph, iri, CK.slug) or "",
            text=_str(graph, iri, SCHEMA.text) or "",
            name=_str(graph, iri, SCHEMA.name),
            claim_type=str(claim_type).removeprefix(CK_IRI) if claim_type else "statement",
            claimant=claimant if isinstance(claimant, URIRef) else URIRef(""),
            claimed_on=_date(graph, iri, SCHEMA.datePublished),
            deadline=_date(graph, iri, CK.deadline),
            about=_iris(graph, iri, SCHEMA.about),
            topics=_iris(graph, iri, DCTERMS.subject),
            first_appearance=first if isinstance(first, URIRef) else None,
            appearances=_iris(graph, iri, SCHEMA.appearance),
            quotes=_iris(graph, iri, CK.quote),
            evidence=_iris(graph, iri, CK.evidence),
            note=_str(graph, iri, CK.note),
            status=Status.from_iri(str(status)) if status else None,
            version=version if isinstance(version, int) else 0,
            retracted=bool(_one(graph, iri, CK.retracted)),
            language=_str(graph, iri, SCHEMA.inLanguage),
            same_as=_iris(graph, iri, CK.sameClaimAs),
            media=_iris(graph, iri, CK.media),
        )


@dataclass
class MediaObject:
    """A photo, video or audio clip that makes a claim, with its assessment (a schema.org MediaReview).

    ``content_url`` is where the media itself is (the post, the file); ``sha256`` the hex SHA-256 of
    its content as the editor fetched it; ``appeared_in`` the source it appeared in and ``uploaded_on``
    when it was posted there; ``thumbnail`` a frame or thumbnail the site serves itself (an upload,
    ``Iris.upload``). The assessment — ``authenticity``, a key of ``claims.media.AUTHENTICITY``, and a
    Markdown ``assessment`` — is written as the MediaReview node ``{iri}/review`` (a part of the
    media object, versioned with it); without an authenticity category there is no review yet.
    """

    iri: URIRef
    slug: str
    name: str  # what it shows, in our words (also the thumbnail's alternative text)
    kind: str = "ImageObject"  # a key of claims.media.MEDIA_KINDS
    content_url: str | None = None
    sha256: str | None = None
    appeared_in: URIRef | None = None
    uploaded_on: date | None = None
    thumbnail: URIRef | None = None
    authenticity: str | None = None
    assessment: str | None = None
    retracted: bool = False

    @property
    def review(self) -> URIRef:
        return URIRef(f"{self.iri}/review")

    @property
    def thumbnail_name(self) -> str | None:
        """The uploaded file's name (``<sha256>.<ext>``), the last segment of its IRI."""
        return str(self.thumbnail).rsplit("/", 1)[1] if self.thumbnail else None

    def to_graph(self, graph: Into) -> Into:
        graph.add((self.iri, RDF.type, SCHEMA[self.kind]))
        graph.add((self.iri, CK.slug, Literal(self.slug)))
        graph.add((self.iri, SCHEMA.name, Literal(self.name)))
        if self.content_url:
            graph.add((self.iri, SCHEMA.contentUrl, URIRef(self.content_url)))
        if self.sha256:
            graph.add((self.iri, SCHEMA.sha256, Literal(self.sha256)))
        if self.appeared_in:
            graph.add((self.iri, SCHEMA.associatedArticle, self.appeared_in))
        if self.uploaded_on:
            graph.add((self.iri, SCHEMA.uploadDate, _date_literal(self.uploaded_on)))
        if self.thumbnail:
            graph.add((self.iri, SCHEMA.thumbnailUrl, self.thumbnail))
        if self.retracted:
            graph.add((self.iri, CK.retracted, Literal(True)))
        if self.authenticity:
            graph.add((self.iri, SCHEMA.review, self.review))
            graph.add((self.review, RDF.type, SCHEMA.MediaReview))
            graph.add((self.review, SCHEMA.itemReviewed, self.iri))
            graph.add((self.review, SCHEMA.mediaAuthenticityCategory, AUTHENTICITY[self.authenticity].iri))
            if self.assessment:
                graph.add((self.review, CK.note, Literal(self.assessment)))
        return graph

    @classmethod
    def from_graph(cls, graph: Graph, iri: URIRef) -> MediaObject:
        kind = next((k for k in MEDIA_KINDS if (iri, RDF.type, SCHEMA[k]) in graph), "ImageObject")
        review = URIRef(f"{iri}/review")
        category = authenticity_of(graph.value(review, SCHEMA.mediaAuthenticityCategory))
        content_url = graph.value(iri, SCHEMA.contentUrl)
        appeared_in = graph.value(iri, SCHEMA.associatedArticle)
        thumbnail = graph.value(iri, SCHEMA.thumbnailUrl)
        return cls(
            iri=iri,
            slug=_str(graph, iri, CK.slug) or "",
            name=_str(graph, iri, SCHEMA.name) or "",
            kind=kind,
            content_url=str(content_url) if content_url is not None else None,
            sha256=_str(graph, iri, SCHEMA.sha256),
            appeared_in=appeared_in if isinstance(appeared_in, URIRef) else None,
            uploaded_on=_date(graph, iri, SCHEMA.uploadDate),
            thumbnail=thumbnail if isinstance(thumbnail, URIRef) else None,
            authenticity=category.key if category else None,
            assessment=_str(graph, review, CK.note),
            retracted=bool(_one(graph, iri, CK.retracted)),
        )
