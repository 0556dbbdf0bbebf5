"""A claim page as a schema.org ClaimReview, in the shape Google's fact-check markup asks for.

``claimReviewed`` is the claim's short name (never the verdict), ``reviewRating.alternateName`` is
the status shown on the page, and the 1-5 ``ratingValue`` is our published crosswalk rating. A
claim that is *unverified* or *due* has no verdict yet: its rating carries the label and no number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from claims.model import Entity, Source
from kb.readmodel import ClaimPage

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


def _entity(entity: Entity) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": entity.kind, "name": entity.name}
    if entity.wikidata_iri:
        node["sameAs"] = str(entity.wikidata_iri)
    return node


def _work(source: Source) -> dict[str, Any]:
    return {"@type": source.kind, "url": source.url or str(source.iri), "headline": source.headline}


def claim_review(page: ClaimPage, *, published: datetime | None, publisher: str, site: str) -> dict[str, Any]:
    """The ClaimReview of ``page``; ``published`` is when our review first appeared (its first revision)."""
    claim = page.claim
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": page.status.label}
    if page.status.rating is not None:
        rating |= {"ratingValue": page.status.rating, "bestRating": BEST, "worstRating": WORST}
    rating["ratingExplanation"] = page.status.definition
    item: dict[str, Any] = {"@type": "Claim", "text": claim.text}
    if page.claimant:
        item["author"] = _entity(page.claimant)
    if claim.claimed_on:
        item["datePublished"] = claim.claimed_on.isoformat()
    if page.first_appearance:
        item["firstAppearance"] = _work(page.first_appearance)
    appearances = [_work(s) for s in page.appearances]
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
