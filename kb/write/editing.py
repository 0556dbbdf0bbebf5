"""Editing the knowledge base: the operations behind the editor's forms and the JSON API.

Each operation reads the submitted values by their declaration (``kb.write.fields``), field by
field, builds the resources it changes as ``claims.model`` objects, and hands them to the write
pipeline (``kb.write.pipeline``), which derives statuses, checks the shapes and writes one
revision. Problems come back as ``ValidationFailed`` with ``details["fields"]`` (field ->
messages), so a form can show each message next to its field; nothing is written then. A save that
started from an older version of a resource than the current one is refused with
``ConflictError`` naming the revisions made meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from claims import concepts
from claims.media import MEDIA_KINDS
from claims.model import SLUG_RE, WIKIDATA_RE, Claim, Entity, EvidenceEvent, MediaObject, Quote, Source, slugify
from claims.status import Stance
from claims.vocab import CK, SCHEMA
from kb import queries
from kb.errors import KBError, LikelyMatches, NotFound
from kb.knowledge import KnowledgeBase
from kb.language import detect_or_default
from kb.names import Hit, NameLookup, StoreNames
from kb.read.history import History, shorten
from kb.write import fields
from kb.write.fields import CLAIM_FIELDS, ENTITY_FIELDS, EVENT_FIELDS, SOURCE_FIELDS, Submitted
from kb.write.pipeline import Draft, Pipeline
from kb.write.publishing import draft_triples
from kb.write.references import ENTITY_TYPES, PATH, SOURCE_TYPES, References
from kb.write.repository import RevisionInfo
from kb.write.revert import revert
from kb.write.submitted import MAX_REASON, stem

if TYPE_CHECKING:
    from kb.read.matching import Match, Matcher

LIKELY = 0.55  # a match this close (or judged the same claim) is shown before a new claim is saved
MEDIA_TYPES = tuple(SCHEMA[kind] for kind in MEDIA_KINDS)


class Editor:
    """The editing operations of one knowledge base."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher | None = None, names: NameLookup | None = None) -> None:
        self.kb = kb
        self.matcher = matcher  # without one, a new claim is saved without looking for matches
        # Entities and sources by name (kb.names.Names, the index the site keeps; without it, the
        # store answers exact names by scanning them).
        self.names: NameLookup = names if names is not None else StoreNames(kb)
        self.references = References(kb.store, kb.iris, self.names)
        self.repo = kb.repository
        self.iris = kb.iris
        self.store = kb.store
        self.history = History(kb)
        self.pipeline = Pipeline(kb)

    # --- lookups ----------------------------------------------------------------------------

    def exists(self, iri: URIRef) -> bool:
        return self.store.ask(queries.EXISTS, {"s": iri}) or iri in self.repo.unpublished([iri])

    def has_type(self, iri: URIRef, *types: URIRef) -> bool:
        return bool(self.repo.types(iri) & set(types))

    def _require(self, iri: URIRef, *types: URIRef, what: str) -> Graph:
        graph = self.repo.describe([iri], editorial=True)
        if not any((iri, RDF.type, t) in graph for t in types):
            raise NotFound(f"There is no {what} at {iri}.")
        return graph

    def fresh(self, mint: Callable[[str], URIRef], words: str, taken: set[URIRef] | None = None) -> URIRef:
        """A new IRI minted from ``words``, free in the store (and among ``taken``, which it joins)."""
        base = slugify(words, 50)
        slug, n = base, 1
        while (taken is not None and mint(slug) in taken) or self.exists(mint(slug)):
            n += 1
            slug = f"{base}-{n}"
        iri = mint(slug)
        if taken is not None:
            taken.add(iri)
        return iri

    def label(self, iri: URIRef) -> str:
        return self.history.label(iri)

    def version_of(self, iri: URIRef) -> int:
        return self.repo.versions([iri])[iri]

    def slug_of(self, iri: URIRef) -> str:
        kind_slug = self.iris.kind_and_slug(str(iri))
        return kind_slug[1] if kind_slug else str(iri)

    def entity_ref(
        self, f: Submitted, name: str, new_name: str, new_kind: str, draft: Draft, *, default_kind: str = "Organization"
    ) -> URIRef | None:
        """An existing entity picked (by slug, IRI or name), or one created inline from a name."""
        given = f.get(new_name)
        if given:
            f.get(name)  # read, so that a problem with it is still reported
            kind = f.get(new_kind) or default_kind
            iri = self.fresh(self.iris.entity, given)
            draft.put(Entity(iri=iri, slug=_slug(iri), name=given, kind=kind))
            return iri
        return self.references.one(f, name, "entity")

    def _source_ref(self, f: Submitted, name: str) -> URIRef | None:
        return self.references.one(f, name, "source")

    def picked(self, kind: str, text: str) -> Hit | None:
        """What a form's reference field holds now (a slug, IRI or unique name), to show beside it."""
        text = text.strip()
        if not text:
            return None
        kind_slug = self.iris.kind_and_slug(text)
        if kind_slug and kind_slug[0] == PATH[kind]:
            return self.names.describe(text)
        mint = self.iris.entity if kind == "entity" else self.iris.source
        if SLUG_RE.match(text) and len(text) <= 200:
            found = self.names.describe(str(mint(text)))
            if found is not None:
                return found
        named = self.names.named(kind, text) if len(text) <= 2000 else []
        return named[0] if len(named) == 1 else None

    def _quote(self, f: Submitted, source: URIRef | None, words: str, draft: Draft) -> URIRef | None:
        exact = f.get("quote_exact")
        prefix = f.get("quote_prefix")
        suffix = f.get("quote_suffix")
        if not exact:
            if prefix or suffix:
                f.problems.add("quote_exact", "Give the quoted words themselves, not only their context.")
            return None
        if source is None:
            f.problems.add("quote_exact", "A quote needs the source it is taken from.")
            return None
        language = f.get("quote_language") or detect_or_default(exact)
        quote = Quote(
            iri=self.fresh(self.iris.quote, words),
            source=source,
            exact=exact,
            prefix=prefix,
            suffix=suffix,
            language=language,
        )
        draft.put(quote)
        return quote.iri

    def _expected_version(self, f: Submitted) -> int:
        return f.get("version") or 0

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
            "claimant": self.slug_of(claim.claimant),
            "claimed_on": claim.claimed_on.isoformat() if claim.claimed_on else "",
            "deadline": claim.deadline.isoformat() if claim.deadline else "",
            "about": [self.slug_of(e) for e in claim.about],
            "topics": [self.slug_of(t) for t in claim.topics],
            "note": claim.note or "",
            "language": claim.language or "",
            "same_as": [self.slug_of(c) for c in claim.same_as],
            "status": claim.status.value if claim.status else None,
            "retracted": claim.retracted,
            "version": claim.version,
        }

    def _claim_fields(self, f: Submitted, claim: Claim, draft: Draft, *, creating: bool = False) -> None:
        """Set the claim's form fields from the submitted values (problems are recorded on ``f``)."""
        text = f.get("text")
        name = f.get("name")
        claim_type = f.get("claim_type")
        claimant = self.entity_ref(f, "claimant", "new_claimant_name", "new_claimant_kind", draft)
        if claimant is None and "claimant" not in f.problems.fields and "new_claimant_name" not in f.problems.fields:
            f.problems.add("claimant", "Who made the claim? Pick a claimant or give a new one's name.")
        claimed_on = f.get("claimed_on")
        deadline = f.get("deadline")
        if claim_type == "prediction" and deadline is None and "deadline" not in f.problems.fields:
            f.problems.add("deadline", "A prediction needs a deadline: the date by which it says something happens.")
        about = self.references.many(f, "about", "entity")
        topics = []
        for slug in f.get("topics"):
            topic = self.iris.topic(slug)
            if self.has_type(topic, SKOS.Concept):
                topics.append(topic)
            else:
                f.problems.add("topics", f"There is no topic called “{slug}”.")
        note = f.get("note")
        # The language given, else the one recorded; a new claim's is detected from its text (an edit
        # records none by itself: it changes only what the form changed).
        language = f.get("language") or claim.language
        if language is None and text and creating:
            language = detect_or_default(text)
        f.fill(claim, fields.ClaimFields)
        f.problems.raise_if_any()
        claim.language = language
        claim.text, claim.name, claim.claim_type = text, name, claim_type
        claim.claimant = claimant  # type: ignore[assignment]  # present: a problem is raised otherwise
        claim.claimed_on, claim.deadline = claimed_on, deadline
        claim.about, claim.topics, claim.note = about, topics, note

    def create_claim(
        self, data: Mapping[str, Any], *, agent: URIRef, as_draft: bool = False
    ) -> tuple[URIRef, RevisionInfo]:
        """Add a claim, after looking for the claims already recorded that likely say the same.

        ``as_draft``: the claim is a draft, kept in the private graph until published
        (``kb.write.publishing``); the editor's form makes drafts, imports and the API published claims.

        With likely matches, nothing is written and ``LikelyMatches`` lists them, unless the writer
        says it has seen them (``matches_seen``) or names the one it is the same claim as
        (``same_as``: the new claim is linked to it by ck:sameClaimAs in the same revision).
        """
        f = Submitted(fields.ClaimInput, data)
        reason = f.get("reason")
        seen = f.get("matches_seen")
        same_slug = f.get("same_as")
        iri = self.fresh(self.iris.claim, stem(data, "name", "text"))
        draft = Draft(claims={iri}, expected={iri: 0})
        claim = Claim(iri=iri, slug=_slug(iri), text="", claim_type="statement", claimant=URIRef(""))
        same = self.iris.claim(same_slug) if same_slug else None
        if same is not None and not self.has_type(same, SCHEMA.Claim):
            f.problems.add("same_as", f"There is no claim called “{same_slug}”.")
        self._claim_fields(f, claim, draft, creating=True)
        if same is None and not seen:
            likely = self.likely_matches(claim)
            if likely:
                raise LikelyMatches(
                    f"{len(likely)} claim(s) already recorded likely say the same. Open one, link the new "
                    "claim to it (same_as), or save it as a different claim (matches_seen).",
                    details={"matches": [match_json(m) for m in likely]},
                )
        if same is not None:
            claim.same_as = [same]
        draft.put(claim)
        if as_draft:
            draft.private.add(iri)
            for triple in draft_triples(iri):
                draft.after[iri].add(triple)
        info = self._save(
            draft, agent, reason, "Added a draft claim" if as_draft else "Added a claim", status_needs_reason=False
        )
        assert info is not None
        return iri, info

    def likely_matches(self, claim: Claim) -> list[Match]:
        """The recorded claims that likely say what ``claim`` says (none without a matcher)."""
        claimant = str(claim.claimant) if claim.claimant else None
        return self.likely(claim.text, language=claim.language, claimant=claimant, claimed=claim.claimed_on)

    def likely(
        self, text: str, *, language: str | None = None, claimant: str | None = None, claimed: date | None = None
    ) -> list[Match]:
        """The recorded claims that likely say what ``text`` says, best first (none without a matcher)."""
        if self.matcher is None:
            return []
        try:
            found = self.matcher.match(text, language=language, claimant=claimant, claimed=claimed, limit=5)
        except KBError as error:  # an index that cannot be read just now does not stop the save
            if error.status in (400, 503):  # nor does a text the matcher refuses (the form says why)
                return []
            raise
        return [m for m in found if m.same_claim or m.score >= LIKELY]

    def link_same(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        """Link the claim ``slug`` to ``other`` as the same claim made elsewhere, or unlink them.

        The link is stored on ``slug``'s claim (ck:sameClaimAs is symmetric: the pages read it both
        ways); unlinking removes it whichever of the two holds it. One revision, with its reason.
        """
        iri = self.iris.claim(slug)
        current = self._require(iri, SCHEMA.Claim, what="claim")
        f = Submitted(fields.SameClaim, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        other_slug = f.get("other")
        unlink = f.get("unlink")
        other = self.iris.claim(other_slug) if other_slug else None
        if other is not None and other == iri:
            f.problems.add("other", "A claim is not linked to itself.")
        elif other is not None and not self.has_type(other, SCHEMA.Claim):
            f.problems.add("other", f"There is no claim called “{other_slug}”.")
        f.problems.raise_if_any()
        assert other is not None
        draft = Draft(expected={iri: version})
        claim = Claim.from_graph(current, iri)
        if unlink:
            held = self._require(other, SCHEMA.Claim, what="claim")
            other_claim = Claim.from_graph(held, other)
            if other not in claim.same_as and iri not in other_claim.same_as:
                f.problems.add("other", "These two claims are not linked as the same claim.")
                f.problems.raise_if_any()
            if iri in other_claim.same_as:
                other_claim.same_as = [c for c in other_claim.same_as if c != iri]
                draft.put(other_claim, over=held)
            claim.same_as = [c for c in claim.same_as if c != other]
            default = "Unlinked the same claim"
        else:
            if other in claim.same_as or (other, CK.sameClaimAs, iri) in self.repo.describe([other], editorial=True):
                return None  # linked already: nothing to change
            claim.same_as = [*claim.same_as, other]
            default = "Linked as the same claim"
        draft.put(claim, over=current)
        draft.changed = {iri, other}
        return self._save(draft, agent, reason, default)

    def edit_claim(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.claim(slug)
        current = self._require(iri, SCHEMA.Claim, what="claim")
        f = Submitted(fields.ClaimEdit, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        draft = Draft(claims={iri}, expected={iri: version})
        claim = Claim.from_graph(current, iri)
        self._claim_fields(f, claim, draft)
        draft.put(claim, over=current, controlled=CLAIM_FIELDS)
        return self._save(draft, agent, reason, "Edited the claim")

    # --- retracting ---------------------------------------------------------------------------

    def retract(self, kind: str, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        """Mark a claim, source, evidence event, entity or media object as withdrawn; it is kept, never deleted."""
        mint, types, what, model = self._kind(kind)
        iri = mint(slug)
        current = self._require(iri, *types, what=what)
        f = Submitted(fields.Retract, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        f.problems.raise_if_any()
        resource = model.from_graph(current, iri)
        resource.retracted = True
        claims = self.pipeline.claims_of_event(iri) if kind == "events" else ({iri} if kind == "claims" else set())
        draft = Draft(claims=claims, expected={iri: version})
        draft.put(resource, over=current)
        return self._save(draft, agent, reason, f"Withdrew the {what}")

    def _kind(self, kind: str) -> tuple[Callable[[str], URIRef], tuple[URIRef, ...], str, Any]:
        kinds: dict[str, tuple[Callable[[str], URIRef], tuple[URIRef, ...], str, Any]] = {
            "claims": (self.iris.claim, (SCHEMA.Claim,), "claim", Claim),
            "sources": (self.iris.source, SOURCE_TYPES, "source", Source),
            "events": (self.iris.event, (CK.EvidenceEvent,), "evidence event", EvidenceEvent),
            "entities": (self.iris.entity, ENTITY_TYPES, "entity", Entity),
            "media": (self.iris.media, MEDIA_TYPES, "photo, video or audio clip", MediaObject),
        }
        if kind not in kinds:
            raise NotFound(f"“{kind}” cannot be withdrawn.")
        return kinds[kind]

    # --- sources and quotes -------------------------------------------------------------------

    def source_values(self, slug: str) -> dict[str, Any]:
        iri = self.iris.source(slug)
        graph = self._require(iri, *SOURCE_TYPES, what="source")
        source = Source.from_graph(graph, iri)
        return {
            "slug": source.slug,
            "headline": source.headline,
            "url": source.url or "",
            "kind": source.kind,
            "publisher": self.slug_of(source.publisher) if source.publisher else "",
            "published": source.published.isoformat() if source.published else "",
            "derived_from": self.slug_of(source.derived_from[0]) if source.derived_from else "",
            "derivation_kind": source.derivation_kind or "",
            "note": source.note or "",
            "language": source.language or "",
            "archived_at": source.archived_at or "",
            "content_hash": source.content_hash or "",
            "retracted": source.retracted,
            "version": self.version_of(iri),
        }

    def read_source(self, f: Submitted, source: Source, draft: Draft) -> None:
        """Set the source's form fields from the submitted values; problems are recorded on ``f``."""
        headline = f.get("headline")
        url = f.get("url")
        kind = f.get("kind") or "NewsArticle"
        publisher = self.entity_ref(f, "publisher", "new_publisher_name", "new_publisher_kind", draft)
        published = f.get("published")
        derived_from = self._source_ref(f, "derived_from")
        if derived_from == source.iri:
            f.problems.add("derived_from", "A source cannot derive from itself.")
        derivation_kind = f.get("derivation_kind")
        if derivation_kind and not derived_from and "derived_from" not in f.problems.fields:
            f.problems.add("derived_from", "Say which source it derives from.")
        note = f.get("note")
        # The language given, else the one recorded; a new source's is detected from its headline.
        language = f.get("language") or source.language
        if language is None and headline and not self.exists(source.iri):
            language = detect_or_default(headline)
        f.fill(source, fields.SourceFields)
        source.language = language
        source.headline, source.url, source.kind, source.publisher = headline or "", url, kind, publisher
        source.published = published
        source.derived_from = [derived_from] if derived_from and derived_from != source.iri else []
        source.derivation_kind, source.note = derivation_kind, note

    def add_source(
        self, data: Mapping[str, Any], *, agent: URIRef, claim_slug: str | None = None
    ) -> tuple[URIRef, RevisionInfo]:
        """A new source, with a quote from it; from a claim, it also records where the claim appeared."""
        f = Submitted(fields.SourceInput, data)
        reason = f.get("reason")
        iri = self.fresh(self.iris.source, stem(data, "headline"))
        draft = Draft(expected={iri: 0})
        source = Source(iri=iri, slug=_slug(iri), headline="")
        self.read_source(f, source, draft)
        claim: Claim | None = None
        current = Graph()
        if claim_slug is not None:
            claim_iri = self.iris.claim(claim_slug)
            current = self._require(claim_iri, SCHEMA.Claim, what="claim")
            draft.expected[claim_iri] = self._expected_version(f)
            quote = self._quote(f, iri, f"{claim_slug}-{_slug(iri)}", draft)
            claim = Claim.from_graph(current, claim_iri)
            claim.appearances.append(iri)
            if claim.first_appearance is None:
                claim.first_appearance = iri
            if quote:
                claim.quotes.append(quote)
            draft.claims.add(claim_iri)
        f.problems.raise_if_any()
        draft.put(source)
        if claim is not None:
            draft.put(claim, over=current)
        info = self._save(draft, agent, reason, "Added a source")
        assert info is not None
        return iri, info

    def edit_source(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.source(slug)
        current = self._require(iri, *SOURCE_TYPES, what="source")
        f = Submitted(fields.SourceEdit, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        draft = Draft(expected={iri: version})
        source = Source.from_graph(current, iri)
        self.read_source(f, source, draft)
        f.problems.raise_if_any()
        draft.put(source, over=current, controlled=SOURCE_FIELDS)
        return self._save(draft, agent, reason, "Edited the source")

    # --- evidence events ----------------------------------------------------------------------

    def event_values(self, slug: str) -> dict[str, Any]:
        iri = self.iris.event(slug)
        graph = self._require(iri, CK.EvidenceEvent, what="evidence event")
        event = EvidenceEvent.from_graph(graph, iri)
        claims = sorted(self.pipeline.claims_of_event(iri))
        return {
            "slug": slug,
            "claim": self.slug_of(claims[0]) if claims else "",
            "date": event.when.isoformat(),
            "precision": event.precision,
            "stance": event.stance.value,
            "title": event.title or "",
            "actor": self.slug_of(event.actor) if event.actor else "",
            "source": self.slug_of(event.source) if event.source else "",
            "quote": str(event.quote) if event.quote else "",
            "note": event.note or "",
            "retracted": event.retracted,
            "version": self.version_of(iri),
        }

    def _event_fields(self, f: Submitted, event: EvidenceEvent, draft: Draft, words: str) -> None:
        when = f.get("date")
        precision = f.get("precision")
        stance = f.get("stance")
        title = f.get("title")
        actor = self.entity_ref(f, "actor", "new_actor_name", "new_actor_kind", draft)
        source = self._source_ref(f, "source")
        quote = self._quote(f, source, words, draft)
        note = f.get("note")
        f.fill(event, fields.EventFields)
        f.problems.raise_if_any()
        event.when, event.precision, event.stance = when, precision or "day", Stance(stance)
        event.title, event.actor, event.source, event.note = title, actor, source, note
        if quote:
            event.quote = quote

    def add_event(self, claim_slug: str, data: Mapping[str, Any], *, agent: URIRef) -> tuple[URIRef, RevisionInfo]:
        claim_iri = self.iris.claim(claim_slug)
        current = self._require(claim_iri, SCHEMA.Claim, what="claim")
        f = Submitted(fields.EventInput, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        words = f"{claim_slug[:30]} {stem(data, 'date')} {stem(data, 'stance')}"
        iri = self.fresh(self.iris.event, words)
        draft = Draft(claims={claim_iri}, expected={claim_iri: version, iri: 0})
        event = EvidenceEvent(iri=iri, when=date.min, stance=Stance.CONTEXT)
        self._event_fields(f, event, draft, f"{claim_slug}-evidence")
        claim = Claim.from_graph(current, claim_iri)
        claim.evidence.append(iri)
        draft.put(event)
        draft.put(claim, over=current)
        info = self._save(draft, agent, reason, "Added evidence")
        assert info is not None
        return iri, info

    def edit_event(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.event(slug)
        current = self._require(iri, CK.EvidenceEvent, what="evidence event")
        f = Submitted(fields.EventEdit, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        draft = Draft(claims=self.pipeline.claims_of_event(iri), expected={iri: version})
        event = EvidenceEvent.from_graph(current, iri)
        self._event_fields(f, event, draft, f"{slug}-quote")
        draft.put(event, over=current, controlled=EVENT_FIELDS)
        return self._save(draft, agent, reason, "Edited evidence")

    # --- entities -----------------------------------------------------------------------------

    def entity_values(self, slug: str) -> dict[str, Any]:
        iri = self.iris.entity(slug)
        graph = self._require(iri, *ENTITY_TYPES, what="person or organisation")
        entity = Entity.from_graph(graph, iri)
        return {
            "slug": slug,
            "name": entity.name,
            "kind": entity.kind,
            "wikidata": entity.wikidata or "",
            "note": entity.note or "",
            "version": self.version_of(iri),
        }

    def _entity_fields(self, f: Submitted, entity: Entity) -> None:
        name = f.get("name")
        kind = f.get("kind")
        wikidata = f.get("wikidata")
        if wikidata:
            wikidata = re.sub(r"^(https?://(www\.)?wikidata\.org/(wiki|entity)/)", "", wikidata)
            if not WIKIDATA_RE.match(wikidata):
                f.problems.add("wikidata", "A Wikidata ID looks like Q48938223 (or its wikidata.org address).")
                wikidata = None
        note = f.get("note")
        f.fill(entity, fields.EntityFields)
        f.problems.raise_if_any()
        entity.name, entity.kind, entity.wikidata, entity.note = name, kind, wikidata, note

    def create_entity(self, data: Mapping[str, Any], *, agent: URIRef) -> tuple[URIRef, RevisionInfo]:
        f = Submitted(fields.EntityInput, data)
        reason = f.get("reason")
        iri = self.fresh(self.iris.entity, stem(data, "name"))
        entity = Entity(iri=iri, slug=_slug(iri), name="")
        self._entity_fields(f, entity)
        draft = Draft(expected={iri: 0})
        draft.put(entity)
        info = self._save(draft, agent, reason, "Added a person or organisation")
        assert info is not None
        return iri, info

    def edit_entity(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.entity(slug)
        current = self._require(iri, *ENTITY_TYPES, what="person or organisation")
        f = Submitted(fields.EntityEdit, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        entity = Entity.from_graph(current, iri)
        self._entity_fields(f, entity)
        draft = Draft(expected={iri: version})
        draft.put(entity, over=current, controlled=ENTITY_FIELDS)
        return self._save(draft, agent, reason, "Edited the entity")

    # --- reverting ----------------------------------------------------------------------------

    def revert(self, number: int, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo:
        """Undo revision ``number`` as a new revision (see ``kb.write.revert``)."""
        return revert(self.pipeline, self.label, number, data, agent=agent)

    # --- saving -------------------------------------------------------------------------------

    def _save(
        self, draft: Draft, agent: URIRef, reason: str | None, default: str, *, status_needs_reason: bool = True
    ) -> RevisionInfo | None:
        """Write the draft through the pipeline; the default reason names what it changes."""

        def default_reason() -> str:
            shown = [s for s in draft.after if "/" not in self.slug_of(s)]
            named = [s for s in shown if s in draft.claims or not draft.claims]
            label = ", ".join(sorted(self._new_label(draft, s) for s in named)[:3])
            return f"{default}: {label}"[:MAX_REASON]

        return self.pipeline.write(
            draft, agent=agent, reason=reason, default_reason=default_reason, status_needs_reason=status_needs_reason
        )

    def _new_label(self, draft: Draft, subject: URIRef) -> str:
        """A resource's label as the change leaves it (a new resource is not in the store yet)."""
        description = draft.after[subject]
        for predicate in (SCHEMA.name, SCHEMA.headline, SCHEMA.text):
            value = description.value(subject, predicate)
            if value is not None:
                return shorten(str(value))
        return self.label(subject)

    # --- choices for forms --------------------------------------------------------------------

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        # Entities and sources are not listed: a form picks them by searching (kb.names), whatever
        # their number. Topics are a small fixed vocabulary.
        return {
            "topics": self.kb.topics(),
            "claim_types": [(k, c.label) for k, c in concepts.claim_types().items()],
            "stances": [(k, c.label) for k, c in concepts.stances().items()],
        }


def match_json(match: Match) -> dict[str, Any]:
    return {
        "slug": match.slug,
        "iri": match.iri,
        "text": match.text,
        "score": match.score,
        "same_claim": match.same_claim,
        "reason": match.reason,
    }


def _slug(iri: URIRef) -> str:
    return iri.rsplit("/", 1)[1]
