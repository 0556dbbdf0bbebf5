"""The Tantivy search index, for large knowledge bases: the same searches as the Whoosh one, faster.

Readers' queries are parsed by the same parser as the Whoosh backend's (``whoosh.qparser`` over the
same schema), so the syntax, the error messages and the query tree for SPARQL are identical; the parsed
query is then translated into Tantivy queries. Text is analysed in Python by the same analysers too
(stemming, stop words) and indexed as ready-made tokens, so a word matches the same claims on both
backends. What Tantivy adds is speed: phrases answered from positions, facet counts from
aggregations over columnar fields, sorting by date from a numeric fast field, and an index built in Rust.

Newest-first order (date descending, then slug ascending) is kept as a 64-bit number per claim, ``rank``:
the day in the high bits, the slug's first nine characters below (see ``rank``). Tantivy orders a page at
any depth by a number in a few milliseconds, where a string sort key cost 17 µs for every claim before
the page (85 ms for page 100 of 10k). The number is a coarsening of the exact order (two claims of one
day whose slugs share nine characters tie), so a page is fetched with one claim either side: when a
neighbour ties with the page's first or last claim, the tied claims are read and ordered exactly
(``_newest``). Pages stay identical to the Whoosh backend's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import tantivy
from whoosh import qparser, query
from whoosh.support.levenshtein import distance

from claims.matching import LANGUAGES
from kb.search import (
    FACETS,
    MAX_PER_PAGE,
    MAX_RESULTS_DEPTH,
    FacetCount,
    SearchHit,
    SearchQueryError,
    SearchRequest,
    SearchResult,
    answer_key,
)
from kb.search.analysis import MARK, QuickAnalysis, query_language
from kb.search.analysis import marked as with_language_mark
from kb.search.documents import ClaimDocument, Linked
from kb.search.kept import Kept
from kb.search.state import RevisionState
from kb.search.whoosh_backend import (
    COMMON_SHARE,
    MIN_TERMS,
    QUERY_FIELDS,
    SEP,
    _original,
    _schema,
    clean_query,
    filter_query,
    hit_from_data,
    parse_query,
    query_tree,
)

log = logging.getLogger(__name__)

# 2: support facet; 3: language facet; 4: words analysed in their language; 5: rank; 6: data stored only
SCHEMA_VERSION = 6
TOKENS = "tokens"  # our tokenizer: split on spaces, the words being analysed already
WRITER_HEAP = 128 * 1024 * 1024
REBUILD_HEAP = 512 * 1024 * 1024  # one writer for the whole rebuild: fewer, larger segments to merge
WRITER_WAIT = 30.0
FACET_BUCKETS = 100_000
NEARLY_ALL = 0.95  # the share of claims in the language asked for, from which matching searches unfiltered first
WORD_CACHE = 50_000  # words whose query terms are kept, per language (matching asks for the same ones often)
RESULT_CACHE = 64  # whole answers kept per commit (a repeated page); 50 hits of a few kB each: a few MB at most
COUNTS_CACHE = 1_024  # counts (total, facets, years) kept per commit, per query and filters
DEEP = 1_000  # from this offset on, a newest-first page is looked for within the years that hold it
MONTHS_FROM = 5_000  # and within their months, when those years hold this many hits

TEXT_FIELDS = ("content", "claimant", "about", "publisher", "topic")
LABELLED = ("claimant", "publisher", "topic")
PLAIN_FACETS = ("status", "type", "year", "support", "language")


def _tantivy_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("claim", stored=True, tokenizer_name="raw")
    builder.add_unsigned_field(RANK, fast=True, indexed=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENS, index_option="position")
    builder.add_text_field("words", tokenizer_name=TOKENS, index_option="basic")  # unstemmed, for spelling
    for name in PLAIN_FACETS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    for name in LABELLED:
        builder.add_text_field(f"f_{name}", fast=True, tokenizer_name="raw", index_option="basic")
        builder.add_text_field(f"k_{name}", tokenizer_name="raw", index_option="basic")
    # What a hit shows, stored only: as a text field it was also indexed, one long term per claim,
    # which cost two thirds of Tantivy's time in a rebuild and answered no query.
    builder.add_bytes_field("data", stored=True)
    return builder.build()


def sort_key(claimed: str | None, slug: str) -> str:
    """The exact newest-first order, sorted descending: the date (ISO; undated last), then slugs in
    ascending order (each character inverted)."""
    return (claimed or "") + "\x00" + "".join(chr(0x7F - ord(c)) if ord(c) < 0x7F else c for c in slug) + "\x7f"


RANK = "rank"
SLUG_ALPHABET = "-0123456789abcdefghijklmnopqrstuvwxyz"  # claims.model.SLUG_RE, in code point order
SLUG_CHARS = 9  # 38 ** 9 < 2 ** 48: nine characters (and the end of a slug) in the low 48 bits
SLUG_BITS = 48
FIRST_DAY = date(1900, 1, 1).toordinal() - 1  # days from 1900 in the high 16 bits (earlier ones tie)


def _slug_code(slug: str) -> int:
    """The first characters of ``slug`` as a number in slug order (never a greater number for a smaller
    slug; equal numbers are told apart exactly by ``sort_key``). A character outside the alphabet counts
    as the one just below it with every later position at its greatest, which keeps the order."""
    base = len(SLUG_ALPHABET) + 1  # 0: the slug has ended
    digits: list[int] = []
    for char in slug[:SLUG_CHARS]:
        index = SLUG_ALPHABET.find(char)
        if index >= 0:
            digits.append(index + 1)
            continue
        digits.append(sum(1 for c in SLUG_ALPHABET if c < char))
        digits.extend([base - 1] * (SLUG_CHARS - len(digits)))
        break
    digits.extend([0] * (SLUG_CHARS - len(digits)))
    code = 0
    for digit in digits:
        code = code * base + digit
    return code


# The years whose claims' ranks hold their day: ``rank`` gives one rank to every day from 1900-01-01
# back, and to every day from 2079-06-05 on.
_RANKED_YEARS = (1900, 2079)


def _month_ranks(year: int) -> list[tuple[int, int]]:
    """The ranks of each month of ``year`` as (lowest, one past the highest): every slug of its days.
    Multiples of 2 ** 48, so exact as the floating-point numbers a range aggregation takes."""
    starts = [date(year, month, 1).toordinal() - FIRST_DAY for month in range(1, 13)]
    starts.append(date(year + 1, 1, 1).toordinal() - FIRST_DAY)
    return [(starts[n] << SLUG_BITS, starts[n + 1] << SLUG_BITS) for n in range(12)]


def rank(claimed: date | None, slug: str) -> int:
    """A number that orders claims newest first, then by slug, read descending (undated last)."""
    day = claimed.toordinal() - FIRST_DAY if claimed else 0
    if claimed and not 1 < day < 0xFFFF:  # from 1900-01-01 back, or 2079-06-05 on: one rank for each end
        return min(max(day, 1), 0xFFFF) << SLUG_BITS
    return (day << SLUG_BITS) | ((1 << SLUG_BITS) - 1 - _slug_code(slug))


# What a claim's Tantivy document holds, as plain values (fields, rank): what a rebuild's second process
# prepares for this one (``kb.search.scan``), which then only makes the ``tantivy.Document`` of it.
Prepared = tuple[dict[str, Any], int]
PREPARE = "kb.search.tantivy_backend:prepared_fields"  # for ``SearchService.rebuild``: importable by name


class _Analysers:
    """The analysers documents are indexed with, made once per process (Whoosh's costs a few ms)."""

    def __init__(self) -> None:
        self.stem = _schema()["content"].analyzer
        self.quick = QuickAnalysis()


@cache
def _analysers() -> _Analysers:
    return _Analysers()


def prepared_fields(document: ClaimDocument) -> Prepared:
    """The fields of ``document``'s Tantivy document and its rank, as plain values (picklable)."""
    quick, stem = _analysers().quick, _analysers().stem
    claimant = [document.claimant] if document.claimant else []
    linked: dict[str, list[Linked]] = {
        "claimant": claimant,
        "about": list(document.about),
        "publisher": list(document.publishers),
        "topic": list(document.topics),
    }
    content = "\n".join(
        [document.name, document.text, *document.quotes, document.note, *document.evidence]
        + [v.label for v in [*claimant, *document.about, *document.publishers, *document.topics]]
    )
    content_marked = with_language_mark(content, document.language)
    english = not content_marked.startswith(MARK)
    words = quick.lowered(content)  # one split for both fields
    fields: dict[str, Any] = {
        "claim": document.iri,
        "content": quick.english_words(words) if english else " ".join(t.text for t in stem(content_marked)),
        "words": " ".join(words),
        "status": document.status,
        "type": document.claim_type,
        "support": document.support_origins,
        "language": document.language.split("-", 1)[0].lower(),
        "data": json.dumps(document.stored()).encode(),
    }
    for name, values in linked.items():
        fields[name] = quick.words(" ".join(f"{v.slug} {v.label}" for v in values))
    for name in LABELLED:
        fields[f"f_{name}"] = [f"{v.slug}{SEP}{v.label}" for v in linked[name]]
        fields[f"k_{name}"] = [v.slug for v in linked[name]]
    if document.year:
        fields["year"] = str(document.year)
    return {k: v for k, v in fields.items() if v != []}, rank(document.claimed, document.slug)


class TantivyIndex(RevisionState):
    """A Tantivy index in one directory, following the store's revisions (see ``kb.search.service``)."""

    backend = "tantivy"  # its name in CLAIMKB_SEARCH (another process opens it by path and name)
    schema_version = SCHEMA_VERSION
    prepare = PREPARE  # a rebuild's documents come prepared (``prepared_fields``), by two processes

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._whoosh_schema = _schema()
        self._stem = self._whoosh_schema["content"].analyzer
        self._parsers = {language: _make_parser(_schema(language)) for language in LANGUAGES}
        self.schema = _tantivy_schema()
        state = self._read_state()
        fresh = state.get("schema") != SCHEMA_VERSION
        self._index = tantivy.Index(self.schema, path=str(path), reuse=not fresh)
        self._index.register_tokenizer(TOKENS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        if fresh:
            self._write_state(0)
        self._revision = int(self._read_state().get("revision", 0))
        self._word_terms: dict[str, dict[str, tuple[str, ...]]] = {}
        self._current: _Reading | None = None  # the searcher matching reads, while no commit replaces it

    # --- state ------------------------------------------------------------------------------

    # --- writes -----------------------------------------------------------------------------

    def _writer(self, heap: int = WRITER_HEAP) -> tantivy.IndexWriter:
        """The index's one writer; another process holding it is waited for, then reported as OSError."""
        deadline = time.monotonic() + WRITER_WAIT
        while True:
            try:
                return self._index.writer(heap_size=heap, num_threads=1)
            except ValueError as error:
                if time.monotonic() > deadline:
                    raise OSError(f"the search index is locked by another writer: {error}") from error
                time.sleep(0.05)

    def _document(self, document: ClaimDocument | Prepared) -> tantivy.Document:
        fields, rank_value = document if isinstance(document, tuple) else prepared_fields(document)
        built = tantivy.Document(**fields)
        built.add_unsigned(RANK, rank_value)
        return built

    def apply(self, documents: Mapping[str, ClaimDocument | None], revision: int) -> None:
        with self._lock:
            writer = self._writer()
            try:
                for iri, document in documents.items():
                    writer.delete_documents_by_term("claim", iri)
                    if document is not None:
                        writer.add_document(self._document(document))
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            self._index.reload()
            self._write_state(max(revision, self._revision))

    def rebuild(self, documents: Iterable[ClaimDocument | Prepared], revision: int) -> int:
        """Index ``documents`` (or what ``prepared_fields`` made of them) in place of the index's."""
        with self._lock:
            writer = self._writer(REBUILD_HEAP)
            count = 0
            try:
                writer.delete_all_documents()
                for document in documents:
                    writer.add_document(self._document(document))
                    count += 1
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            self._index.reload()
            self._write_state(revision)
            return count

    def close(self) -> None:
        pass  # Tantivy keeps no open writer between commits; its files close with the object

    def clear_cache(self) -> None:
        """Forget the answers and counts kept for this commit (the benchmark measures cold queries)."""
        with self._lock:
            if self._current is not None:
                self._current.results.clear()
                self._current.counts.clear()

    # --- reads ------------------------------------------------------------------------------

    def _parse(self, text: str, language: str | None = None) -> query.Query | None:
        return parse_query(self._parsers[query_language(language)], text)

    def _translate(self, node: query.Query) -> tantivy.Query:
        """A parsed Whoosh query as the Tantivy query that matches the same documents."""
        schema = self.schema
        if isinstance(node, query.Term):
            field, value = node.fieldname, str(node.text)
            if field in ("status", "type", "year", "language"):
                return _term(schema, field, value.lower())
            if field in TEXT_FIELDS:
                return _term(schema, field, value)
        elif isinstance(node, query.Phrase) and node.fieldname in TEXT_FIELDS:
            words: list[str | tuple[int, str]] = [str(w) for w in node.words]
            if len(words) == 1:
                return _term(schema, node.fieldname, str(words[0]))
            return tantivy.Query.phrase_query(schema, node.fieldname, words, slop=max(0, node.slop - 1))
        elif isinstance(node, query.Every):
            return tantivy.Query.all_query()
        elif isinstance(node, query.And | query.Or):
            occur = tantivy.Occur.Must if isinstance(node, query.And) else tantivy.Occur.Should
            return tantivy.Query.boolean_query([(occur, self._translate(child)) for child in node.children()])
        elif isinstance(node, query.Not):
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, self._translate(node.query))]
            )
        elif isinstance(node, query.AndNot):
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self._translate(node.a)), (tantivy.Occur.MustNot, self._translate(node.b))]
            )
        elif isinstance(node, query.AndMaybe):
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self._translate(node.a)), (tantivy.Occur.Should, self._translate(node.b))]
            )
        raise query.QueryError(f"no Tantivy equivalent for {type(node).__name__}")

    def _filters(self, filters: Mapping[str, str]) -> list[tantivy.Query]:
        clauses = []
        for facet, value in sorted(filters.items()):
            if not value:
                continue
            if facet in PLAIN_FACETS:
                clauses.append(_term(self.schema, facet, value.lower() if facet == "language" else value))
            elif facet in LABELLED:
                clauses.append(_term(self.schema, f"k_{facet}", value))
        return clauses

    def _query_terms(self, language: str, words: Iterable[str]) -> list[str]:
        """``words`` analysed as a query in ``language``, each word's terms kept (an import asks for the
        same words thousands of times; Whoosh's analyser costs ~15 µs a word)."""
        known = self._word_terms.setdefault(language, {})
        if len(known) > WORD_CACHE:
            known.clear()
        analyzer = None
        terms: set[str] = set()
        for word in words:
            found = known.get(word)
            if found is None:
                analyzer = analyzer or self._parsers[language].schema["content"].analyzer
                found = known[word] = tuple(token.text for token in analyzer(word, mode="query"))
            terms.update(found)
        return sorted(terms)

    def _current_searcher(self) -> _Reading:
        """A searcher over the last commit (this process's or another's), with what was counted in it.

        ``Index.reload`` costs ~0.3 ms even when nothing changed, which matching an import paid for
        every record. Every commit writes a new ``meta.json`` (its opstamp and segments), so the file's
        bytes tell whether there is anything to reload: not its inode, time and size, which two commits
        within one tick of the file system's clock can share (a freed inode is reused at once).
        """
        try:
            key: bytes | None = (self.path / "meta.json").read_bytes()
        except OSError:
            key = None
        with self._lock:
            current = self._current
            if current is None or key is None or current.key != key:
                self._index.reload()
                current = self._current = _Reading(key, self._index.searcher())
            return current

    def _best_with_any(self, request: SearchRequest) -> SearchResult:
        """The best claims holding any of ``request.any_words`` (analysed in the request's language)."""
        per_page = max(1, min(request.per_page, MAX_PER_PAGE))
        terms = self._query_terms(query_language(request.filters.get("language")), request.any_words)
        if not terms:
            return SearchResult(
                hits=[], total=0, page=1, per_page=per_page, facets={}, parsed_query="", query_tree=None
            )
        reading = self._current_searcher()
        searcher, frequencies = reading.searcher, reading.frequencies
        if len(frequencies) > WORD_CACHE:  # words typed into /api/match need not be in the index
            frequencies.clear()
        for term in terms:
            if term not in frequencies:
                frequencies[term] = searcher.doc_freq("content", term)
        # As the Whoosh backend: the very common words left out, the MIN_TERMS rarest always kept.
        total = max(1, searcher.num_docs)
        by_rarity = sorted(terms, key=lambda t: (frequencies[t], t))
        kept = [t for t in by_rarity if frequencies[t] <= COMMON_SHARE * total]
        terms = kept if len(kept) >= MIN_TERMS else by_rarity[:MIN_TERMS]
        words = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, _term(self.schema, "content", term)) for term in terms]
        )
        filters = self._filters(request.filters)
        language = (request.filters.get("language") or "").lower()
        found: Any = None
        if len(filters) == 1 and language and reading.share(language) >= NEARLY_ALL:
            # Matching filters by language, and a filter clause costs Tantivy its quickest way to the
            # best hits (block-max WAND): 0.64 against 0.22 ms among 100k claims. When nearly every
            # claim is in that language, the best hits without the filter are very likely all in it,
            # and then they are the best with it too (its term adds the same score to every claim of
            # the language); when one is not, the filtered query is asked after all.
            found = searcher.search(words, limit=per_page, count=False)
            hits = [self._hit(searcher.doc(address), set(), float(score)) for score, address in found.hits]
            if any(hit.language.split("-", 1)[0].lower() != language for hit in hits):
                found = None
        if found is None:
            final = tantivy.Query.boolean_query([(tantivy.Occur.Must, clause) for clause in [words, *filters]])
            found = searcher.search(final, limit=per_page, count=False)
            hits = [self._hit(searcher.doc(address), set(), float(score)) for score, address in found.hits]
        return SearchResult(
            hits=hits,
            # Not counted: counting every claim holding any of the words stops Tantivy skipping those that
            # cannot reach the best (block-max WAND), and matching reads only the best.
            total=len(hits),
            page=1,
            per_page=per_page,
            facets={},
            parsed_query=" OR ".join(terms),
            query_tree=None,
        )

    def search(self, request: SearchRequest) -> SearchResult:
        if request.any_words:
            return self._best_with_any(request)
        text, notices = clean_query(request.query)
        per_page = max(1, min(request.per_page, MAX_PER_PAGE * 100))
        page = max(1, request.page)
        if page * per_page > MAX_RESULTS_DEPTH:
            raise SearchQueryError(
                f"Results are shown up to number {MAX_RESULTS_DEPTH}; narrow the search with words or facets."
            )
        parsed = self._parse(text, request.filters.get("language"))
        reading = self._current_searcher()  # one searcher per commit: reloading cost ~0.3 ms a search
        key = answer_key(request, text, page, per_page)
        result = reading.results.get(key)
        if result is None:
            result = self._run(reading, parsed, text, request, page, per_page)
            if result.total == 0 and parsed is not None and request.correct:
                result = self._corrected(reading, parsed, text, request, page, per_page) or result
            reading.results.put(key, result)
        # A copy: callers add their notices and relabel facets.
        return replace(result, notices=[*notices, *result.notices], facets=dict(result.facets))

    def _run(
        self,
        reading: _Reading,
        parsed: query.Query | None,
        text: str,
        request: SearchRequest,
        page: int,
        per_page: int,
    ) -> SearchResult:
        searcher = reading.searcher
        try:
            text_query = self._translate(parsed) if parsed is not None else None
        except query.QueryError as error:
            raise SearchQueryError(
                "This query cannot be answered as written; try it without the field name or quotes."
            ) from error
        clauses = ([text_query] if text_query is not None else []) + self._filters(request.filters)
        if not clauses:
            final = tantivy.Query.all_query()
        elif len(clauses) == 1:
            final = clauses[0]
        else:
            final = tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])
        by_date = request.sort == "date" or text_query is None
        offset = (page - 1) * per_page
        marked = self._marked_words(parsed) if request.snippets else set()
        # What does not depend on the page or the order is counted once per query, filters and commit:
        # the facets (a pass over every hit: tens of ms for a common word among a million claims), the
        # total, the hits per year. Deeper pages, the other order and the JSON reuse them.
        counted_by = (text, tuple(sorted(request.filters.items())))
        counts = reading.counts.get(counted_by)
        if counts is None:
            counts = reading.counts.put(counted_by, _Counts())
        if not clauses:
            counts.total = searcher.num_docs  # every claim: the searcher knows how many without a pass
        wanted = FACETS if request.facet_names is None else tuple(f for f in FACETS if f in request.facet_names)
        limit = request.facet_limit
        missing = [facet for facet in wanted if (facet, limit) not in counts.facets] if request.facets else []
        counted: dict[str, list[FacetCount]] = {}
        for facet in missing if not clauses else ():  # every claim: from the term dictionary when exact
            terms = reading.whole_terms(facet)
            if terms is not None:
                counted[facet] = _term_counts(facet, terms, limit)
        if missing := [facet for facet in missing if facet not in counted]:
            aggregated, counts.total = self._facets(searcher, final, missing, limit, counts.total)
            counted.update(aggregated)
        if counted:  # a new dict: other threads may be reading the old one
            counts.facets = {**counts.facets, **{(facet, limit): values for facet, values in counted.items()}}
        if by_date:
            if not clauses and counts.years is None and (years := reading.whole_terms("year")) is not None:
                counts.years = _newest_years(years)
            newest, total = self._newest(searcher, final, offset, per_page, counts)
            hits = [hit_from_data(iri, data, marked, None, self._stem) for iri, data in newest]
        else:
            # Without counting, Tantivy skips the blocks of postings that cannot reach the page (block-max WAND).
            found = searcher.search(final, limit=per_page, offset=offset, count=counts.total is None)
            if counts.total is None:
                counts.total = int(getattr(found, "count", 0) or 0)
            total = counts.total
            hits = [self._hit(searcher.doc(address), marked, float(score)) for score, address in found.hits]
        return SearchResult(
            hits=hits,
            total=total,
            page=page,
            per_page=per_page,
            facets={facet: counts.facets[facet, limit] for facet in wanted} if request.facets else {},
            parsed_query=_described(parsed, request.filters),
            query_tree=query_tree(parsed, text) if parsed is not None else None,
        )

    # --- newest first -------------------------------------------------------------------------

    def _newest(
        self, searcher: tantivy.Searcher, final: tantivy.Query, offset: int, limit: int, counts: _Counts
    ) -> tuple[list[tuple[str, dict[str, Any]]], int]:
        """(IRI, stored data) of the matching claims at ``offset`` to ``offset + limit`` in newest-first
        order, and how many match: ordered by ``rank``, ties at the page's edges resolved exactly."""
        start = max(0, offset - 1)  # one claim either side of the page, to see whether a tie crosses an edge
        window_query, skipped = final, 0
        if start >= DEEP:
            window_query, skipped = self._years_holding(searcher, final, start, offset + limit + 1, counts)
        found = searcher.search(
            window_query,
            limit=offset + limit + 1 - start,
            offset=start - skipped,
            order_by_field=RANK,
            count=counts.total is None,
        )
        if counts.total is None:
            counts.total = int(getattr(found, "count", 0) or 0)
        total = counts.total
        window = [(int(key), address) for key, address in found.hits]
        before = window[0][0] if start < offset and window else None
        window = window[offset - start :]
        after = window[limit][0] if len(window) > limit else None
        page = window[:limit]
        if not page:
            return [], total
        high, low = page[0][0], page[-1][0]
        if before != high and after != low:
            return self._in_order([address for _, address in page], searcher), total
        # A tie crosses an edge: the claims before the page, then the tied ones in exact order.
        first = self._count(searcher, final, high + 1, None)
        ordered = self._in_order(self._ranked(searcher, final, high, high), searcher)
        ordered += self._in_order([address for key, address in page if low < key < high], searcher)
        if low != high:
            ordered += self._in_order(self._ranked(searcher, final, low, low), searcher)
        return ordered[offset - first : offset - first + limit], total

    def _years_holding(
        self, searcher: tantivy.Searcher, final: tantivy.Query, start: int, end: int, counts: _Counts
    ) -> tuple[tantivy.Query, int]:
        """``final`` narrowed to the years that hold its hits ``start`` to ``end`` in newest-first order,
        and how many hits come before those years: the collector then orders the claims of a year or
        two, not every hit (a page 10,000 claims deep into a million took ~18 ms). The rank orders by
        day first, so a year's claims are one run of that order (undated ones last: when the window
        reaches them, nothing is narrowed)."""
        if counts.years is None:
            spec: dict[str, Any] = {"years": {"terms": {"field": "year", "size": FACET_BUCKETS}}}
            if counts.total is None:  # every claim has a rank: the hits counted (a second pass over them)
                spec["all"] = {"value_count": {"field": RANK}}
            answer = searcher.aggregate(final, spec)
            years = answer.get("years", {})
            if "all" in spec:
                counts.total = int(answer.get("all", {}).get("value") or 0)
            counts.years = _newest_years((str(b["key"]), int(b["doc_count"])) for b in years.get("buckets", []))
            if years.get("sum_other_doc_count") or years.get("doc_count_error_upper_bound"):
                counts.years = []  # not exact: never narrowed
        covering = _covering([count for _, count in counts.years], start, end)
        if covering is None:
            return final, 0  # the window reaches the undated claims (or no year holds it)
        first, stop, before = covering
        held = [year for year, _ in counts.years[first:stop]]
        within = sum(count for _, count in counts.years[first:stop])
        years = [(tantivy.Occur.Should, _term(self.schema, "year", year)) for year in held]
        narrowed = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, final), (tantivy.Occur.Must, tantivy.Query.boolean_query(years))]
        )
        if within >= MONTHS_FROM:
            found = self._months_holding(searcher, final, narrowed, held, within, start - before, end - before, counts)
            if found is not None:
                months, skipped = found
                return months, before + skipped
        return narrowed, before

    def _months_holding(
        self,
        searcher: tantivy.Searcher,
        final: tantivy.Query,
        narrowed: tantivy.Query,
        years: list[str],
        within: int,
        start: int,
        end: int,
        counts: _Counts,
    ) -> tuple[tantivy.Query, int] | None:
        """``final`` narrowed further, to the months of ``years`` that hold its hits ``start`` to ``end``
        (counted from the first hit of those years), and how many of their hits come before: ordering
        a month's claims rather than a year's (a page 10,000 claims deep into a million: 4.5 against
        0.8 ms). A month is a range of the rank (its days, every slug), counted by one range
        aggregation over the years' hits; None (narrow by years only) unless the months account for
        every hit of the years exactly."""
        key = tuple(years)
        months = counts.months.get(key)
        if months is None:
            bounds = [
                _month_ranks(int(year))
                for year in years
                if year.isdigit() and _RANKED_YEARS[0] < int(year) < _RANKED_YEARS[1]
            ]
            ranges = [{"from": float(low), "to": float(high)} for low, high in (b for year in bounds for b in year)]
            months = []
            if len(bounds) == len(years):
                answer = searcher.aggregate(narrowed, {"months": {"range": {"field": RANK, "ranges": ranges}}})
                buckets = [b for b in answer.get("months", {}).get("buckets", []) if "from" in b and "to" in b]
                months = sorted(
                    ((int(b["from"]), int(b["to"]), int(b["doc_count"])) for b in buckets if b["doc_count"]),
                    reverse=True,
                )
                if sum(count for _, _, count in months) != within:
                    months = []  # not every hit in a month: never narrowed by them
            counts.months[key] = months
        covering = _covering([count for _, _, count in months], start, end)
        if covering is None:
            return None
        first, stop, before = covering
        held = months[first:stop]
        lowest, highest = min(low for low, _, _ in held), max(high for _, high, _ in held)
        return self._in_range(final, lowest, highest - 1), before

    def _in_range(self, final: tantivy.Query, lowest: int, highest: int | None) -> tantivy.Query:
        bounds = tantivy.Query.range_query(
            self.schema, RANK, tantivy.FieldType.Unsigned, lowest, highest if highest is not None else 2**64 - 1
        )
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, final), (tantivy.Occur.Must, bounds)])

    def _count(self, searcher: tantivy.Searcher, final: tantivy.Query, lowest: int, highest: int | None) -> int:
        return int(getattr(searcher.search(self._in_range(final, lowest, highest), limit=1), "count", 0) or 0)

    def _ranked(self, searcher: tantivy.Searcher, final: tantivy.Query, lowest: int, highest: int) -> list[Any]:
        """The addresses of the matching claims whose rank lies between ``lowest`` and ``highest``."""
        count = self._count(searcher, final, lowest, highest)
        if not count:
            return []
        found = searcher.search(self._in_range(final, lowest, highest), limit=count, count=False)
        return [address for _, address in found.hits]

    def _in_order(self, addresses: list[Any], searcher: tantivy.Searcher) -> list[tuple[str, dict[str, Any]]]:
        """The claims at ``addresses`` in exact newest-first order."""
        claims = []
        for address in addresses:
            document = searcher.doc(address)
            claims.append((str(document.get_first("claim")), _stored(document)))
        claims.sort(key=lambda claim: sort_key(claim[1].get("claimed"), str(claim[1].get("slug", ""))), reverse=True)
        return claims

    def _facets(
        self,
        searcher: tantivy.Searcher,
        final: tantivy.Query,
        names: Iterable[str] = FACETS,
        limit: int | None = None,
        total: int | None = None,
    ) -> tuple[dict[str, list[FacetCount]], int]:
        """The values of the facets ``names`` among the hits of ``final`` (with ``limit``, the first
        ``limit`` of each in the order pages show them), and how many hits there are: ``total`` when
        known, else counted in the same pass."""
        fields = {facet: facet if facet in PLAIN_FACETS else f"f_{facet}" for facet in names}
        spec: dict[str, Any] = {
            facet: _terms(name, None if facet == "year" else limit) for facet, name in fields.items()
        }
        if total is None:  # every claim has a rank: the hits counted (6 ms more over a million)
            spec[" all"] = {"value_count": {"field": RANK}}
        answer = searcher.aggregate(final, spec)
        facets = {}
        for facet, name in fields.items():
            buckets = answer.get(facet, {})
            counts = _facet_counts(facet, buckets.get("buckets", []))
            if limit is not None and facet != "year" and buckets.get("sum_other_doc_count"):
                # Values were left out: when the last one kept ties with the last one fetched, the tie
                # may go on among those left out, whose labels may come first: then all are fetched.
                if len(counts) > limit and counts[limit - 1].count == min(c.count for c in counts):
                    every = searcher.aggregate(final, {"a": _terms(name, None)})
                    counts = _facet_counts(facet, every["a"]["buckets"])
            facets[facet] = counts[:limit] if limit is not None else counts
        return facets, total if total is not None else int(answer.get(" all", {}).get("value") or 0)

    # --- spelling -----------------------------------------------------------------------------

    def _corrected(
        self,
        reading: _Reading,
        parsed: query.Query,
        text: str,
        request: SearchRequest,
        page: int,
        per_page: int,
    ) -> SearchResult | None:
        """Each word the index does not hold replaced by the closest one it does (prefix 1, distance ≤ 2)."""
        searcher = reading.searcher
        corrected = text
        leaves = [parsed] if parsed.is_leaf() else list(parsed.leaves())
        for leaf in reversed(sorted(leaves, key=lambda n: getattr(n, "startchar", 0) or 0)):
            if not isinstance(leaf, query.Term) or leaf.fieldname != "content":
                continue
            if searcher.doc_freq("content", str(leaf.text)):
                continue
            typed = _original(leaf, text)
            better = self._closest_word(searcher, typed.lower())
            start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
            if better and start is not None and end is not None:
                corrected = corrected[:start] + better + corrected[end:]
        if corrected == text:
            return None
        reparsed = self._parse(corrected, request.filters.get("language"))
        result = self._run(reading, reparsed, corrected, request, page, per_page)
        result.suggestion = corrected
        if result.total:
            result.corrected_from = text
        return result

    def _closest_word(self, searcher: tantivy.Searcher, typed: str) -> str | None:
        if not typed:
            return None
        best: tuple[int, int, str] | None = None
        letters = set(typed)
        for word, count in searcher.terms_with_prefix("words", typed[0]):
            if abs(len(word) - len(typed)) > 2:
                continue
            # Each letter one word has and the other lacks costs at least one edit: a quick lower
            # bound that rules out most words before the edit distance (pure Python) is computed.
            others = set(word)
            if len(letters - others) > 2 or len(others - letters) > 2:
                continue
            gap = distance(typed, word)
            if gap <= 2 and (best is None or (gap, -count, word) < best):
                best = (gap, -count, word)
        return best[2] if best else None

    # --- hits ---------------------------------------------------------------------------------

    def _marked_words(self, parsed: query.Query | None) -> set[str]:
        if parsed is None:
            return set()
        words: set[str] = set()
        for leaf in [parsed] if parsed.is_leaf() else parsed.leaves():
            if isinstance(leaf, query.Term) and leaf.fieldname == "content":
                words.add(str(leaf.text))
            elif isinstance(leaf, query.Phrase) and leaf.fieldname == "content":
                words.update(str(w) for w in leaf.words)
        return words

    def _hit(self, document: tantivy.Document, marked: set[str], score: float | None) -> SearchHit:
        data = _stored(document)
        return hit_from_data(str(document.get_first("claim")), data, marked, score, self._stem)


