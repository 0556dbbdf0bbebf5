"""Full-text search over the claims: one small interface, whatever the engine behind it.

The index is a derived cache of the store. ``SearchService`` (``kb.search.service``) keeps it in
step with the revision log; a backend (``kb.search.whoosh_backend``) implements ``SearchIndex``
with the plain request and result values below, so no engine type leaks out of this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from claims.independence import NO_SUPPORT
from kb.errors import KBError
from kb.search.documents import ClaimDocument

# The facets a reader can narrow by, in the order pages show them.
FACETS: tuple[str, ...] = ("status", "type", "claimant", "publisher", "topic", "year", "support", "language")
SORTS: tuple[str, ...] = ("relevance", "date")
MAX_QUERY_CHARS = 300
MAX_PER_PAGE = 100
MAX_RESULTS_DEPTH = 10_000  # page * per_page beyond this is refused


class SearchQueryError(KBError):
    """A query the engine cannot answer; the message says how to fix it."""

    status = 400
    title = "Search query not understood"


# A query as a plain boolean tree of what the reader typed (unstemmed, lower case):
# ("text", "words or a phrase"), ("field", "claimant", "tiktok"), ("not", tree),
# ("all", [trees]), ("any", [trees]). Engines build it; kb.search.sparql renders it.
QueryTree = tuple[Any, ...]


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)  # facet name -> value (a notation or slug)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True
    # Which facets to count (None: every one of FACETS). A page that shows one facet asks for it alone:
    # counting claimants or topics over a million claims costs tens of milliseconds each.
    facet_names: tuple[str, ...] | None = None
    # At most this many values of each facet, the first in the order pages show them (None: all):
    # turning thousands of claimants' counts into Python objects took milliseconds a search.
    facet_limit: int | None = None
    correct: bool = True  # look for a spelling correction when the query finds little
    snippets: bool = True  # mark the matched words in each hit's snippet (matching needs no snippets)
    # Instead of a query: the per_page best claims holding any of these words (BM25; no facets,
    # no paging, the total estimated). Claim matching asks this way: no parsing, top hits only.
    any_words: tuple[str, ...] = ()


def answer_key(request: SearchRequest, text: str, page: int, per_page: int) -> tuple[object, ...]:
    """What a backend keeps an answer under: the cleaned query, its filters and every option that
    shapes the answer, with the page and its size as the backend clamped them."""
    return (
        text,
        tuple(sorted(request.filters.items())),
        request.sort,
        page,
        per_page,
        request.facets,
        request.facet_names,
        request.facet_limit,
        request.correct,
        request.snippets,
    )


@dataclass(frozen=True)
class FacetCount:
    value: str
    label: str
    count: int


@dataclass
class SearchHit:
    iri: str
    slug: str
    name: str
    text: str
    status: str
    claim_type: str
    claimant: str | None  # IRI
    claimant_name: str | None
    claimed: date | None
    deadline: date | None
    score: float | None
    snippet_html: str  # escaped text with <mark> around the matched words; safe to render as is
    support_origins: str = NO_SUPPORT  # single-origin, several-origins or no-support (claims.independence)
    language: str = "en"  # BCP 47 tag: recorded (schema:inLanguage), else detected when indexed
    matching: object = None  # the text as claim matching reads it (claims.matching.stored_form), if kept


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetCount]]
    parsed_query: str  # the query as the engine understood it
    query_tree: QueryTree | None  # the query as typed, as a plain boolean tree (for SPARQL)
    suggestion: str | None = None  # "did you mean"
    corrected_from: str | None = None  # set when the results are for ``suggestion`` instead of the query
    notices: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)  # the filters applied (unknown ones dropped)
    sort: str = "relevance"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


Progress = Callable[[Iterable[ClaimDocument], int], Iterable[ClaimDocument]]


class SearchIndex(Protocol):
    """What a search engine backend offers; ``kb.search.service`` drives it."""

    @property
    def last_revision(self) -> int:
        """The last revision of the store whose changes the index holds."""
        ...

    def apply(self, documents: Mapping[str, ClaimDocument | None], revision: int) -> None:
        """Index each document (``None``: remove that claim) and record ``revision``, in one commit."""
        ...

    def rebuild(self, documents: Iterable[ClaimDocument], revision: int) -> int:
        """Replace the whole index with ``documents``; returns how many were indexed."""
        ...

    def search(self, request: SearchRequest) -> SearchResult: ...

    def close(self) -> None: ...
