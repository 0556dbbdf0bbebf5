"""Keeps a search index in step with the knowledge base, and answers searches and listings from it.

The index records the last revision it applied. Each revision that lands is handed to a background
thread that applies it (the repository's listener), so a save does not wait for the index; on
opening, and before each search or listing if the store's revision counter moved, the index catches
up from the revision log (``ck:changed`` of every later revision) first. So a reader always sees
the index as of the latest revision, a crash between a store write and its index write loses
nothing, and every process sharing one store keeps its own index current.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef

from claims import concepts
from claims.independence import SUPPORT_ORIGIN_LABELS
from claims.model import SLUG_RE
from kb import language, queries
from kb.errors import KBError
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.read.pages import ClaimSummary
from kb.search import FACETS, SORTS, FacetCount, SearchHit, SearchIndex, SearchRequest, SearchResult
from kb.search.documents import DocumentBuilder
from kb.write.repository import RevisionInfo

log = logging.getLogger(__name__)

ORIGIN_FILE = "origin"
# Catching up through more changed resources than this rebuilds instead: replaying walks back from
# each resource with a few queries (about a millisecond each), a rebuild reads the store once.
REPLAY_LIMIT = 5_000
LISTING_LIMIT = 10_000
MAX_LINKS = 3  # how far a claim's search document reaches: claim -> quote -> source -> publisher

ProgressWrapper = Callable[[Iterable[Any], int], Iterable[Any]]  # (documents, about how many)

BACKENDS = ("whoosh", "tantivy")
STALE_NOTICE = "The latest changes may be missing from these results: the search index cannot be updated just now."


class SearchUnavailable(KBError):
    status = 503
    title = "Search unavailable"


def index_dir(data_dir: Path, backend: str) -> Path:
    """Where a backend keeps its index in the data directory (each its own, so switching rebuilds)."""
    return data_dir / ("search" if backend == "whoosh" else f"search-{backend}")


def open_index(path: Path, backend: str) -> SearchIndex:
    """The search engine named by ``CLAIMKB_SEARCH``: Whoosh (the default) or Tantivy (large knowledge bases)."""
    if backend == "whoosh":
        from kb.search.whoosh_backend import WhooshIndex

        return WhooshIndex(path)
    if backend == "tantivy":
        from kb.search.tantivy_backend import TantivyIndex

        return TantivyIndex(path)
    raise KBError(f"unknown search backend {backend!r} (CLAIMKB_SEARCH): use one of {', '.join(BACKENDS)}")


class SearchService:
    """The knowledge base's search: one index, kept current from the revision log."""

    def __init__(self, knowledge: KnowledgeBase, index: SearchIndex, path: Path, backend: str = "whoosh") -> None:
        self.kb = knowledge
        self.index = index
        self.path = path
        self.backend = backend
        self.documents = DocumentBuilder(knowledge.store)
        self._lock = threading.RLock()
        self._revisions: queue.Queue[RevisionInfo | None] = queue.Queue()
        self._follower: threading.Thread | None = None
        self._follower_lock = threading.Lock()  # not self._lock, which an index update holds for long

    @classmethod
    def open(
        cls, knowledge: KnowledgeBase, path: Path, *, catch_up: bool = True, backend: str = "whoosh"
    ) -> SearchService:
        """Open the ``backend`` index in ``path``, catch it up with the store, and follow new revisions.

        The index is closed with the knowledge base.
        """
        service = cls(knowledge, open_index(path, backend), path, backend)
        if catch_up:
            service.catch_up()
        knowledge.repository.listeners.append(service.on_revision)
        knowledge.close_hooks.append(service.close)
        return service

    def close(self) -> None:
        if self.on_revision in self.kb.repository.listeners:
            self.kb.repository.listeners.remove(self.on_revision)
        with self._follower_lock:
            if self._follower is not None:
                self._revisions.put(None)  # the revisions queued before it are applied first
                self._follower.join()
                self._follower = None
        self.index.close()

    # --- following the revision log -------------------------------------------------------------

    def _origin(self) -> str:
        """What identifies the store's history: the nonce of its first revision."""
        rows = self.kb.store.select(queries.SEARCH_ORIGIN, {"n": Literal(1)})
        return str(rows[0]["nonce"]) if rows else ""

    def catch_up(self) -> int:
        """Apply every revision the index has not seen; returns the revision it is now at."""
        with self._lock:
            self._recreate_if_deleted()
            origin_file = self.path / ORIGIN_FILE
            origin = self._origin()
            known = origin_file.read_text() if origin_file.exists() else None
            last = self.index.last_revision
            current = self.kb.repository.revision_count()
            if known != origin or last > current or (last == 0 and current > 0):
                # Another store's history, or none applied yet: rebuilding is quicker than replaying.
                self.rebuild()
                origin_file.write_text(origin)
                return current
            if last == current:
                return last
            # What unpublished work changed is named in the private log only (the claim leaves the index).
            newest, changed = self.kb.repository.changed_after(last, current, private=True)
            if len(changed) > REPLAY_LIMIT:
                log.info("search index: %d resources changed since revision %d; rebuilding", len(changed), last)
                self.rebuild()
                return self.index.last_revision
            self._apply(changed, newest)
            return newest

    def _recreate_if_deleted(self) -> None:
        """Make the index again if its directory was deleted (it is a cache: catching up rebuilds it)."""
        if self.path.exists():
            return
        log.warning("search index %s is missing; rebuilding it from the store", self.path)
        self.index.close()
        self.index = open_index(self.path, self.backend)

    def on_revision(self, info: RevisionInfo) -> None:
        """The repository's listener: queue the revision for the background thread and return."""
        with self._follower_lock:
            if self._follower is None:
                # Started on the first revision, not on opening: a server forks its workers after
                # opening, and a thread does not survive a fork.
                self._follower = threading.Thread(target=self._follow, name="claimkb-search-index", daemon=True)
                self._follower.start()
        self._revisions.put(info)

    def wait(self) -> None:
        """Return once every revision heard of so far is in the index (for tools and tests)."""
        self._revisions.join()

    def _follow(self) -> None:
        while True:
            info = self._revisions.get()
            try:
                if info is None:
                    return
                with self._lock:
                    if self.index.last_revision == info.number - 1:
                        self._apply({str(iri) for iri in info.changed}, info.number)
                    elif self.index.last_revision < info.number:
                        # revisions from another process came in between: follow the log instead
                        self.catch_up()
            except Exception as error:  # noqa: BLE001 - the thread must outlive any one failure
                # The revision is safely in the store; the next search or start catches the index up.
                log.warning("search index not updated for revision %s: %s", info.number if info else "?", error)
            finally:
                self._revisions.task_done()

    def _apply(self, changed: Iterable[str], revision: int) -> None:
        claims = self.affected_claims(changed)
        self.index.apply(self.documents.documents(claims), revision)

    def affected_claims(self, resources: Iterable[str]) -> set[str]:
        """The claims whose search document depends on any of ``resources``.

        A claim's document shows what is up to three links away (its quote's source's publisher),
        so the walk goes back at most three links from each changed resource, one bound query per
        resource reached; it stops at claims and never enters the revision records. A claim's
        support facet depends on whole derivation chains, so a changed source also reaches every
        claim resting on it however far down its chain (sources copied from copies of it).
        """
        claims: set[str] = set()
        frontier: set[str] = set()
        for resource in resources:
            kind_slug = self.kb.iris.kind_and_slug(resource)
            if kind_slug and kind_slug[0] == "claims":
                claims.add(resource)
            elif kind_slug and kind_slug[0] == "sources":
                frontier.add(resource)
                claims |= self._claims_resting_on(URIRef(resource))
            elif not (kind_slug and kind_slug[0] in ("revisions", "agents")):
                frontier.add(resource)
        seen = set(frontier)
        for _depth in range(MAX_LINKS):
            reached: set[str] = set()
            for resource in frontier:
                for row in self.kb.store.select(queries.SEARCH_REFERRERS, {"o": URIRef(resource)}):
                    subject = str(row["s"])
                    kind_slug = self.kb.iris.kind_and_slug(subject)
                    if row.get("isClaim") is not None:
                        claims.add(subject)
                    elif subject not in seen and not (kind_slug and kind_slug[0] in ("revisions", "agents")):
                        reached.add(subject)
            seen |= reached
            frontier = reached
        return claims

    def _claims_resting_on(self, source: URIRef) -> set[str]:
        """The claims citing ``source`` or any source derived from it, however far down the chain."""
        store = self.kb.store
        starts = {source} | {row["start"] for row in store.select(queries.SOURCES_DERIVED_FROM, {"source": source})}
        return {
            str(row["claim"])
            for start in starts
            for query in queries.CLAIMS_ON_SOURCE.values()
            for row in store.select(query, {"start": start})
        }

    def rebuild(self, progress: ProgressWrapper | None = None) -> int:
        """Index every claim afresh from the store; returns how many claims were indexed."""
        with self._lock:
            revision = self.kb.repository.revision_count()
            # An index may take its documents prepared (``TantivyIndex.prepare``), by two processes.
            total, documents = self.documents.stream(getattr(self.index, "prepare", None))
            count = self.index.rebuild(progress(documents, total) if progress else documents, revision)
            (self.path / ORIGIN_FILE).write_text(self._origin())
            return count

    # --- searching ------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        """Answer ``request`` from an index that is current with the store."""
        request, notices = validate_request(request)
        if self.kb.repository.revision_count() != self.index.last_revision:
            try:
                self.catch_up()
            except Exception as error:  # noqa: BLE001 - each engine says "cannot write" its own way
                # The data directory is read-only or full: answer from the index as it is.
                log.warning("search index could not catch up: %s", error)
                notices.append(STALE_NOTICE)
        try:
            result = self.index.search(request)
        except OSError as error:
            log.warning("search index could not be read: %s", error)
            raise SearchUnavailable(
                "Search is unavailable for the moment: its index is missing and cannot be rebuilt "
                "(the data directory is read-only or full). Claim pages still work; please try again later."
            ) from error
        result.notices[:0] = notices
        result.filters = dict(request.filters)
        result.sort = request.sort
        for facet, scheme in (("status", concepts.statuses()), ("type", concepts.claim_types())):
            if facet not in result.facets:
                continue  # not asked for
            result.facets[facet] = [
                FacetCount(c.value, scheme[c.value].label if c.value in scheme else c.label, c.count)
                for c in result.facets.get(facet, [])
            ]
        if "support" in result.facets:
            result.facets["support"] = [
                FacetCount(c.value, SUPPORT_ORIGIN_LABELS.get(c.value, c.label), c.count)
                for c in result.facets["support"]
            ]
        return result

    # --- listings for the reader pages (same shapes as KnowledgeBase's SPARQL versions) ---------

    def claims(self, filters: ClaimFilters | None = None, *, limit: int = LISTING_LIMIT) -> list[ClaimSummary]:
        """Claims matching ``filters``, newest claim first (as ``KnowledgeBase.claims``)."""
        filters = filters or ClaimFilters()
        wanted = {
            "status": filters.status,
            "type": filters.claim_type,
            "claimant": filters.claimant,
            "topic": filters.topic,
        }
        request = SearchRequest(
            filters={k: v for k, v in wanted.items() if v}, sort="date", per_page=limit, facets=False
        )
        return [summary(hit) for hit in self.search(request).hits]

    def listing(self, filters: ClaimFilters, page: int = 1, per_page: int = 50) -> tuple[list[ClaimSummary], int, int]:
        """One page of the claims matching ``filters``, newest first: (claims, total, pages)."""
        wanted = {
            "status": filters.status,
            "type": filters.claim_type,
            "claimant": filters.claimant,
            "topic": filters.topic,
        }
        pages = 1
        while True:
            request = SearchRequest(
                filters={k: v for k, v in wanted.items() if v}, sort="date", page=page, per_page=per_page, facets=False
            )
            result = self.search(request)
            pages = result.pages
            if page <= pages:
                return [summary(hit) for hit in result.hits], result.total, pages
            page = pages  # past the last page: show the last one

    def facet_counts(self, facets: tuple[str, ...] = FACETS) -> dict[str, list[tuple[str, str, int]]]:
        """Those facets' values over all claims (cached until the next revision: every listing shows
        some). Only the facets asked for are counted: at a million claims the home page's statuses take
        milliseconds, every facet (claimants, publishers, topics) a tenth of a second."""

        def compute() -> dict[str, list[tuple[str, str, int]]]:
            result = self.search(SearchRequest(per_page=1, facet_names=facets))
            return {facet: [(c.value, c.label, c.count) for c in counts] for facet, counts in result.facets.items()}

        return self.kb.cache.get(("search facet counts", id(self), facets), compute)

    def status_counts(self) -> dict[str, int]:
        counts = {key: 0 for key in concepts.statuses()}
        for value, _label, n in self.facet_counts(("status",))["status"]:
            if value in counts:
                counts[value] = n
        return counts

    def facet_values(self) -> dict[str, list[tuple[str, str, int]]]:
        """Claimants and topics with their claim counts, labels in alphabetical order."""
        counts = self.facet_counts(("claimant", "topic"))
        return {facet: sorted(counts[facet], key=lambda v: v[1].lower()) for facet in ("claimant", "topic")}


