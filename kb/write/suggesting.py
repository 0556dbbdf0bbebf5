"""Claim suggestions for editors: propose check-worthy sentences of a pasted article, and turn the
ones an editor accepts into claims quoted from that article.

The article's text is only read, never stored: accepting keeps the article's metadata (a source),
and for each accepted claim its quote — the exact words with a few words either side, located in
the text again on the server so the selector always matches it. All accepted claims land in one
revision through ``Editor``'s write path (derived statuses, SHACL shapes, versions), so one
submission is one entry in the history, and one revert takes it back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from claims import suggestions as rules
from claims.model import Quote, slugify
from claims.vocab import CK, SCHEMA
from kb import queries
from kb.errors import KBError
from kb.write.editing import Editor
from kb.write.repository import RevisionInfo
from kb.write.submitted import (
    CLAIM_TYPES,
    CONTROL,
    ENTITY_KINDS,
    MAX_NAME,
    MAX_QUOTE,
    MAX_REASON,
    Problems,
    Reader,
    invalid,
)

MAX_ARTICLE = 60_000  # characters: a long feature is about 30,000
MAX_ACCEPTED = 100  # claims accepted in one submission
PUBLISHER = "publisher"  # the claimant choice meaning "the article's publisher"


class ArticleTooLarge(KBError):
    status = 413
    title = "Article too large"


@dataclass(frozen=True)
class Proposal:
    """A suggestion with the values an editor starts from."""

    number: int
    suggestion: rules.Suggestion
    claimant: str  # slug of a known entity, or PUBLISHER
    new_claimant_name: str  # the named speaker, when no entity by that name exists yet


def article_text(data: Mapping[str, Any]) -> str:
    """The pasted text, checked: present, text, not oversized, no control characters."""
    text = data.get("text")
    if text is None or text == "":
        raise invalid({"text": ["Paste the article's text."]})
    if not isinstance(text, str):
        raise KBError("The article's text must be a string.", status=400)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_ARTICLE:
        raise ArticleTooLarge(
            f"The article is too long: {len(text):,} characters, at most {MAX_ARTICLE:,}. "
            "Paste the part with the claims. Nothing was stored.",
            details={"fields": {"text": [f"At most {MAX_ARTICLE:,} characters."]}},
        )
    if CONTROL.search(text):
        raise KBError("The article's text contains control characters; paste it as plain text.", status=400)
    if not text.strip():
        raise invalid({"text": ["Paste the article's text."]})
    return text


class Suggester:
    """Suggestions from a pasted article, and accepting them as claims."""

    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        self.kb = editor.kb
        self.iris = editor.iris
        self.store = editor.store

    # --- proposing ------------------------------------------------------------------------------

    def propose(self, text: str, published: date | None = None) -> list[Proposal]:
        proposals = []
        for number, suggestion in enumerate(rules.suggest(text, published)):
            claimant, new_name = PUBLISHER, ""
            if suggestion.speaker:
                known = self.entity_named(suggestion.speaker)
                claimant, new_name = (known, "") if known else (PUBLISHER, suggestion.speaker)
            proposals.append(Proposal(number, suggestion, claimant, new_name[:MAX_NAME]))
        return proposals

    def entity_named(self, name: str) -> str | None:
        rows = self.store.select(queries.ENTITY_BY_NAME, {"lname": Literal(name.strip().lower())})
        return self.editor._slug_of(URIRef(str(rows[0]["entity"]))) if rows else None

    def source_at(self, url: str) -> URIRef | None:
        rows = self.store.select(queries.SOURCE_BY_URL, {"url": URIRef(url)})
        return URIRef(str(rows[0]["source"])) if rows else None

    # --- accepting ------------------------------------------------------------------------------

    def accept(
        self, article: Mapping[str, Any], claims: Sequence[Any], *, agent: URIRef
    ) -> tuple[URIRef, list[URIRef], RevisionInfo]:
        """Record the article (unless its URL is tracked already) and the accepted claims, in one revision.

        ``article`` has the form's fields (text, url, headline, publisher or new_publisher_name,
        published, reason); each of ``claims`` has quote_exact (and start, where it was found),
        text, claim_type, claimant or new_claimant_name (empty: the publisher), claimed_on and
        deadline. Problems come back keyed by field, a claim's as ``claims.<id>.<field>``.
        """
        text = article_text(article)
        if not isinstance(claims, list) or not all(isinstance(c, Mapping) for c in claims):
            raise KBError("The claims must be a list of objects.", status=400)
        if not claims:
            raise invalid({"claims": ["Accept at least one suggestion (tick its box)."]})
        if len(claims) > MAX_ACCEPTED:
            raise invalid({"claims": [f"At most {MAX_ACCEPTED} claims at once."]})
        r = Reader(article)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        new: dict[URIRef, Graph] = {}
        taken: set[URIRef] = set()
        source, publisher = self._article_source(r, new, taken)
        published = r.day("published", label="The publication date")
        problems = r.problems
        created: list[URIRef] = []
        names = self._names_of_new(new)
        for index, item in enumerate(claims):
            key = str(item.get("id", index))[:20]
            claim = self._claim(item, key, text, source, publisher, published, new, taken, names, problems)
            if claim is not None:
                created.append(claim)
        problems.raise_if_any()
        assert source is not None
        expected = {iri: 0 for iri in created}
        if source in new:
            expected[source] = 0
        headline = self.editor.label(source) if source not in new else str(new[source].value(source, SCHEMA.headline))
        default = f"Added {len(created)} claim{'s' if len(created) != 1 else ''} suggested from “{headline}”"
        info = self.editor._save(
            new,
            set(created),
            expected,
            agent,
            reason or default[:MAX_REASON],
            default,
            status_needs_reason=False,
        )
        assert info is not None  # new claims always change something
        return source, created, info

    def _fresh(self, mint: Any, words: str, taken: set[URIRef]) -> URIRef:
        """A new IRI, free both in the store and among those this submission mints."""
        base = slugify(words, 50)
        slug, n = base, 1
        while mint(slug) in taken or self.editor._exists(mint(slug)):
            n += 1
            slug = f"{base}-{n}"
        iri = mint(slug)
        taken.add(iri)
        return iri

    def _article_source(
        self, r: Reader, new: dict[URIRef, Graph], taken: set[URIRef]
    ) -> tuple[URIRef | None, URIRef | None]:
        """The article's source, recorded now or found by its URL, and its publisher."""
        url = r.url("url")
        known = self.source_at(url) if url else None
        if known is not None:
            description = self.kb.repository.describe([known])
            publisher = description.value(known, SCHEMA.publisher)
            return known, publisher if isinstance(publisher, URIRef) else None
        if "url" in r.problems.fields:
            r.text("headline", required=True, label="The headline")
            return None, None
        iri = self._fresh(self.iris.source, str(r.data.get("headline") or "article")[:200], taken)
        base = Graph()
        base.add((iri, CK.slug, Literal(iri.rsplit("/", 1)[1])))
        new[iri] = self.editor._source_fields(r, iri, base, new)
        taken.update(new)
        publisher = new[iri].value(iri, SCHEMA.publisher)
        return iri, publisher if isinstance(publisher, URIRef) else None

    def _names_of_new(self, new: dict[URIRef, Graph]) -> dict[str, URIRef]:
        """Entities this submission creates, by lower-case name (a new publisher can also be a claimant)."""
        names = {}
        for iri, graph in new.items():
            name = graph.value(iri, SCHEMA.name)
            if name is not None:
                names[str(name).lower()] = iri
        return names

    def _claim(
        self,
        item: Mapping[str, Any],
        key: str,
        text: str,
        source: URIRef | None,
        publisher: URIRef | None,
        published: date | None,
        new: dict[URIRef, Graph],
        taken: set[URIRef],
        names: dict[str, URIRef],
        problems: Problems,
    ) -> URIRef | None:
        r = Reader(item)
        claim_text = r.text("text", required=True, label="The claim")
        claim_type = r.choice("claim_type", CLAIM_TYPES, label="The claim type")
        exact = r.text("quote_exact", required=True, limit=MAX_QUOTE, label="The quote")
        start = item.get("start", 0)
        near = start if isinstance(start, int) and not isinstance(start, bool) else 0
        at = rules.locate(text, exact, near) if exact else None
        if exact and at is None:
            r.problems.add("quote_exact", "The quote must be copied exactly from the article's text.")
        claimant = self._claimant(r, publisher, new, taken, names)
        claimed_on = r.day("claimed_on", label="The date claimed") or published
        deadline = r.day("deadline", label="The deadline")
        if claim_type == "prediction" and deadline is None and "deadline" not in r.problems.fields:
            r.problems.add("deadline", "A prediction needs a deadline: the date by which it says something happens.")
        for name, messages in r.problems.fields.items():
            for message in messages:
                problems.add(f"claims.{key}.{name}", message)
        if r.problems.fields or source is None or claim_text is None or at is None or exact is None:
            return None
        iri = self._fresh(self.iris.claim, claim_text, taken)
        slug = iri.rsplit("/", 1)[1]
        found = rules.selector(text, at, at + len(exact))
        quote = Quote(
            iri=self._fresh(self.iris.quote, f"{slug}-{source.rsplit('/', 1)[1]}", taken),
            source=source,
            exact=found.exact,
            prefix=found.prefix.strip() and found.prefix,
            suffix=found.suffix.strip() and found.suffix,
        )
        new[quote.iri] = quote.to_graph(Graph())
        graph = Graph()
        graph.add((iri, RDF.type, SCHEMA.Claim))
        graph.add((iri, CK.slug, Literal(slug)))
        graph.add((iri, SCHEMA.text, Literal(claim_text)))
        graph.add((iri, CK.claimType, CK[claim_type or "statement"]))
        if claimant is not None:
            graph.add((iri, SCHEMA.author, claimant))
        if claimed_on:
            graph.add((iri, SCHEMA.datePublished, Literal(claimed_on.isoformat(), datatype=XSD.date)))
        if deadline:
            graph.add((iri, CK.deadline, Literal(deadline.isoformat(), datatype=XSD.date)))
        graph.add((iri, SCHEMA.firstAppearance, source))
        graph.add((iri, SCHEMA.appearance, source))
        graph.add((iri, CK.quote, quote.iri))
        new[iri] = graph
        return iri

    def _claimant(
        self,
        r: Reader,
        publisher: URIRef | None,
        new: dict[URIRef, Graph],
        taken: set[URIRef],
        names: dict[str, URIRef],
    ) -> URIRef | None:
        """A known entity, a new one named here (once per submission), or the article's publisher."""
        new_name = r.text("new_claimant_name", limit=MAX_NAME, label="The new claimant's name")
        if new_name:
            key = new_name.lower()
            if key in names:
                return names[key]
            known = self.entity_named(new_name)
            if known:
                names[key] = self.iris.entity(known)
                return names[key]
            kind = r.choice("new_claimant_kind", ENTITY_KINDS, required=False, label="The kind") or "Person"
            iri = self._fresh(self.iris.entity, new_name, taken)
            graph = Graph()
            graph.add((iri, RDF.type, SCHEMA[kind]))
            graph.add((iri, CK.slug, Literal(iri.rsplit("/", 1)[1])))
            graph.add((iri, SCHEMA.name, Literal(new_name)))
            new[iri] = graph
            names[key] = iri
            return iri
        slug = r.slug("claimant", label="The claimant")
        if slug is None or slug == PUBLISHER:
            if publisher is None and "claimant" not in r.problems.fields:
                r.problems.add("claimant", "The article has no publisher: pick the claimant or give a new one's name.")
            return publisher
        iri = self.iris.entity(slug)
        if not self.editor._has_type(iri, SCHEMA.Organization, SCHEMA.Person):
            r.problems.add("claimant", f"There is no person or organisation called “{slug}”.")
            return None
        return iri
