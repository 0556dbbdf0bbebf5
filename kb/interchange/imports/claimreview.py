"""ClaimReview: a schema.org ClaimReview in JSON-LD, a list of them, or a Data Commons-style DataFeed.

Each ClaimReview becomes a claim ``claims/cr-<words>-<hash>`` (the hash is of the review's URL,
its own identifier) with the review as a verdict event: dated on the review's ``datePublished``,
by its author (the fact-checker), citing the review's page. The rating is mapped onto our statuses
through the crosswalk: its ``alternateName`` by label (our own labels, and LIAR's and AVeriTeC's),
else its ``ratingValue`` on its own ``worstRating``-``bestRating`` scale by our published 1-5 ratings.
The reviewed claim's author (with ``sameAs`` Wikidata), date and appearances come from ``itemReviewed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from claims import crosswalk
from claims.model import Iris, slugify
from claims.status import Stance, Status
from claims.vocab import SCHEMA
from kb.interchange.imports.records import (
    Record,
    RecordError,
    add_claim,
    add_event,
    check_unicode,
    clean_text,
    host_of,
    http_url,
    read_json_file,
    share_entity,
    share_web_source,
    short_hash,
    wikidata_id,
)
from kb.language import is_tag

AGENT = "import-claimreview"
UNATTRIBUTED = "Unattributed"


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1] for v in values if v}


def reviews(document: Any) -> Iterator[Any]:
    """The ClaimReviews of a document, in order: a review, a list, a ``@graph`` or a DataFeed."""
    if isinstance(document, list):
        for node in document:
            yield from reviews(node)
    elif isinstance(document, dict):
        if "ClaimReview" in _types(document):
            yield document
        elif "@graph" in document:
            yield from reviews(document["@graph"])
        elif "DataFeed" in _types(document):
            yield from reviews(document.get("dataFeedElement") or [])
        elif "DataFeedItem" in _types(document) or "item" in document:
            yield from reviews(document.get("item") or [])
        else:
            yield document  # reported as "not a ClaimReview" with its number
    else:
        yield document


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _date(value: Any, what: str) -> date:
    if not isinstance(value, str) or len(value) < 10:
        raise RecordError(f"no {what} (a date like 2022-11-30)")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as error:
        raise RecordError(f"{what} {value[:30]!r} is not a date like 2022-11-30") from error


def _name(node: Any) -> str | None:
    node = _first(node)
    if isinstance(node, str) and node.strip():
        return " ".join(node.split())[:200]
    if isinstance(node, dict) and isinstance(node.get("name"), str) and node["name"].strip():
        return " ".join(node["name"].split())[:200]
    return None


def _status(rating: Any) -> tuple[Status, str]:
    if not isinstance(rating, dict):
        raise RecordError("no reviewRating")
    label = rating.get("alternateName")
    if isinstance(label, str) and label.strip():
        status = crosswalk.status_for_rating_label(label)
        if status is not None:
            return status, " ".join(label.split())
    try:
        value = float(rating["ratingValue"])
        best = float(rating.get("bestRating", 5))
        worst = float(rating.get("worstRating", 1))
    except (KeyError, TypeError, ValueError):
        raise RecordError(
            f"the rating {str(label)[:40]!r} matches none of our statuses and has no ratingValue"
        ) from None
    status = crosswalk.status_for_rating_value(value, best, worst)
    if status is None:
        raise RecordError(f"ratingValue {value:g} is not on the scale {worst:g}–{best:g}")
    return status, str(label).strip() if isinstance(label, str) and label.strip() else f"{value:g} of {best:g}"


def _appearances(item: dict[str, Any], record: Record, iris: Iris) -> None:
    first = _first(item.get("firstAppearance"))
    others = item.get("appearance") or []
    others = others if isinstance(others, list) else [others]
    for node, predicate in [(first, SCHEMA.firstAppearance)] + [(o, SCHEMA.appearance) for o in others]:
        if not isinstance(node, dict):
            continue
        url = http_url(node.get("url"))
        if not url:
            continue
        headline = node.get("headline") or node.get("name")
        headline = " ".join(headline.split())[:300] if isinstance(headline, str) and headline.strip() else None
        source = share_web_source(record, iris, url, headline or f"Where the claim appeared ({host_of(url)})")
        assert record.model is not None  # the claim is made first
        if predicate == SCHEMA.firstAppearance:
            record.model.first_appearance = source
        elif source not in record.model.appearances:
            record.model.appearances.append(source)


def record_from_review(review: Any, number: int, iris: Iris) -> Record:
    """One ClaimReview as a claim with its verdict; ``RecordError`` says what is wrong."""
    if not isinstance(review, dict) or "ClaimReview" not in _types(review):
        raise RecordError("not a ClaimReview")
    check_unicode(review)
    url = http_url(review.get("url"))
    if url is None:
        raise RecordError("no url (the address of the review)")
    reviewed = clean_text(review.get("claimReviewed"), "claimReviewed")
    reviewer = _name(review.get("author"))
    if reviewer is None:
        raise RecordError("no author (the fact-checker who wrote the review)")
    published = _date(review.get("datePublished"), "datePublished")
    status, rating_label = _status(review.get("reviewRating"))
    item = _first(review.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    text = clean_text(item["text"], "itemReviewed text") if item.get("text") else reviewed
    slug = f"cr-{slugify(reviewed, 50)}-{short_hash(url)}"
    record = Record(number=number, claim=iris.claim(slug))
    author = _first(item.get("author"))
    author_name = _name(author)
    kind = "Person" if isinstance(author, dict) and "Person" in _types(author) else "Organization"
    same_as = author.get("sameAs") if isinstance(author, dict) else None
    wikidata = next((q for q in map(wikidata_id, same_as if isinstance(same_as, list) else [same_as]) if q), None)
    claimant = share_entity(
        record, iris, author_name or UNATTRIBUTED, kind=kind, wikidata=wikidata if author_name else None
    )
    claimed_on = _date(item["datePublished"], "itemReviewed datePublished") if item.get("datePublished") else None
    add_claim(
        record,
        slug=slug,
        text=text,
        claimant=claimant,
        name=reviewed if reviewed != text and len(reviewed) <= 120 else None,
        claimed_on=claimed_on,
        note=f"From a ClaimReview by {reviewer}.",
    )
    # The language the data gives (the claim's, else the review's); otherwise the importer detects it.
    language = item.get("inLanguage") or review.get("inLanguage")
    language = language.get("alternateName") or language.get("name") if isinstance(language, dict) else language
    if isinstance(language, str) and is_tag(language.strip()):
        assert record.model is not None
        record.model.language = language.strip()
    _appearances(item, record, iris)
    headline = review.get("name") or review.get("headline")
    headline = " ".join(headline.split())[:300] if isinstance(headline, str) and headline.strip() else None
    explanation = _first(review.get("reviewRating")).get("ratingExplanation")
    note = f"Rating: **{rating_label}**."
    if isinstance(explanation, str) and explanation.strip():
        note += "\n\n" + " ".join(explanation.split())[:5000]
    add_event(
        record,
        iris.event(f"{slug}-review"),
        when=published,
        stance=crosswalk.VERDICT_STANCE.get(status, Stance.CONTEXT),
        name=f"{reviewer}: “{rating_label}”",
        actor=share_entity(record, iris, reviewer),
        source=share_web_source(record, iris, url, headline or f"ClaimReview by {reviewer} ({host_of(url)})"),
        note=note,
    )
    return record


def read(path: Path, iris: Iris) -> Iterator[Record | tuple[int, str]]:
    """Each ClaimReview in ``path`` as a record, or ``(record number, problem)``."""
    document, problem = read_json_file(path)
    if problem is not None:
        yield 0, problem
        return
    for number, review in enumerate(reviews(document), start=1):
        try:
            yield record_from_review(review, number, iris)
        except RecordError as error:
            yield number, str(error)
