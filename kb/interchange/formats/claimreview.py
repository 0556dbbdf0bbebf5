"""A claim page as a schema.org ClaimReview, in the shape Google's fact-check markup asks for.

``claimReviewed`` is the claim's short name (never the verdict), ``reviewRating.alternateName`` is
the status shown on the page, and the 1-5 ``ratingValue`` is our published crosswalk rating. A
claim that is *unverified* or *due* has no verdict yet: its rating carries the label and no number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rdflib import URIRef

from claims.concepts import Concept
from claims.model import Entity, Source
from kb.read.pages import ClaimPage

CONTEXT = "https://schema.org"
SHORT = 75  # Google asks for claimReviewed under 75 characters where possible
BEST, WORST = 5, 1


def short_form(text: str, limit: int = SHORT) -> str:
    """``text`` if short enough, else cut at the last word boundary before ``limit`` with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


@dataclass(frozen=True)
class ReviewedClaim:
    """What a ClaimReview says of a claim: from its page, or from the bulk queries of the DataFeed."""

    iri: URIRef
    text: str
    name: str | None
    status: Concept
    claimant: Entity | None = None
    claimed_on: date | None = None
    first_appearance: Source | None = None
    appearances: list[Source] = field(default_factory=list)
    language: str | None = None  # BCP 47 tag of the claim's wording (schema:inLanguage)

    @classmethod
    def from_page(cls, page: ClaimPage) -> ReviewedClaim:
        return cls(
            iri=page.claim.iri,
            text=page.claim.text,
            name=page.claim.name,
            status=page.status,
            claimant=page.claimant,
            claimed_on=page.claim.claimed_on,
            first_appearance=page.first_appearance,
            appearances=list(page.appearances),
            language=page.claim.language,
        )


def _entity(entity: Entity) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": entity.kind, "name": entity.name}
    if entity.wikidata_iri:
        node["sameAs"] = str(entity.wikidata_iri)
    return node


def _work(source: Source) -> dict[str, Any]:
    return {"@type": source.kind, "url": source.url or str(source.iri), "headline": source.headline}


def claim_review(claim: ReviewedClaim, *, published: datetime | None, publisher: str, site: str) -> dict[str, Any]:
    """The ClaimReview of ``claim``; ``published`` is when our review first appeared (its first revision)."""
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": claim.status.label}
    if claim.status.rating is not None:
        rating |= {"ratingValue": claim.status.rating, "bestRating": BEST, "worstRating": WORST}
    rating["ratingExplanation"] = claim.status.definition
    item: dict[str, Any] = {"@type": "Claim", "text": claim.text}
    if claim.language:
        item["inLanguage"] = claim.language
    if claim.claimant:
        item["author"] = _entity(claim.claimant)
    if claim.claimed_on:
        item["datePublished"] = claim.claimed_on.isoformat()
    if claim.first_appearance:
        item["firstAppearance"] = _work(claim.first_appearance)
    appearances = [_work(s) for s in claim.appearances]
    if appearances:
        item["appearance"] = appearances
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": str(claim.iri),
        "claimReviewed": short_form(claim.name or claim.text),
        "author": {"@type": "Organization", "name": publisher, "url": site},
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if published:
        review["datePublished"] = published.date().isoformat()
    return review
