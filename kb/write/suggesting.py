"""Claim suggestions for editors: propose check-worthy sentences of a pasted article, and turn the
ones an editor accepts into claims quoted from that article.

The article's text is only read, never stored: accepting keeps the article's metadata (a source),
and for each accepted claim its quote — the exact words with a few words either side, located in
the text again on the server so the selector always matches it. All accepted claims land in one
revision through the write pipeline (derived statuses, SHACL shapes, versions), so one
submission is one entry in the history, and one revert takes it back.

From the site the new claims are drafts, as the editor's form makes them (``as_draft``): they and the
quotes they own stay in the private graph until an editor publishes them from the desk, while the
article's new source and new claimants are public, as the form's new sources and entities are. An
appearance added to a recorded claim changes that claim as it stands (published or not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from claims import suggestions as rules
from claims.model import Claim, Entity, Quote, Source
from claims.vocab import SCHEMA
from kb import queries
from kb.errors import KBError
from kb.read.matching import Match
from kb.write import fields
from kb.write.editing import Editor
from kb.write.fields import MAX_ACCEPTED, MAX_ARTICLE, Submitted
from kb.write.pipeline import Draft
from kb.write.publishing import draft_triples
from kb.write.repository import RevisionInfo
from kb.write.submitted import CONTROL, MAX_NAME, MAX_REASON, Problems, invalid

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
    match: Match | None = None  # the claim recorded already that the sentence likely says


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
            likely = self.editor.likely(suggestion.exact, claimed=published)
            match = likely[0] if likely else None
            proposals.append(Proposal(number, suggestion, claimant, new_name[:MAX_NAME], match))
        return proposals

    def entity_named(self, name: str) -> str | None:
        rows = self.store.select(queries.ENTITY_BY_NAME, {"lname": Literal(name.strip().lower())})
        return self.editor.slug_of(URIRef(str(rows[0]["entity"]))) if rows else None

    def source_at(self, url: str) -> URIRef | None:
        rows = self.store.select(queries.SOURCE_BY_URL, {"url": URIRef(url)})
        return URIRef(str(rows[0]["source"])) if rows else None

    # --- accepting ------------------------------------------------------------------------------

    def accept(
        self, article: Mapping[str, Any], claims: Sequence[Any], *, agent: URIRef, as_draft: bool = False
    ) -> tuple[URIRef, list[URIRef], RevisionInfo]:
        """Record the article (unless its URL is tracked already) and the accepted claims, in one revision.

        ``article`` has the form's fields (text, url, headline, publisher or new_publisher_name,
        published, reason); each of ``claims`` has quote_exact (and start, where it was found),
        text, claim_type, claimant or new_claimant_name (empty: the publisher), claimed_on and
        deadline. Problems come back keyed by field, a claim's as ``claims.<id>.<field>``.
        ``as_draft``: the new claims are drafts (``kb.write.publishing``); the site's review form makes
        drafts, the API published claims (as ``POST /api/claims`` does).
        """
        text = article_text(article)
        if not isinstance(claims, list) or not all(isinstance(c, Mapping) for c in claims):
            raise KBError("The claims must be a list of objects.", status=400)
        if not claims:
            raise invalid({"claims": ["Accept at least one suggestion (tick its box)."]})
        if len(claims) > MAX_ACCEPTED:
            raise invalid({"claims": [f"At most {MAX_ACCEPTED} claims at once."]})
        f = Submitted(fields.AcceptInput, article)
        reason = f.get("reason")
        draft = Draft()
        taken: set[URIRef] = set()
        source, publisher = self._article_source(f, draft, taken)
        published = f.get("published")
        problems = f.problems
        created: list[URIRef] = []
        appeared: list[URIRef] = []  # recorded claims the article becomes an appearance of
        names = {
            str(graph.value(iri, SCHEMA.name)).lower(): iri
            for iri, graph in draft.after.items()
            if graph.value(iri, SCHEMA.name) is not None
        }
        for index, item in enumerate(claims):
            key = str(item.get("id", index))[:20]
            if item.get("appearance_of"):
                recorded = self._appearance(item, key, text, source, draft, taken, problems)
                if recorded is not None:
                    appeared.append(recorded)
                continue
            claim = self._claim(item, key, text, source, publisher, published, draft, taken, names, problems)
            if claim is not None:
                created.append(claim)
        problems.raise_if_any()
        assert source is not None
        draft.claims = set(created)
        draft.expected = {iri: 0 for iri in created}
        if as_draft:  # as Editor.create_claim(as_draft=True): the claims (and what they own) only
            draft.private |= set(created)
            for iri in created:
                for triple in draft_triples(iri):
                    draft.after[iri].add(triple)
        if source in draft.after:
            draft.expected[source] = 0
        headline = (
            self.editor.label(source)
            if source not in draft.after
            else str(draft.after[source].value(source, SCHEMA.headline))
        )
        kind = "draft claim" if as_draft else "claim"
        default = f"Added {len(created)} {kind}{'s' if len(created) != 1 else ''} suggested from “{headline}”"
        if appeared:
            default += f", and the article as an appearance of {len(appeared)} recorded claim(s)"
        info = self.editor.pipeline.write(draft, agent=agent, reason=reason or default[:MAX_REASON])
        assert info is not None  # new claims always change something
        return source, created, info

    def _article_source(self, f: Submitted, draft: Draft, taken: set[URIRef]) -> tuple[URIRef | None, URIRef | None]:
        """The article's source, recorded now or found by its URL, and its publisher."""
        url = f.get("url")
        known = self.source_at(url) if url else None
        if known is not None:
            description = self.kb.repository.describe([known], editorial=True)
            publisher = description.value(known, SCHEMA.publisher)
            return known, publisher if isinstance(publisher, URIRef) else None
        if "url" in f.problems.fields:
            f.get("headline")
            return None, None
        iri = self.editor.fresh(self.iris.source, str(f.data.get("headline") or "article")[:200], taken)
        source = Source(iri=iri, slug=iri.rsplit("/", 1)[1], headline="")
        self.editor.read_source(f, source, draft)
        draft.put(source)
        taken.update(draft.after)
        return iri, source.publisher

    def _claim(
        self,
        item: Mapping[str, Any],
        key: str,
        text: str,
        source: URIRef | None,
        publisher: URIRef | None,
        published: date | None,
        draft: Draft,
        taken: set[URIRef],
        names: dict[str, URIRef],
        problems: Problems,
    ) -> URIRef | None:
        f = Submitted(fields.AcceptedClaim, item)
        claim_text = f.get("text")
        claim_type = f.get("claim_type")
        exact = f.get("quote_exact")
        at = _locate(f, item, text, exact)
        claimant = self._claimant(f, publisher, draft, taken, names)
        claimed_on = f.get("claimed_on") or published
        deadline = f.get("deadline")
        if claim_type == "prediction" and deadline is None and "deadline" not in f.problems.fields:
            f.problems.add("deadline", "A prediction needs a deadline: the date by which it says something happens.")
        _report(f, key, problems)
        if f.problems.fields or source is None or claim_text is None or at is None or exact is None:
            return None
        iri = self.editor.fresh(self.iris.claim, claim_text, taken)
        slug = iri.rsplit("/", 1)[1]
        quote = self._quote(text, at, exact, slug, source, taken)
        draft.put(quote)
        draft.put(
            Claim(
                iri=iri,
                slug=slug,
                text=claim_text,
                claim_type=claim_type or "statement",
                claimant=claimant or URIRef(""),
                claimed_on=claimed_on,
                deadline=deadline,
                first_appearance=source,
                appearances=[source],
                quotes=[quote.iri],
            )
        )
        return iri

    def _quote(self, text: str, at: int, exact: str, slug: str, source: URIRef, taken: set[URIRef]) -> Quote:
        """The quote of ``exact`` found at ``at`` in the article, with the words around it."""
        found = rules.selector(text, at, at + len(exact))
        return Quote(
            iri=self.editor.fresh(self.iris.quote, f"{slug}-{source.rsplit('/', 1)[1]}", taken),
            source=source,
            exact=found.exact,
            prefix=found.prefix.strip() and found.prefix,
            suffix=found.suffix.strip() and found.suffix,
        )

    def _appearance(
        self,
        item: Mapping[str, Any],
        key: str,
        text: str,
        source: URIRef | None,
        draft: Draft,
        taken: set[URIRef],
        problems: Problems,
    ) -> URIRef | None:
        """Add the article (and the quote) to a claim recorded already, as a new appearance of it."""
        f = Submitted(fields.AcceptedClaim, item)
        slug = f.get("appearance_of")
        exact = f.get("quote_exact")
        at = _locate(f, item, text, exact)
        iri = self.iris.claim(slug) if slug else None
        current = self.kb.repository.describe([iri], editorial=True) if iri is not None else None
        if iri is not None and current is not None and (iri, RDF.type, SCHEMA.Claim) not in current:
            f.problems.add("appearance_of", f"There is no claim called “{slug}”.")
        _report(f, key, problems)
        if f.problems.fields or source is None or iri is None or current is None or at is None or exact is None:
            return None
        claim = Claim.from_graph(draft.after[iri], iri) if iri in draft.after else Claim.from_graph(current, iri)
        quote = self._quote(text, at, exact, slug, source, taken)
        draft.put(quote)
        if source not in claim.appearances and source != claim.first_appearance:
            claim.appearances.append(source)
        claim.quotes.append(quote.iri)
        draft.put(claim, over=current)
        return iri

    def _claimant(
        self,
        f: Submitted,
        publisher: URIRef | None,
        draft: Draft,
        taken: set[URIRef],
        names: dict[str, URIRef],
    ) -> URIRef | None:
        """A known entity, a new one named here (once per submission), or the article's publisher."""
        new_name = f.get("new_claimant_name")
        if new_name:
            key = new_name.lower()
            if key in names:
                return names[key]
            known = self.entity_named(new_name)
            if known:
                names[key] = self.iris.entity(known)
                return names[key]
            kind = f.get("new_claimant_kind") or "Person"
            iri = self.editor.fresh(self.iris.entity, new_name, taken)
            draft.put(Entity(iri=iri, slug=iri.rsplit("/", 1)[1], name=new_name, kind=kind))
            names[key] = iri
            return iri
        chosen = f.get("claimant")
        if chosen is None or chosen == PUBLISHER:
            if publisher is None and "claimant" not in f.problems.fields:
                f.problems.add("claimant", "The article has no publisher: pick the claimant or give a new one's name.")
            return publisher
        return self.editor.references.resolve(f, "claimant", "entity", chosen)


def _locate(f: Submitted, item: Mapping[str, Any], text: str, exact: str | None) -> int | None:
    """Where the accepted quote stands in the article (near the suggestion's offset), or a problem."""
    start = item.get("start", 0)
    near = start if isinstance(start, int) and not isinstance(start, bool) else 0
    at = rules.locate(text, exact, near) if exact else None
    if exact and at is None:
        f.problems.add("quote_exact", "The quote must be copied exactly from the article's text.")
    return at


def _report(f: Submitted, key: str, problems: Problems) -> None:
    """An accepted claim's problems, each under its place in the request (``claims.KEY.FIELD``)."""
    for name, messages in f.problems.fields.items():
        for message in messages:
            problems.add(f"claims.{key}.{name}", message)
    for name, candidates in f.problems.candidates.items():
        problems.candidates[f"claims.{key}.{name}"] = candidates