def _stored(document: tantivy.Document) -> dict[str, Any]:
    """What the index keeps of a claim to show it as a hit (``ClaimDocument.stored``)."""
    data = document.get_first("data")
    return dict(json.loads(data if isinstance(data, bytes) else str(data)))


class _Reading:
    """One searcher and what matching counted in it (its document frequencies, languages' shares)."""

    def __init__(self, key: bytes | None, searcher: tantivy.Searcher) -> None:
        self.key = key  # meta.json's bytes when the searcher was taken
        self.searcher = searcher
        self.frequencies: dict[str, int] = {}
        self._shares: dict[str, float] = {}
        self.results: Kept[SearchResult] = Kept(RESULT_CACHE)  # whole answers, by request
        self.counts: Kept[_Counts] = Kept(COUNTS_CACHE)  # by query and filters, whatever the page
        self._deleted: bool | None = None  # whether deleted claims are still counted in the terms

    def whole_terms(self, facet: str) -> list[tuple[str, int]] | None:
        """Every value of the plain facet ``facet`` with how many claims hold it, straight from the term
        dictionary (microseconds, where counting a million claims takes one or two milliseconds); None
        when those counts may include deleted claims not yet merged away.

        A deleted claim's terms stay counted until its segment is merged. Every claim holds exactly
        one status, so the statuses' counts add up to the live claims only when no claim is deleted:
        then every value's count is exact."""
        if self._deleted is None:
            statuses = self.searcher.terms_with_prefix("status", "")
            self._deleted = sum(int(count) for _, count in statuses) != self.searcher.num_docs
        if self._deleted or facet not in PLAIN_FACETS:
            return None
        return [(str(term), int(count)) for term, count in self.searcher.terms_with_prefix(facet, "")]

    def share(self, language: str) -> float:
        """About what share of the claims are in ``language`` (deleted claims not yet merged away count)."""
        if language not in self._shares:
            if len(self._shares) > len(LANGUAGES) * 10:  # any tag may be asked for
                self._shares.clear()
            counted = self.searcher.doc_freq("language", language)
            self._shares[language] = counted / max(1, self.searcher.num_docs)
        return self._shares[language]


