"""Editing the knowledge base: the operations behind the editor's forms and the JSON API.

Each operation takes plain submitted values (strings, lists of strings), checks them field by field,
builds the new descriptions of the resources it changes, re-derives the status of every claim whose
evidence it touches, checks the SHACL shapes on those descriptions, and writes the difference as one
revision. Problems come back as ``ValidationFailed`` with ``details["fields"]`` (field -> messages),
so a form can show each message next to its field; nothing is written then. A save that started from
an older version of a resource than the current one is refused with ``ConflictError`` naming the
revisions made meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from claims import concepts
from claims.model import WIKIDATA_PREFIX, WIKIDATA_RE, Claim, EvidenceEvent, slugify
from claims.validation import check_shapes
from claims.vocab import CK, OA, SCHEMA
from kb import queries
from kb.errors import ConflictError, NotFound
from kb.knowledge import KnowledgeBase
from kb.read.history import History, diff_json, shorten, without
from kb.write.loading import context_types
from kb.write.repository import Change, RevisionInfo, diff
from kb.write.submitted import (
    CLAIM_TYPES,
    DERIVATION_KINDS,
    ENTITY_KINDS,
    MAX_CONTEXT,
    MAX_HEADLINE,
    MAX_NAME,
    MAX_QUOTE,
    MAX_REASON,
    MAX_TITLE,
    PRECISIONS,
    SOURCE_KINDS,
    STANCES,
    Reader,
    invalid,
    stem,
)

# Which form field a shape's property path belongs to, per kind of resource.
FIELD_OF_PATH: dict[str, dict[str, str]] = {
    "claims": {
        "text": "text",
        "name": "name",
        "claimType": "claim_type",
        "author": "claimant",
        "datePublished": "claimed_on",
        "deadline": "deadline",
        "about": "about",
        "subject": "topics",
        "note": "note",
        "slug": "name",
    },
    "sources": {
        "headline": "headline",
        "url": "url",
        "publisher": "publisher",
        "datePublished": "published",
        "wasDerivedFrom": "derived_from",
        "derivationKind": "derivation_kind",
        "note": "note",
        "slug": "headline",
    },
    "events": {
        "date": "date",
        "stance": "stance",
        "datePrecision": "precision",
        "name": "title",
        "actor": "actor",
        "source": "source",
        "note": "note",
    },
    "entities": {"name": "name", "sameAs": "wikidata", "slug": "name", "note": "note"},
    "quotes": {"exact": "quote_exact", "prefix": "quote_prefix", "suffix": "quote_suffix", "hasSource": "source"},
}

# Properties each form controls; everything else in a description is kept as it is.
CLAIM_FIELDS = (
    SCHEMA.text,
    SCHEMA.name,
    CK.claimType,
    SCHEMA.author,
    SCHEMA.datePublished,
    CK.deadline,
    SCHEMA.about,
    DCTERMS.subject,
    CK.note,
)
SOURCE_FIELDS = (
    RDF.type,
    SCHEMA.headline,
    SCHEMA.url,
    SCHEMA.publisher,
    SCHEMA.datePublished,
    PROV.wasDerivedFrom,
    CK.derivationKind,
    CK.note,
)
EVENT_FIELDS = (DCTERMS.date, CK.datePrecision, CK.stance, SCHEMA.name, CK.actor, CK.source, CK.quote, CK.note)
ENTITY_FIELDS = (RDF.type, SCHEMA.name, OWL.sameAs, CK.note)


def _date_literal(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


class Editor:
    """The editing operations of one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.repo = kb.repository
        self.iris = kb.iris
        self.store = kb.store
        self.history = History(kb)

    # --- lookups ----------------------------------------------------------------------------

    def _exists(self, iri: URIRef) -> bool:
        return self.store.ask(queries.EXISTS, {"s": iri})

    def _has_type(self, iri: URIRef, *types: URIRef) -> bool:
        return any(row["t"] in types for row in self.store.select(queries.TYPES_OF, {"s": iri}))

    def _require(self, iri: URIRef, *types: URIRef, what: str) -> Graph:
        graph = self.repo.describe([iri])
        if not any((iri, RDF.type, t) in graph for t in types):
            raise NotFound(f"There is no {what} at {iri}.")
        return graph

    def _fresh_slug(self, mint: Any, text: str) -> str:
        base = slugify(text, 50)
        slug, n = base, 1
        while self._exists(mint(slug)):
            n += 1
            slug = f"{base}-{n}"
        return slug

    def label(self, iri: URIRef) -> str:
        return self.history.label(iri)

    def version_of(self, iri: URIRef) -> int:
        return self.repo.versions([iri])[iri]

    def _entity_ref(
        self, r: Reader, field_name: str, new_name_field: str, new_kind_field: str, new: dict[URIRef, Graph]
    ) -> URIRef | None:
        """An existing entity picked by slug, or one created inline from a name."""
        new_name = r.text(new_name_field, limit=MAX_NAME, label="The new entity's name")
        slug = r.slug(field_name, label="The entity")
        if new_name:
            kind = r.choice(new_kind_field, ENTITY_KINDS, required=False, label="The kind") or "Organization"
            iri = self.iris.entity(self._fresh_slug(self.iris.entity, new_name))
            graph = Graph()
            graph.add((iri, RDF.type, SCHEMA[kind]))
            graph.add((iri, CK.slug, Literal(iri.rsplit("/", 1)[1])))
            graph.add((iri, SCHEMA.name, Literal(new_name)))
            new[iri] = graph
            return iri
        if slug is None:
            return None
        iri = self.iris.entity(slug)
        if not self._has_type(iri, SCHEMA.Organization, SCHEMA.Person):
            r.problems.add(field_name, f"There is no person or organisation called “{slug}”.")
            return None
        return iri

    def _source_ref(self, r: Reader, field_name: str, label: str) -> URIRef | None:
        slug = r.slug(field_name, label=label)
        if slug is None:
            return None
        iri = self.iris.source(slug)
        if not self._has_type(iri, SCHEMA.NewsArticle, SCHEMA.CreativeWork):
            r.problems.add(field_name, f"There is no source called “{slug}”.")
            return None
        return iri

    def _quote(self, r: Reader, source: URIRef | None, stem: str, new: dict[URIRef, Graph]) -> URIRef | None:
        exact = r.text("quote_exact", limit=MAX_QUOTE, label="The quote")
        prefix = r.text("quote_prefix", limit=MAX_CONTEXT, label="The words before")
        suffix = r.text("quote_suffix", limit=MAX_CONTEXT, label="The words after")
        if not exact:
            if prefix or suffix:
                r.problems.add("quote_exact", "Give the quoted words themselves, not only their context.")
            return None
        if source is None:
            r.problems.add("quote_exact", "A quote needs the source it is taken from.")
            return None
        iri = self.iris.quote(self._fresh_slug(self.iris.quote, stem))
        selector = URIRef(f"{iri}/selector")
        graph = Graph()
        graph.add((iri, RDF.type, CK.Quote))
        graph.add((iri, RDF.type, OA.SpecificResource))
        graph.add((iri, OA.hasSource, source))
        graph.add((iri, OA.hasSelector, selector))
        graph.add((selector, RDF.type, OA.TextQuoteSelector))
        graph.add((selector, OA.exact, Literal(exact)))
        if prefix:
            graph.add((selector, OA.prefix, Literal(prefix)))
        if suffix:
            graph.add((selector, OA.suffix, Literal(suffix)))
        new[iri] = graph
        return iri

    # --- claims -----------------------------------------------------------------------------

    def claim_values(self, slug: str) -> dict[str, Any]:
        """The claim's current values, by form field, with its version."""
        iri = self.iris.claim(slug)
        graph = self._require(iri, SCHEMA.Claim, what="claim")
        claim = Claim.from_graph(graph, iri)
        return {
            "slug": claim.slug,
            "text": claim.text,
            "name": claim.name or "",
            "claim_type": claim.claim_type,
            "claimant": self._slug_of(claim.claimant),
            "claimed_on": claim.claimed_on.isoformat() if claim.claimed_on else "",
            "deadline": claim.deadline.isoformat() if claim.deadline else "",
            "about": [self._slug_of(e) for e in claim.about],
            "topics": [self._slug_of(t) for t in claim.topics],
            "note": claim.note or "",
            "status": claim.status.value if claim.status else None,
            "retracted": claim.retracted,
            "version": claim.version,
        }

    def _slug_of(self, iri: URIRef) -> str:
        kind_slug = self.iris.kind_and_slug(str(iri))
        return kind_slug[1] if kind_slug else str(iri)

    def _claim_fields(self, r: Reader, iri: URIRef, base: Graph, new: dict[URIRef, Graph]) -> Graph:
        text = r.text("text", required=True, label="The claim")
        name = r.text("name", limit=MAX_NAME, label="The short name")
        claim_type = r.choice("claim_type", CLAIM_TYPES, label="The claim type")
        claimant = self._entity_ref(r, "claimant", "new_claimant_name", "new_claimant_kind", new)
        if claimant is None and "claimant" not in r.problems.fields and "new_claimant_name" not in r.problems.fields:
            r.problems.add("claimant", "Who made the claim? Pick a claimant or give a new one's name.")
        claimed_on = r.day("claimed_on", label="The date claimed")
        deadline = r.day("deadline", label="The deadline")
        if claim_type == "prediction" and deadline is None and "deadline" not in r.problems.fields:
            r.problems.add("deadline", "A prediction needs a deadline: the date by which it says something happens.")
        about = []
        for slug in r.slugs("about", label="About"):
            entity = self.iris.entity(slug)
            if self._has_type(entity, SCHEMA.Organization, SCHEMA.Person):
                about.append(entity)
            else:
                r.problems.add("about", f"There is no person or organisation called “{slug}”.")
        topics = []
        for slug in r.slugs("topics", label="Topics"):
            topic = self.iris.topic(slug)
            if self._has_type(topic, SKOS.Concept):
                topics.append(topic)
            else:
                r.problems.add("topics", f"There is no topic called “{slug}”.")
        note = r.markdown("note")
        graph = without(base, iri, CLAIM_FIELDS)
        if text:
            graph.add((iri, SCHEMA.text, Literal(text)))
        if name:
            graph.add((iri, SCHEMA.name, Literal(name)))
        if claim_type:
            graph.add((iri, CK.claimType, CK[claim_type]))
        if claimant:
            graph.add((iri, SCHEMA.author, claimant))
        if claimed_on:
            graph.add((iri, SCHEMA.datePublished, _date_literal(claimed_on)))
        if deadline:
            graph.add((iri, CK.deadline, _date_literal(deadline)))
        for entity in about:
            graph.add((iri, SCHEMA.about, entity))
        for topic in topics:
            graph.add((iri, DCTERMS.subject, topic))
        if note:
            graph.add((iri, CK.note, Literal(note)))
        return graph

    def create_claim(self, data: Mapping[str, Any], *, agent: URIRef) -> tuple[URIRef, RevisionInfo]:
        r = Reader(data)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        iri = self.iris.claim(self._fresh_slug(self.iris.claim, stem(data, "name", "text")))
        base = Graph()
        base.add((iri, RDF.type, SCHEMA.Claim))
        base.add((iri, CK.slug, Literal(iri.rsplit("/", 1)[1])))
        new: dict[URIRef, Graph] = {}
        new[iri] = self._claim_fields(r, iri, base, new)
        r.problems.raise_if_any()
        info = self._save(new, {iri}, {iri: 0}, agent, reason, "Added a claim", status_needs_reason=False)
        assert info is not None
        return iri, info

    def edit_claim(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.claim(slug)
        current = self._require(iri, SCHEMA.Claim, what="claim")
        r = Reader(data)
        version = self._expected_version(r)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        new: dict[URIRef, Graph] = {}
        new[iri] = self._claim_fields(r, iri, current, new)
        r.problems.raise_if_any()
        return self._save(new, {iri}, {iri: version}, agent, reason, "Edited the claim")

    def _expected_version(self, r: Reader) -> int:
        version = r.version()
        if version is None and "version" not in r.problems.fields:
            r.problems.add("version", "An edit must say which version it started from (the version field).")
        return version or 0

    # --- retracting ---------------------------------------------------------------------------

    def retract(self, kind: str, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        """Mark a claim, source, evidence event or entity as withdrawn; it is kept, never deleted."""
        mint, types, what = self._kind(kind)
        iri = mint(slug)
        current = self._require(iri, *types, what=what)
        r = Reader(data)
        version = self._expected_version(r)
        reason = r.text("reason", required=True, limit=MAX_REASON, label="The reason")
        r.problems.raise_if_any()
        graph = without(current, iri, [CK.retracted])
        graph.add((iri, CK.retracted, Literal(True)))
        claims = self._claims_of_event(iri) if kind == "events" else ({iri} if kind == "claims" else set())
        return self._save({iri: graph}, claims, {iri: version}, agent, reason, f"Withdrew the {what}")

    def _kind(self, kind: str) -> tuple[Any, tuple[URIRef, ...], str]:
        kinds = {
            "claims": (self.iris.claim, (SCHEMA.Claim,), "claim"),
            "sources": (self.iris.source, (SCHEMA.NewsArticle, SCHEMA.CreativeWork), "source"),
            "events": (self.iris.event, (CK.EvidenceEvent,), "evidence event"),
            "entities": (self.iris.entity, (SCHEMA.Organization, SCHEMA.Person), "entity"),
        }
        if kind not in kinds:
            raise NotFound(f"“{kind}” cannot be withdrawn.")
        return kinds[kind]

    def _claims_of_event(self, event: URIRef) -> set[URIRef]:
        return {URIRef(str(row["claim"])) for row in self.store.select(queries.CLAIMS_OF_EVENT, {"event": event})}

    # --- sources and quotes -------------------------------------------------------------------

    def source_values(self, slug: str) -> dict[str, Any]:
        iri = self.iris.source(slug)
        graph = self._require(iri, SCHEMA.NewsArticle, SCHEMA.CreativeWork, what="source")
        from claims.model import Source

        source = Source.from_graph(graph, iri)
        return {
            "slug": source.slug,
            "headline": source.headline,
            "url": source.url or "",
            "kind": source.kind,
            "publisher": self._slug_of(source.publisher) if source.publisher else "",
            "published": source.published.isoformat() if source.published else "",
            "derived_from": self._slug_of(source.derived_from[0]) if source.derived_from else "",
            "derivation_kind": source.derivation_kind or "",
            "note": source.note or "",
            "retracted": (iri, CK.retracted, Literal(True)) in graph,
            "version": self.version_of(iri),
        }

    def _source_fields(self, r: Reader, iri: URIRef, base: Graph, new: dict[URIRef, Graph]) -> Graph:
        headline = r.text("headline", required=True, limit=MAX_HEADLINE, label="The headline")
        url = r.url("url")
        kind = r.choice("kind", SOURCE_KINDS, required=False, label="The kind") or "NewsArticle"
        publisher = self._entity_ref(r, "publisher", "new_publisher_name", "new_publisher_kind", new)
        published = r.day("published", label="The publication date")
        derived_from = self._source_ref(r, "derived_from", "Derived from")
        if derived_from == iri:
            r.problems.add("derived_from", "A source cannot derive from itself.")
        derivation_kind = r.choice("derivation_kind", DERIVATION_KINDS, required=False, label="How it derives")
        if derivation_kind and not derived_from and "derived_from" not in r.problems.fields:
            r.problems.add("derived_from", "Say which source it derives from.")
        note = r.markdown("note")
        graph = without(base, iri, SOURCE_FIELDS)
        graph.add((iri, RDF.type, SCHEMA[kind]))
        if headline:
            graph.add((iri, SCHEMA.headline, Literal(headline)))
        if url:
            graph.add((iri, SCHEMA.url, URIRef(url)))
        if publisher:
            graph.add((iri, SCHEMA.publisher, publisher))
        if published:
            graph.add((iri, SCHEMA.datePublished, _date_literal(published)))
        if derived_from and derived_from != iri:
            graph.add((iri, PROV.wasDerivedFrom, derived_from))
        if derivation_kind:
            graph.add((iri, CK.derivationKind, Literal(derivation_kind)))
        if note:
            graph.add((iri, CK.note, Literal(note)))
        return graph

    def add_source(
        self, data: Mapping[str, Any], *, agent: URIRef, claim_slug: str | None = None
    ) -> tuple[URIRef, RevisionInfo]:
        """A new source, with a quote from it; from a claim, it also records where the claim appeared."""
        r = Reader(data)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        new: dict[URIRef, Graph] = {}
        iri = self.iris.source(self._fresh_slug(self.iris.source, stem(data, "headline")))
        base = Graph()
        base.add((iri, CK.slug, Literal(iri.rsplit("/", 1)[1])))
        new[iri] = self._source_fields(r, iri, base, new)
        expected = {iri: 0}
        claims: set[URIRef] = set()
        if claim_slug is not None:
            claim = self.iris.claim(claim_slug)
            current = self._require(claim, SCHEMA.Claim, what="claim")
            expected[claim] = self._expected_version(r)
            quote = self._quote(r, iri, f"{claim_slug}-{iri.rsplit('/', 1)[1]}", new)
            graph = without(current, claim, [])
            graph.add((claim, SCHEMA.appearance, iri))
            if not any(current.objects(claim, SCHEMA.firstAppearance)):
                graph.add((claim, SCHEMA.firstAppearance, iri))
            if quote:
                graph.add((claim, CK.quote, quote))
            new[claim] = graph
            claims.add(claim)
        r.problems.raise_if_any()
        info = self._save(new, claims, expected, agent, reason, "Added a source")
        assert info is not None
        return iri, info

    def edit_source(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.source(slug)
        current = self._require(iri, SCHEMA.NewsArticle, SCHEMA.CreativeWork, what="source")
        r = Reader(data)
        version = self._expected_version(r)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        new: dict[URIRef, Graph] = {}
        new[iri] = self._source_fields(r, iri, current, new)
        r.problems.raise_if_any()
        return self._save(new, set(), {iri: version}, agent, reason, "Edited the source")

    # --- evidence events ----------------------------------------------------------------------

    def event_values(self, slug: str) -> dict[str, Any]:
        iri = self.iris.event(slug)
        graph = self._require(iri, CK.EvidenceEvent, what="evidence event")
        event = EvidenceEvent.from_graph(graph, iri)
        claims = sorted(self._claims_of_event(iri))
        return {
            "slug": slug,
            "claim": self._slug_of(claims[0]) if claims else "",
            "date": event.when.isoformat(),
            "precision": event.precision,
            "stance": event.stance.value,
            "title": event.title or "",
            "actor": self._slug_of(event.actor) if event.actor else "",
            "source": self._slug_of(event.source) if event.source else "",
            "quote": str(event.quote) if event.quote else "",
            "note": event.note or "",
            "retracted": event.retracted,
            "version": self.version_of(iri),
        }

    def _event_fields(self, r: Reader, iri: URIRef, base: Graph, new: dict[URIRef, Graph], stem: str) -> Graph:
        when = r.day("date", required=True, label="The date")
        precision = r.choice("precision", PRECISIONS, required=False, label="The precision")
        stance = r.choice("stance", STANCES, label="The stance")
        title = r.text("title", limit=MAX_TITLE, label="The title")
        actor = self._entity_ref(r, "actor", "new_actor_name", "new_actor_kind", new)
        source = self._source_ref(r, "source", "The source")
        quote = self._quote(r, source, stem, new)
        note = r.markdown("note")
        graph = without(base, iri, [p for p in EVENT_FIELDS if p != CK.quote or quote])
        graph.add((iri, RDF.type, CK.EvidenceEvent))
        if when:
            graph.add((iri, DCTERMS.date, _date_literal(when)))
        if precision:
            graph.add((iri, CK.datePrecision, Literal(precision)))
        if stance:
            graph.add((iri, CK.stance, CK[stance]))
        if title:
            graph.add((iri, SCHEMA.name, Literal(title)))
        if actor:
            graph.add((iri, CK.actor, actor))
        if source:
            graph.add((iri, CK.source, source))
        if quote:
            graph.add((iri, CK.quote, quote))
        if note:
            graph.add((iri, CK.note, Literal(note)))
        return graph

    def add_event(self, claim_slug: str, data: Mapping[str, Any], *, agent: URIRef) -> tuple[URIRef, RevisionInfo]:
        claim = self.iris.claim(claim_slug)
        current = self._require(claim, SCHEMA.Claim, what="claim")
        r = Reader(data)
        version = self._expected_version(r)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        words = f"{claim_slug[:30]} {stem(data, 'date')} {stem(data, 'stance')}"
        iri = self.iris.event(self._fresh_slug(self.iris.event, words))
        new: dict[URIRef, Graph] = {}
        new[iri] = self._event_fields(r, iri, Graph(), new, f"{claim_slug}-evidence")
        graph = without(current, claim, [])
        graph.add((claim, CK.evidence, iri))
        new[claim] = graph
        r.problems.raise_if_any()
        info = self._save(new, {claim}, {claim: version, iri: 0}, agent, reason, "Added evidence")
        assert info is not None
        return iri, info

    def edit_event(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.event(slug)
        current = self._require(iri, CK.EvidenceEvent, what="evidence event")
        r = Reader(data)
        version = self._expected_version(r)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        new: dict[URIRef, Graph] = {}
        new[iri] = self._event_fields(r, iri, current, new, f"{slug}-quote")
        r.problems.raise_if_any()
        return self._save(new, self._claims_of_event(iri), {iri: version}, agent, reason, "Edited evidence")

    # --- entities -----------------------------------------------------------------------------

    def entity_values(self, slug: str) -> dict[str, Any]:
        iri = self.iris.entity(slug)
        graph = self._require(iri, SCHEMA.Organization, SCHEMA.Person, what="person or organisation")
        from claims.model import Entity

        entity = Entity.from_graph(graph, iri)
        return {
            "slug": slug,
            "name": entity.name,
            "kind": entity.kind,
            "wikidata": entity.wikidata or "",
            "note": entity.note or "",
            "version": self.version_of(iri),
        }

    def _entity_fields(self, r: Reader, iri: URIRef, base: Graph) -> Graph:
        name = r.text("name", required=True, limit=MAX_NAME, label="The name")
        kind = r.choice("kind", ENTITY_KINDS, label="The kind")
        wikidata = r.text("wikidata", limit=200, label="The Wikidata ID")
        if wikidata:
            wikidata = re.sub(r"^(https?://(www\.)?wikidata\.org/(wiki|entity)/)", "", wikidata)
            if not WIKIDATA_RE.match(wikidata):
                r.problems.add("wikidata", "A Wikidata ID looks like Q48938223 (or its wikidata.org address).")
                wikidata = None
        note = r.markdown("note")
        graph = without(base, iri, ENTITY_FIELDS)
        if kind:
            graph.add((iri, RDF.type, SCHEMA[kind]))
        if name:
            graph.add((iri, SCHEMA.name, Literal(name)))
        if wikidata:
            graph.add((iri, OWL.sameAs, URIRef(WIKIDATA_PREFIX + wikidata)))
        if note:
            graph.add((iri, CK.note, Literal(note)))
        return graph

    def create_entity(self, data: Mapping[str, Any], *, agent: URIRef) -> tuple[URIRef, RevisionInfo]:
        r = Reader(data)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        iri = self.iris.entity(self._fresh_slug(self.iris.entity, stem(data, "name")))
        base = Graph()
        base.add((iri, CK.slug, Literal(iri.rsplit("/", 1)[1])))
        graph = self._entity_fields(r, iri, base)
        r.problems.raise_if_any()
        info = self._save({iri: graph}, set(), {iri: 0}, agent, reason, "Added a person or organisation")
        assert info is not None
        return iri, info

    def edit_entity(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.entity(slug)
        current = self._require(iri, SCHEMA.Organization, SCHEMA.Person, what="person or organisation")
        r = Reader(data)
        version = self._expected_version(r)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        graph = self._entity_fields(r, iri, current)
        r.problems.raise_if_any()
        return self._save({iri: graph}, set(), {iri: version}, agent, reason, "Edited the entity")

    # --- the one write path -------------------------------------------------------------------

    def _save(
        self,
        new: dict[URIRef, Graph],
        claims: set[URIRef],
        expected: dict[URIRef, int],
        agent: URIRef,
        reason: str | None,
        default_reason: str,
        *,
        status_needs_reason: bool = True,
    ) -> RevisionInfo | None:
        """Derive statuses, check shapes on the new descriptions, and write their difference."""
        status_changed = self._derive_statuses(new, claims)
        after = Graph()
        for graph in new.values():
            after += graph
        subjects = {s for s in after.subjects() if isinstance(s, URIRef)} | set(new)
        self._check_shapes(after, subjects)
        if status_changed and status_needs_reason and not reason:
            raise invalid(
                {"reason": ["This change moves the claim's status; say why (it is recorded in the history)."]}
            )
        before = self.repo.describe(subjects)
        added, removed = diff(before, after)
        changed = {s for s in new if self.iris.kind_and_slug(str(s))}
        change = Change(added=added, removed=removed, changed=changed, expected_versions=dict(expected))
        label = ", ".join(sorted(self._new_label(after, s) for s in new if s in claims or not claims)[:3])
        try:
            return self.repo.apply(change, agent=agent, reason=reason or f"{default_reason}: {label}"[:MAX_REASON])
        except ConflictError as error:
            raise self._explain_conflict(error) from error

    def _new_label(self, after: Graph, subject: URIRef) -> str:
        """A resource's label as the change leaves it (a new resource is not in the store yet)."""
        for predicate in (SCHEMA.name, SCHEMA.headline, SCHEMA.text):
            value = after.value(subject, predicate)
            if value is not None:
                return shorten(str(value))
        return self.label(subject)

    def _derive_statuses(self, new: dict[URIRef, Graph], claims: Iterable[URIRef]) -> bool:
        """Set each claim's ``ck:status`` from its evidence as it will be; True if one changes."""
        changed = False
        today = self.kb.today()
        for claim_iri in claims:
            graph = new.get(claim_iri)
            if graph is None:
                graph = without(self.repo.describe([claim_iri]), claim_iri, [])
                new[claim_iri] = graph
            claim = Claim.from_graph(graph, claim_iri)
            events = []
            for event_iri in claim.evidence:
                description = new.get(event_iri)
                if description is None:
                    description = self.repo.describe([event_iri])
                events.append(EvidenceEvent.from_graph(description, event_iri))
            status = claim.derive_status(events, today).iri
            old = set(graph.objects(claim_iri, CK.status))
            if old != {status}:
                changed = changed or bool(old) or status != CK.unverified
                graph.remove((claim_iri, CK.status, None))
                graph.add((claim_iri, CK.status, status))
        return changed

    def _check_shapes(self, after: Graph, subjects: set[URIRef]) -> None:
        violations = check_shapes(after + context_types(after, self.repo), focus=subjects)
        if not violations:
            return
        fields: dict[str, list[str]] = {}
        for violation in violations:
            kind_slug = self.iris.kind_and_slug(violation.focus)
            kind = kind_slug[0] if kind_slug else ""
            name = FIELD_OF_PATH.get(kind, {}).get(violation.path or "", "__all__")
            fields.setdefault(name, []).append(violation.message)
        raise invalid(fields)

    def _explain_conflict(self, error: ConflictError) -> ConflictError:
        """Add to the conflict the revisions saved meanwhile, so the editor sees what changed."""
        meanwhile = []
        for iri, (was, now) in error.stale.items():
            for revision in self.kb.history(iri)[: max(now - was, 0)]:
                meanwhile.append(revision.number)
        error.details["meanwhile"] = [
            diff_json(self.history.revision_diff(n, limit=200)) for n in sorted(set(meanwhile), reverse=True)[:10]
        ]
        return error

    # --- choices for forms --------------------------------------------------------------------

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        return {
            "entities": self.kb.entities(),
            "topics": self.kb.topics(),
            "sources": [(str(r["slug"]), str(r["headline"])) for r in self.store.select(queries.ALL_SOURCES_BRIEF)],
            "claim_types": [(k, c.label) for k, c in concepts.claim_types().items()],
            "stances": [(k, c.label) for k, c in concepts.stances().items()],
        }