def validate_request(request: SearchRequest) -> tuple[SearchRequest, list[str]]:
    """The request with unknown filter values and sorts dropped, and a notice for each."""
    notices = []
    filters = {}
    statuses, types = concepts.statuses(), concepts.claim_types()
    for facet, value in request.filters.items():
        if not value:
            continue
        valid = {
            "status": value in statuses,
            "type": value in types,
            "year": value.isdigit() and len(value) == 4,
            "support": value in SUPPORT_ORIGIN_LABELS,
            "language": language.is_tag(value),
        }.get(facet, facet in FACETS and bool(SLUG_RE.match(value)) and len(value) <= 200)
        if valid:
            filters[facet] = value
        else:
            notices.append(f"“{value[:80]}” is not a {facet} we can filter by; ignored.")
    sort = request.sort if request.sort in SORTS else "relevance"
    if request.sort and request.sort not in SORTS:
        notices.append(f"Results can be sorted by {' or '.join(SORTS)}; showing them by relevance.")
    page = request.page if request.page >= 1 else 1
    cleaned = SearchRequest(
        query=request.query,
        filters=filters,
        sort=sort,
        page=page,
        per_page=request.per_page,
        facets=request.facets,
        facet_names=request.facet_names,
        facet_limit=request.facet_limit,
        correct=request.correct,
        snippets=request.snippets,
        any_words=request.any_words,
    )
    return cleaned, notices


def summary(hit: SearchHit) -> ClaimSummary:
    """A search hit as the claim cards of the reader pages show it."""
    statuses, types = concepts.statuses(), concepts.claim_types()
    return ClaimSummary(
        iri=URIRef(hit.iri),
        slug=hit.slug,
        name=hit.name,
        text=hit.text,
        status=statuses.get(hit.status) or statuses["unverified"],
        claim_type=types.get(hit.claim_type),
        claimant=URIRef(hit.claimant) if hit.claimant else None,
        claimant_name=hit.claimant_name,
        claimed_on=hit.claimed,
        deadline=hit.deadline,
    )
