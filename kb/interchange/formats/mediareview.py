"""A claim's photo, video or audio clip and its assessment as a schema.org MediaReview.

Published beside the claim page's ClaimReview (``claimreview.py``), one MediaReview per assessed
media object: ``mediaAuthenticityCategory`` is the schema.org IRI of a member of
``MediaManipulationRatingEnumeration``; ``itemReviewed`` is a ``MediaReviewItem`` whose
``mediaItemAppearance`` is the media object (its kind, address, SHA-256, where and when it
appeared, and the frame the site serves) and whose ``interpretedAsClaim`` is the claim. A media
object not assessed yet has no MediaReview.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kb.interchange.formats.claimreview import CONTEXT, ReviewedClaim
from kb.read.pages import MediaItem

JSONLD_SCHEMA = "https://schema.org/"  # the enumeration members' IRIs as JSON-LD pages write them


def media_review(
    item: MediaItem, claim: ReviewedClaim, *, published: datetime | None, publisher: str, site: str
) -> dict[str, Any] | None:
    """The MediaReview of ``item`` (``None`` when it is not assessed); ``published`` is its first revision."""
    if item.authenticity is None:
        return None
    media = item.media
    appearance: dict[str, Any] = {"@type": media.kind, "@id": str(media.iri), "name": media.name}
    if media.content_url:
        appearance["contentUrl"] = media.content_url
    if media.sha256:
        appearance["sha256"] = media.sha256
    if media.uploaded_on:
        appearance["uploadDate"] = media.uploaded_on.isoformat()
    if media.thumbnail:
        appearance["thumbnailUrl"] = str(media.thumbnail)
    if item.appeared_in:
        source = item.appeared_in
        appearance["associatedArticle"] = {
            "@type": source.kind,
            "url": source.url or str(source.iri),
            "headline": source.headline,
        }
    interpreted: dict[str, Any] = {"@type": "Claim", "@id": str(claim.iri), "text": claim.text}
    if claim.claimant:
        interpreted["author"] = {"@type": claim.claimant.kind, "name": claim.claimant.name}
    appearance["interpretedAsClaim"] = interpreted
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "MediaReview",
        "@id": str(media.review),
        "url": f"{claim.iri}#media-{media.slug}",
        "author": {"@type": "Organization", "name": publisher, "url": site},
        "mediaAuthenticityCategory": JSONLD_SCHEMA + item.authenticity.key,
        "itemReviewed": {"@type": "MediaReviewItem", "mediaItemAppearance": [appearance]},
    }
    if media.assessment:
        review["reviewBody"] = media.assessment
    if published:
        review["datePublished"] = published.date().isoformat()
    return review
