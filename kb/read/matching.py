"""Claims already recorded that say what a text says: candidates from the search index, ranked by the rules.

``Matcher.match`` asks the search index (either engine, through ``SearchIndex.search``) for the
claims sharing any of the text's words or figures, in the text's language, and compares each of the
best ``CANDIDATES`` with the text by ``claims.matching.compare``. The index does the cheap part
(finding a few dozen claims among many thousands, BM25), the rules the careful one (figures,
negation, direction, typos) and the reason. ``MatchResponse`` is the answer of ``GET /api/match``
as a pydantic model, so the API's generated OpenAPI document can describe it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Protocol

from pydantic import BaseModel, Field

from claims import matching
from kb.errors import KBError
from kb.language import detect_or_default
from kb.search import SearchHit, SearchRequest, SearchResult
from kb.store.cache import RevisionCache

CANDIDATES = 20  # claims the index hands over for each text: recall@5 on the labelled set is the same from 10 to 40
# A claim page's similar claims: fewer candidates (the labelled set's figures hold from 10), since every
# first view of a claim page pays for them (1.7 against 2.7 ms CPU a page at 100k claims).
SIMILAR_CANDIDATES = 10
MAX_QUERY_WORDS = 30  # the index's parser takes at most 40 clauses
MAX_TEXT_CHARS = 2000
MAX_LIMIT = 50

_QUERY_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 control characters, and DEL


class Searchable(Protocol):
    def search(self, request: SearchRequest) -> SearchResult: ...


class MatchRequestError(KBError):
    status = 400
    title = "Bad match request"


@dataclass(frozen=True)
class Match:
    slug: str
    iri: str
    text: str
    score: float
    same_claim: bool
    reason: str
    language: str = matching.DEFAULT_LANGUAGE
    claimant: str | None = None


class MatchItem(BaseModel):
    """One claim already recorded that may say the same as the text asked about."""

    slug: str = Field(description="The claim's slug: its page is /claims/{slug}.")
    iri: str = Field(description="The claim's IRI.")
    text: str = Field(description="The claim's neutral wording.")
    score: float = Field(ge=0, le=1, description="How closely it says the same, from 0 to 1.")
    same_claim: bool = Field(description="True when the system is confident it is the same claim.")
    reason: str = Field(description="Why, in words: shared words and figures, same claimant, what disagrees.")


class MatchResponse(BaseModel):
    """The answer of GET /api/match: the claims that say the same as the text, best first."""

    matches: list[MatchItem]


def response(matches: Iterable[Match]) -> MatchResponse:
    return MatchResponse(
        matches=[
            MatchItem(slug=m.slug, iri=m.iri, text=m.text, score=m.score, same_claim=m.same_claim, reason=m.reason)
            for m in matches
        ]
    )


def check_text(text: str) -> str:
    """The text to match, or a ``MatchRequestError`` saying what is wrong with it."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise MatchRequestError("Give the text of a claim to match (the text parameter is empty).")
    if len(cleaned) > MAX_TEXT_CHARS:
        raise MatchRequestError(f"The text is {len(cleaned)} characters long; at most {MAX_TEXT_CHARS} are matched.")
    if _CONTROL.search(cleaned):
        raise MatchRequestError("The text holds control characters; send plain text.")
    return cleaned


def search_words(text: str, language: str) -> list[str]:
    """The words and figures of ``text`` to look for in the index, as plain lower-case words."""
    stops = matching._stop_words(matching.language_of(language))
    words: list[str] = []
    for word in _QUERY_WORD.findall(matching.fold(text)):
        if word.isdigit() or (len(word) > 1 and word not in stops):
            words.append(word)
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


@lru_cache(maxsize=20_000)
def _analysed_claim(text: str, language: str, claimant: str | None, claimed: date | None) -> matching.Analysed:
    """A recorded claim as the rules read it; kept, since the same claims come up for many texts."""
    return matching.analyse(text, language, claimant, claimed)


class Matcher:
    """Finds the recorded claims that say what a text says, in one search index."""

    def __init__(self, index: Searchable, candidates: int = CANDIDATES) -> None:
        self.index = index
        self.candidates = candidates

    def match(
        self,
        text: str,
        *,
        language: str | None = None,
        claimant: str | None = None,
        claimed: date | None = None,
        limit: int = 5,
        exclude: str | None = None,
        analysed: matching.Analysed | None = None,
    ) -> list[Match]:
        """The claims most like ``text``, best first; ``exclude`` leaves out one claim (the claim itself).

        ``analysed`` is ``text`` as ``claims.matching.analyse`` reads it, when the caller has it already.
        """
        text = check_text(text)
        if not 1 <= limit <= MAX_LIMIT:
            raise MatchRequestError(f"limit must be between 1 and {MAX_LIMIT}.")
        tag = language or detect_or_default(text)
        words = search_words(text, tag)
        if not words:
            return []
        request = SearchRequest(
            any_words=tuple(words),
            filters={"language": tag.split("-", 1)[0].lower()},  # matching works within one language
            per_page=self.candidates + (1 if exclude else 0),
            facets=False,
            correct=False,
            snippets=False,
        )
        found = self.index.search(request).hits
        hits = [h for h in found if h.iri != exclude]
        analysed = (
            analysed
            or self._itself(found, exclude, text, tag, claimant, claimed)
            or matching.analyse(text, tag, claimant, claimed)
        )
        # Every candidate is scored; only those returned have their reason put in words.
        scored = []
        for hit in hits:
            candidate = matching.restored(
                hit.matching, hit.text, hit.language, hit.claimant, hit.claimed
            ) or _analysed_claim(hit.text, hit.language, hit.claimant, hit.claimed)
            assessed = matching.assess(analysed, candidate)
            scored.append((-assessed.verdict.score, hit.slug, hit, candidate, assessed))
        scored.sort(key=lambda item: item[:2])
        return [self._compared(analysed, *item[2:]) for item in scored[:limit]]

    @staticmethod
    def _itself(
        hits: list[SearchHit], exclude: str | None, text: str, tag: str, claimant: str | None, claimed: date | None
    ) -> matching.Analysed | None:
        """The analysis the index keeps of the claim left out, when it is the text asked about (a claim
        page's similar claims): read back rather than made again."""
        language = matching.language_of(tag)
        for hit in hits:
            if hit.iri == exclude and hit.text == text and matching.language_of(hit.language) == language:
                return matching.restored(hit.matching, text, tag, claimant, claimed)
        return None

    @staticmethod
    def _compared(
        analysed: matching.Analysed, hit: SearchHit, candidate: matching.Analysed, assessed: matching.Assessment
    ) -> Match:
        result = matching.compare(analysed, candidate, assessed)
        return Match(
            slug=hit.slug,
            iri=hit.iri,
            text=hit.text,
            score=result.score,
            same_claim=result.same_claim,
            reason=result.reason,
            language=hit.language,
            claimant=hit.claimant,
        )


def similar_claims(
    matcher: Matcher, cache: RevisionCache, iri: str, text: str, language: str | None, limit: int = 5
) -> list[Match]:
    """The claims most like the claim ``iri`` (itself left out), cached until the next revision.

    A claim page shows them, so a search index that cannot be read just now (503) leaves the list
    empty, uncached, and the page still answers.
    """

    def compute() -> list[Match]:
        try:
            return matcher.match(text, language=language, limit=limit, exclude=iri)
        except MatchRequestError:  # a claim text the matcher refuses has no similar claims listed
            return []

    try:
        return cache.get(("similar claims", iri, text, language, limit), compute)
    except KBError as error:
        if error.status == 503:
            return []
        raise
