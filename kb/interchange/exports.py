"""Our data for others: ClaimReviews (one claim, or a DataFeed of all with a verdict) and the claim table as CSV."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import IO, Any

from rdflib import Literal, URIRef

from claims.model import WIKIDATA_PREFIX, Entity, Source
from claims.vocab import CK_IRI, SCHEMA
from kb import queries
from kb.interchange.formats.claimreview import CONTEXT, ReviewedClaim, claim_review
from kb.interchange.formats.mediareview import media_review
from kb.knowledge import KnowledgeBase
from kb.read.pages import status_of

CSV_COLUMNS = (
    "iri",
    "text",
    "claimant",
    "type",
    "status",
    "claimed_on",
    "deadline",
    "first_recorded",
    "last_changed",
    "source_count",
)


def _time(value: object) -> datetime | None:
    value = value.toPython() if isinstance(value, Literal) else None
    return value if isinstance(value, datetime) else None


def revision_times(kb: KnowledgeBase, resource: URIRef | None = None) -> dict[URIRef, tuple[datetime, datetime]]:
    """(first, last) revision time of ``resource``, or of every changed resource when it is ``None``."""
    rows = kb.store.select(queries.REVISION_TIMES, {"resource": resource} if resource is not None else None)
    times = {}
    for row in rows:
        first, last = _time(row.get("first")), _time(row.get("last"))
        if first and last and isinstance(row.get("resource"), URIRef):
            times[row["resource"]] = (first, last)
    return times  # type: ignore[return-value]


def claim_review_for(kb: KnowledgeBase, slug: str, *, publisher: str) -> dict[str, Any]:
    """The ClaimReview of one claim, dated on the first revision that recorded it."""
    page = kb.claim_page(slug)
    # The claim's history (which its page reads anyway, kept until the next revision) has every
    # revision that changed it: the earliest is the one REVISION_TIMES would find, without a query.
    first = min((revision.time for revision in kb.history(page.claim.iri, changes=False)), default=None)
    return claim_review(ReviewedClaim.from_page(page), published=first, publisher=publisher, site=kb.iris.base)


def media_reviews_for(kb: KnowledgeBase, slug: str, *, publisher: str) -> list[dict[str, Any]]:
    """The MediaReview of each assessed photo, video or audio clip of one claim, dated on its first revision."""
    page = kb.claim_page(slug)
    if not page.media:
        return []
    claim = ReviewedClaim.from_page(page)
    reviews = []
    for item in page.media:
        first = revision_times(kb, item.media.iri).get(item.media.iri)
        review = media_review(
            item, claim, published=first[0] if first else None, publisher=publisher, site=kb.iris.base
        )
        if review is not None:
            reviews.append(review)
    return reviews


def reviewed_claims(kb: KnowledgeBase) -> list[ReviewedClaim]:
    """Every claim with a verdict (a status with a 1-5 rating), read with two queries for the lot."""
    appeared: dict[URIRef, tuple[Source | None, list[Source]]] = {}
    for row in kb.store.select(queries.REVIEW_APPEARANCES):
        claim = URIRef(str(row["claim"]))
        first, others = appeared.setdefault(claim, (None, []))
        source = Source(
            iri=URIRef(str(row["source"])),
            slug=str(row.get("slug", "")),
            headline=str(row["headline"]),
            url=str(row["url"]) if row.get("url") else None,
            kind="NewsArticle" if row.get("news") else "CreativeWork",
        )
        if row["how"] == Literal("first"):
            appeared[claim] = (source, others)
        elif all(s.iri != source.iri for s in others):
            others.append(source)
    claims: dict[URIRef, ReviewedClaim] = {}
    for row in kb.store.select(queries.REVIEW_CLAIMS):
        iri = URIRef(str(row["claim"]))
        status = status_of(row["status"])
        if status.rating is None:
            continue
        claimant = URIRef(str(row["claimant"]))
        wikidata = str(row["wikidata"]).removeprefix(WIKIDATA_PREFIX) if row.get("wikidata") else None
        person = row.get("claimantType") == SCHEMA.Person
        if iri in claims:
            known = claims[iri].claimant
            if known is not None and (person or wikidata):
                known.kind = "Person" if person else known.kind
                known.wikidata = known.wikidata or wikidata
            continue
        claimed = row.get("claimed")
        first, others = appeared.get(iri, (None, []))
        claims[iri] = ReviewedClaim(
            iri=iri,
            text=str(row["text"]),
            name=str(row["name"]) if row.get("name") else None,
            language=str(row["language"]) if row.get("language") else None,
            status=status,
            claimant=Entity(
                iri=claimant,
                slug=str(row.get("claimantSlug", "")),
                name=str(row.get("claimantName", claimant)),
                kind="Person" if person else "Organization",
                wikidata=wikidata,
            ),
            claimed_on=claimed.toPython() if isinstance(claimed, Literal) else None,
            first_appearance=first,
            appearances=others,
        )
    return list(claims.values())


def claimreview_feed(kb: KnowledgeBase, *, publisher: str) -> dict[str, Any]:
    """A Data Commons-style DataFeed of the ClaimReviews of every claim with a verdict (cached per revision)."""
    return kb.cache.get(("claimreview-feed", publisher), lambda: _claimreview_feed(kb, publisher))


def _claimreview_feed(kb: KnowledgeBase, publisher: str) -> dict[str, Any]:
    times = revision_times(kb)
    elements = []
    for claim in sorted(reviewed_claims(kb), key=lambda c: str(c.iri)):
        first, last = times.get(claim.iri, (None, None))
        review = claim_review(claim, published=first, publisher=publisher, site=kb.iris.base)
        del review["@context"]
        element: dict[str, Any] = {"@type": "DataFeedItem", "item": [review]}
        if first and last:
            element |= {"dateCreated": first.isoformat(), "dateModified": last.isoformat()}
        elements.append(element)
    feed: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "name": f"{publisher}: ClaimReviews",
        "url": kb.iris.base,
        "dataFeedElement": elements,
    }
    if times:
        feed["dateModified"] = max(last for _, last in times.values()).isoformat()
    return feed


def claim_rows(kb: KnowledgeBase) -> list[dict[str, str]]:
    """One row per claim (retracted ones left out), in the columns of ``CSV_COLUMNS`` (cached per revision)."""
    return kb.cache.get(("claim-rows",), lambda: _claim_rows(kb))


def _claim_rows(kb: KnowledgeBase) -> list[dict[str, str]]:
    times = revision_times(kb)
    rows = []
    for row in kb.store.select(queries.CLAIM_TABLE):
        iri = URIRef(str(row["claim"]))
        first, last = times.get(iri, (None, None))
        rows.append(
            {
                "iri": str(iri),
                "text": str(row["text"]),
                "claimant": str(row.get("claimantName", "")),
                "type": str(row["type"]).removeprefix(CK_IRI),
                "status": str(row.get("status", "")).removeprefix(CK_IRI),
                "claimed_on": str(row.get("claimed", "")),
                "deadline": str(row.get("deadline", "")),
                "first_recorded": first.isoformat() if first else "",
                "last_changed": last.isoformat() if last else "",
                "source_count": str(row["sources"]),
            }
        )
    return rows


def write_claims_csv(kb: KnowledgeBase, handle: IO[str]) -> None:
    writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(claim_rows(kb))