def _term(schema: tantivy.Schema, field: str, value: str) -> tantivy.Query:
    """A query for the documents whose ``field`` holds the term ``value``, scored by its frequency.

    Tantivy's term query reads the term's positions by default, which only a phrase needs: reading
    them cost a million-claim index's claim pages a seventh of their memory-mapped pages (57 MB of
    the positions file after 300 pages) and every search their reads.
    """
    return tantivy.Query.term_query(schema, field, value, index_option="freq")


def _terms(field: str, limit: int | None) -> dict[str, Any]:
    """A terms aggregation of ``field``: every value, or the most frequent ones with some to spare (ties
    are ordered by label here, not by Tantivy). Each segment counts every value (``shard_size``), so
    the counts are exact however many segments there are."""
    if limit is None:
        return {"terms": {"field": field, "size": FACET_BUCKETS}}
    return {"terms": {"field": field, "size": 2 * limit + 10, "shard_size": FACET_BUCKETS}}


def _newest_years(buckets: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """The (year, hits) of ``buckets`` that are years, newest first."""
    return sorted(((year, count) for year, count in buckets if year.isdigit()), key=lambda b: int(b[0]), reverse=True)


def _covering(counts: list[int], start: int, end: int) -> tuple[int, int, int] | None:
    """Of buckets of hits in newest-first order, counting ``counts`` hits each, the first and one past
    the last that hold the hits ``start`` to ``end``, and how many hits come before the first; None
    when the buckets end before ``end``."""
    before, held, first = 0, 0, None
    for number, count in enumerate(counts):
        if first is None:
            if before + count <= start:
                before += count
                continue
            first = number
        held += count
        if before + held >= end:
            return first, number + 1, before
    return None


def _term_counts(facet: str, terms: list[tuple[str, int]], limit: int | None) -> list[FacetCount]:
    """A plain facet's values counted by the term dictionary, as ``_facets`` gives them."""
    counts = _facet_counts(facet, [{"key": term, "doc_count": count} for term, count in terms if count])
    return counts[:limit] if limit is not None else counts


def _facet_counts(facet: str, buckets: list[dict[str, Any]]) -> list[FacetCount]:
    """A facet's buckets as the values pages show, in their order (years newest first, others the most
    frequent first, then by label)."""
    counts = []
    for bucket in buckets:
        slug, _, label = str(bucket["key"]).partition(SEP)
        counts.append(FacetCount(slug, label or slug, int(bucket["doc_count"])))
    if facet == "year":
        counts.sort(key=lambda c: c.value, reverse=True)
    else:
        counts.sort(key=lambda c: (-c.count, c.label.lower()))
    return counts


@dataclass
class _Counts:
    """What one query with its filters counts in one commit, whatever the page or order asked for."""

    total: int | None = None
    facets: dict[tuple[str, int | None], list[FacetCount]] = field(default_factory=dict)  # by name and limit
    years: list[tuple[str, int]] | None = None  # (year, hits), newest first
    # by the years that hold a deep page: (lowest rank, one past the highest, hits) of each month, newest first
    months: dict[tuple[str, ...], list[tuple[int, int, int]]] = field(default_factory=dict)


def _described(parsed: query.Query | None, filters: Mapping[str, str]) -> str:
    """The query with its filters, written as the Whoosh backend writes it, for readers and the JSON."""
    clauses = ([parsed] if parsed is not None else []) + filter_query(filters)
    if not clauses:
        return ""
    return str(clauses[0] if len(clauses) == 1 else query.And(clauses))


def _make_parser(schema: Any) -> qparser.QueryParser:
    """The Whoosh backend's query parser over its schema: one syntax for both engines."""
    parser = qparser.QueryParser("content", schema, group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    names = "|".join(sorted(QUERY_FIELDS, key=len, reverse=True))
    parser.add_plugin(qparser.FieldsPlugin(expr=rf"(?P<text>{names}):", remove_unknown=True))
    parser.add_plugin(
        qparser.FieldAliasPlugin({field: [name] for name, field in QUERY_FIELDS.items() if name != field})
    )
    return parser
