"""The Whoosh search index: schema, query parsing, facet counts, highlights, spelling correction.

Speed decisions, measured with ``bench/bench_search.py``:
- phrases are answered from a field of word pairs (a bi-word index), so a common phrase costs what
  a two-word query costs instead of a position check in every document that holds both words;
- facet counts come from a per-segment table of each document's facet values, built once per
  segment (and its deletions) and counted over the matching documents in C (``Counter``);
- newest-first listings read a per-segment date order, built the same way, instead of sorting;
- one searcher is kept open and replaced only when the index changed, and the answers to the last
  few hundred searches are kept until then (the home page and /claims ask the same questions).
"""

from __future__ import annotations

import heapq
import html
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

from whoosh import highlight, index, qparser, query, writing
from whoosh.analysis import BiWordFilter, RegexTokenizer, StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for

from claims.independence import NO_SUPPORT
from claims.matching import LANGUAGES
from kb.search import (
    FACETS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_RESULTS_DEPTH,
    FacetCount,
    QueryTree,
    SearchHit,
    SearchQueryError,
    SearchRequest,
    SearchResult,
    answer_key,
)
from kb.search.analysis import QuickAnalysis, multilingual_analyzer, query_language
from kb.search.analysis import marked as with_language_mark
from kb.search.documents import ClaimDocument, Linked
from kb.search.kept import Kept
from kb.search.state import RevisionState

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4  # 2: the support facet; 3: the language facet; 4: words analysed in their language
SEP = "\x1f"  # between a facet value's slug and its label, inside one indexed term
MAX_CLAUSES = 40
RESULT_CACHE_SIZE = 256
WRITE_LOCK_TIMEOUT = 30.0

# Facet name -> the field that holds it. status, type and year hold plain notations; the others
# hold "slug<SEP>label" so that counts come with their labels.
FACET_FIELDS = {
    "status": "status",
    "type": "type",
    "year": "year",
    "support": "support",
    "language": "language",
    "claimant": "f_claimant",
    "publisher": "f_publisher",
    "topic": "f_topic",
}
LABELLED = {"claimant", "publisher", "topic"}

# Names a reader can use before a colon, and the field each searches.
QUERY_FIELDS = {
    "claimant": "claimant",
    "about": "about",
    "entity": "about",
    "publisher": "publisher",
    "topic": "topic",
    "status": "status",
    "type": "type",
    "year": "year",
    "language": "language",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def _schema(language: str = "en") -> Schema:
    """The index's fields; ``language`` is the one queries on ``content`` are analysed in (see kb.search.analysis)."""
    names = StandardAnalyzer(stoplist=None, minsize=1)
    return Schema(
        claim=ID(stored=True, unique=True),
        slug=ID(sortable=True),
        date=ID(sortable=True),
        content=TEXT(analyzer=multilingual_analyzer(language), phrase=True, spelling=True),
        pairs=TEXT(analyzer=StemmingAnalyzer() | BiWordFilter(sep=" "), phrase=False),
        claimant=TEXT(analyzer=names),
        about=TEXT(analyzer=names),
        publisher=TEXT(analyzer=names),
        topic=TEXT(analyzer=names),
        status=KEYWORD(lowercase=True),
        type=KEYWORD(lowercase=True),
        year=ID(),
        support=KEYWORD(lowercase=True),
        language=KEYWORD(lowercase=True),
        f_claimant=KEYWORD(analyzer=RegexTokenizer(r"[^\n]+")),
        f_publisher=KEYWORD(analyzer=RegexTokenizer(r"[^\n]+")),
        f_topic=KEYWORD(analyzer=RegexTokenizer(r"[^\n]+")),
        data=STORED(),
    )


def clean_query(text: str) -> tuple[str, list[str]]:
    """The query with control characters removed and its length capped, and what was changed."""
    notices = []
    cleaned = _CONTROL.sub(" ", text)
    if cleaned != text:
        notices.append("Control characters in the query were ignored.")
    cleaned = " ".join(cleaned.split())
    if cleaned.count('"') % 2:
        notices.append("A quotation mark was not closed, so it was ignored.")
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or cleaned[:MAX_QUERY_CHARS]
        notices.append(f"The query was longer than {MAX_QUERY_CHARS} characters; only its start was searched.")
    return cleaned, notices


def _labelled(values: Iterable[Linked]) -> str:
    return "\n".join(f"{v.slug}{SEP}{v.label}" for v in values)


def _names(values: Iterable[Linked]) -> str:
    return " ".join(f"{v.slug} {v.label}" for v in values)


def _fields_of(document: ClaimDocument) -> dict[str, Any]:
    claimant = [document.claimant] if document.claimant else []
    content = "\n".join(
        [document.name, document.text, *document.quotes, document.note, *document.evidence]
        + [v.label for v in [*claimant, *document.about, *document.publishers, *document.topics]]
    )
    fields: dict[str, Any] = {
        "claim": document.iri,
        "slug": document.slug,
        "date": document.claimed.isoformat() if document.claimed else "",
        "content": with_language_mark(content, document.language),
        "pairs": content,
        "claimant": _names(claimant),
        "about": _names(document.about),
        "publisher": _names(document.publishers),
        "topic": _names(document.topics),
        "status": document.status,
        "type": document.claim_type,
        "support": document.support_origins,
        "language": document.language.split("-", 1)[0].lower(),
        "f_claimant": _labelled(claimant),
        "f_publisher": _labelled(document.publishers),
        "f_topic": _labelled(document.topics),
        "data": document.stored(),
    }
    if document.year:
        fields["year"] = str(document.year)
    return fields


def filter_query(filters: Mapping[str, str]) -> list[query.Query]:
    """The facet filters as queries on their fields (unknown facets and empty values left out)."""
    clauses: list[query.Query] = []
    for facet, value in sorted(filters.items()):
        field = FACET_FIELDS.get(facet)
        if field is None or not value:
            continue
        if facet in LABELLED:
            clauses.append(query.Prefix(field, value + SEP))
        else:
            clauses.append(query.Term(field, value.lower() if facet == "language" else value))
    return clauses


def _original(node: query.Query, text: str) -> str:
    """The words of a term or phrase as the reader typed them."""
    ranges = getattr(node, "char_ranges", None)
    if ranges:
        return text[ranges[0][0] : ranges[-1][1]]
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    if start is not None and end is not None:
        return text[start:end]
    return " ".join(node.words) if isinstance(node, query.Phrase) else str(node.text)


def query_tree(node: query.Query, text: str) -> QueryTree | None:
    """The parsed query as a plain boolean tree of the words and field values typed (see QueryTree)."""
    if isinstance(node, query.Term | query.Phrase):
        words = _original(node, text).strip().lower()
        if not words:
            return None
        if node.fieldname == "content":
            return ("text", words)
        name = {"about": "about"}.get(node.fieldname, node.fieldname)
        return ("field", name, words) if name in QUERY_FIELDS else None
    if isinstance(node, query.Not):
        child = query_tree(node.query, text)
        return ("not", child) if child else None
    if isinstance(node, query.AndNot):
        positive, negative = query_tree(node.a, text), query_tree(node.b, text)
        if positive and negative:
            return ("all", [positive, ("not", negative)])
        return positive
    if isinstance(node, query.AndMaybe):
        return query_tree(node.a, text)
    if isinstance(node, query.And | query.Or):
        children = [c for c in (query_tree(child, text) for child in node.children()) if c]
        if not children:
            return None
        if len(children) == 1:
            return children[0]
        return ("all" if isinstance(node, query.And) else "any", children)
    return None


def _deleted(reader: Any) -> frozenset[int]:
    """The segment's deleted documents (whoosh keeps them until the segment is merged)."""
    return reader.deleted_docs_set if reader.has_deletions() else frozenset()


@dataclass(frozen=True)
class _FacetTable:
    """One segment's facet values: the documents holding each, and the values of each document."""

    by_value: dict[str, dict[str, frozenset[int]]]
    keys: list[tuple[str, str]]  # (facet, value) by number
    by_doc: list[tuple[int, ...]]  # the numbers of each document's values


class _MarkFormatter(highlight.Formatter):
    """Escaped text with <mark> around matched words: the only HTML a snippet can hold."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return "<mark>" + html.escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query | None:
    """The reader's query parsed (``None`` for nothing to search), or a ``SearchQueryError`` to show."""
    if not text:
        return None
    try:
        parsed = parser.parse(text)
    except Exception as error:  # noqa: BLE001 - the parser's errors have no common type; never shown
        log.info("search query not parsed: %r (%s)", text, error)
        raise SearchQueryError(
            "The search engine could not read this query. Try plain words, or check quotes and brackets."
        ) from error
    if parsed is query.NullQuery or isinstance(parsed, query.NullQuery.__class__):
        return None
    leaves = list(parsed.leaves()) if not parsed.is_leaf() else [parsed]
    if len(leaves) > MAX_CLAUSES:
        raise SearchQueryError(f"This query has {len(leaves)} parts; at most {MAX_CLAUSES} are searched at once.")
    return parsed.normalize()


def hit_from_data(iri: str, data: Mapping[str, Any], marked: set[str], score: float | None, analyzer: Any) -> SearchHit:
    """A result from a claim's stored data (both engines store the same JSON), its snippet marked."""
    claimant = data.get("claimant")
    return SearchHit(
        iri=iri,
        slug=data["slug"],
        name=data["name"],
        text=data["text"],
        status=data["status"],
        claim_type=data["type"],
        claimant=claimant[0] if claimant else None,
        claimant_name=claimant[1] if claimant else None,
        claimed=date.fromisoformat(data["claimed"]) if data.get("claimed") else None,
        deadline=date.fromisoformat(data["deadline"]) if data.get("deadline") else None,
        score=score,
        snippet_html=snippet_html(data, marked, analyzer),
        support_origins=data.get("support", NO_SUPPORT),
        language=data.get("language", "en"),
        matching=data.get("matching"),
    )


_QUICK = QuickAnalysis()


def snippet_html(data: Mapping[str, Any], marked: set[str], analyzer: Any) -> str:
    """The first passage of text, quotes or note with a marked word; else the start of the text."""
    if marked:
        fragmenter = highlight.ContextFragmenter(maxchars=240, surround=70)
        # Whoosh's highlighter analyses a passage even when it holds none of the words (most of a
        # hit's quotes and notes, often its text): the quick analysis, which gives the English
        # analyser's tokens, rules those out first (3.6 to 1.5 ms a page of 20 hits). Stop words are
        # kept when highlighting but dropped by the quick analysis: with one marked, no passage is skipped.
        quick = not any(len(word) < 2 or word in _QUICK.stops for word in marked)
        for text in [data["text"], *data.get("quotes", []), data.get("note", "")]:
            if not text or (quick and marked.isdisjoint(_QUICK.english(text).split())):
                continue
            found = highlight.highlight(text, marked, analyzer, fragmenter, _MarkFormatter(), top=2)
            if found:
                return str(found)
    text = str(data["text"])
    return html.escape(text if len(text) <= 240 else text[:240].rsplit(" ", 1)[0] + " …", quote=False)


COMMON_SHARE = 0.05  # a word in more claims than this share of them hardly ranks: left out of any-of searches
MIN_TERMS = 4


def _rarest(searcher: Searcher, terms: list[str]) -> list[str]:
    """The terms without the very common ones (each costs a pass over a large share of the index,
    in Python, for little ranking weight); the ``MIN_TERMS`` rarest are always kept."""
    total = max(1, searcher.doc_count())
    by_rarity = sorted(terms, key=lambda t: (searcher.doc_frequency("content", t), t))
    kept = [t for t in by_rarity if searcher.doc_frequency("content", t) <= COMMON_SHARE * total]
    return kept if len(kept) >= MIN_TERMS else by_rarity[:MIN_TERMS]


class WhooshIndex(RevisionState):
    """A Whoosh index in one directory, following the store's revisions (see ``kb.search.service``)."""

    backend = "whoosh"  # its name in CLAIMKB_SEARCH (another process opens it by path and name)
    schema_version = SCHEMA_VERSION

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        state = self._read_state()
        if state.get("schema") == SCHEMA_VERSION and index.exists_in(str(path)):
            self._index = index.open_dir(str(path))
            self._revision = int(state.get("revision", 0))
        else:  # a new or outdated index starts empty; the service then rebuilds it from the store
            self._index = index.create_in(str(path), _schema())
            self._revision = 0
            self._write_state(0)
        self._content_analyzer = self._index.schema["content"].analyzer
        self._parsers = {language: self._make_parser(language) for language in LANGUAGES}
        self._searcher: Searcher | None = None
        # Per segment (and its number of live documents), built once: the documents holding each
        # facet value, and the documents newest first.
        self._facet_tables: dict[str, _FacetTable] = {}
        self._date_orders: dict[str, list[tuple[str, str, int]]] = {}
        # The answers to recent searches, valid until the index changes (the searcher is replaced).
        self._results: Kept[SearchResult] = Kept(RESULT_CACHE_SIZE)

    # --- state ------------------------------------------------------------------------------

    # --- writes -----------------------------------------------------------------------------

    @contextmanager
    def _writer(self, **options: Any) -> Iterator[writing.SegmentWriter]:
        """A writer that is committed when the block ends, or cancelled if it fails.

        The index's write lock is taken and released here, not by the writer: a whoosh writer that
        fails while starting, committing or cancelling (in a read-only or full directory) keeps the
        lock, and every later writer then waited 30 s for it, long after the directory recovered.
        """
        lock = self._index.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=WRITE_LOCK_TIMEOUT, delay=0.1):
            raise LockError("the search index is locked by another writer")
        try:
            writer = self._index.writer(_lk=False, **options)
            try:
                yield writer
            except BaseException:
                with suppress(Exception):  # cleaning up may fail as writing did; that failure is raised
                    writer.cancel()
                raise
        finally:
            lock.release()

    def apply(self, documents: Mapping[str, ClaimDocument | None], revision: int) -> None:
        with self._lock:
            with self._writer() as writer:
                for iri, document in documents.items():
                    if document is None:
                        writer.delete_by_term("claim", iri)
                    else:
                        writer.update_document(**_fields_of(document))
                writer.commit()
            self._write_state(max(revision, self._revision))

    def rebuild(self, documents: Iterable[ClaimDocument], revision: int) -> int:
        with self._lock:
            count = 0
            with self._writer(limitmb=256) as writer:
                for document in documents:
                    writer.add_document(**_fields_of(document))
                    count += 1
                writer.commit(mergetype=writing.CLEAR)
            self._write_state(revision)
            return count

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._index.close()

    # --- reads ------------------------------------------------------------------------------

    def _current_searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._index.searcher()
        elif not self._searcher.up_to_date():
            # A new searcher rather than refresh(): whoosh's reader reuse kept the segments that a
            # rebuild had cleared (every claim appeared twice) and, after an update, the old
            # deletions of a reused segment (a replaced claim was counted twice).
            self._searcher.close()
            self._searcher = self._index.searcher()
            self._results.clear()
            live = {r.segment().segment_id() for r, _ in self._leaf_readers() if r.segment()}
            self._facet_tables = {k: v for k, v in self._facet_tables.items() if k in live}
            self._date_orders = {k: v for k, v in self._date_orders.items() if k in live}
        return self._searcher

    def _leaf_readers(self) -> list[tuple[Any, int]]:
        assert self._searcher is not None
        return [(s.reader(), offset) for s, offset in self._searcher.leaf_searchers()]

    def _make_parser(self, language: str) -> qparser.QueryParser:
        schema = _schema(language)  # the index's fields, with queries on content analysed in ``language``
        parser = qparser.QueryParser("content", schema, group=qparser.AndGroup)
        parser.remove_plugin_class(qparser.WildcardPlugin)  # leading wildcards would scan the lexicon
        parser.remove_plugin_class(qparser.FieldsPlugin)
        names = "|".join(sorted(QUERY_FIELDS, key=len, reverse=True))
        parser.add_plugin(qparser.FieldsPlugin(expr=rf"(?P<text>{names}):", remove_unknown=True))
        parser.add_plugin(
            qparser.FieldAliasPlugin({field: [name] for name, field in QUERY_FIELDS.items() if name != field})
        )
        return parser

    def _parse(self, text: str, language: str | None = None) -> query.Query | None:
        return parse_query(self._parsers[query_language(language)], text)

    def _rewrite(self, q: query.Query) -> query.Query:
        """Phrases in the text become word-pair terms (exact for two words, close for more)."""
        if isinstance(q, query.Phrase) and q.fieldname == "content" and q.slop <= 1:
            words = list(q.words)
            if len(words) == 1:
                return query.Term("content", words[0], boost=q.boost)
            return query.And([query.Term("pairs", f"{a} {b}") for a, b in zip(words, words[1:], strict=False)])
        if q.is_leaf():
            return q
        return q.apply(self._rewrite)

    def _any_terms(self, request: SearchRequest) -> list[str]:
        """The words of ``request.any_words`` analysed as a query in the request's language."""
        analyzer = self._parsers[query_language(request.filters.get("language"))].schema["content"].analyzer
        return sorted({token.text for word in request.any_words for token in analyzer(word, mode="query")})

    def _best_with_any(self, request: SearchRequest) -> SearchResult:
        """The best claims holding any of the words, by Whoosh's own collector (no facet pass)."""
        per_page = max(1, min(request.per_page, MAX_PER_PAGE))
        terms = self._any_terms(request)
        if not terms:
            return SearchResult(
                hits=[], total=0, page=1, per_page=per_page, facets={}, parsed_query="", query_tree=None
            )
        with self._lock:
            searcher = self._current_searcher()
            terms = _rarest(searcher, terms)
            final = query.And([query.Or([query.Term("content", t) for t in terms]), *filter_query(request.filters)])
            # limit=None: with a limit, whoosh-reloaded's top-k collector left the best claim out of
            # some OR queries (seen on the labelled set); collecting all costs about the same.
            found = searcher.search(final, limit=None)
            hits = [self._hit(hit.fields(), set(), hit.score) for hit in found[:per_page]]
            total = len(found)
        return SearchResult(
            hits=hits, total=total, page=1, per_page=per_page, facets={}, parsed_query=str(final), query_tree=None
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
        key = answer_key(request, text, page, per_page)
        with self._lock:
            searcher = self._current_searcher()
            result = self._results.get(key)
            if result is None:
                result = self._run(searcher, parsed, text, request, page, per_page)
                if result.total == 0 and parsed is not None and request.correct:
                    result = self._corrected(searcher, parsed, text, request, page, per_page) or result
                self._results.put(key, result)
        # A copy: callers add their notices and relabel facets.
        return replace(result, notices=[*notices, *result.notices], facets=dict(result.facets))

    def clear_cache(self) -> None:
        """Forget the answers kept for this version of the index (the benchmark measures cold queries)."""
        with self._lock:
            self._results.clear()

    def _corrected(
        self, searcher: Searcher, parsed: query.Query, text: str, request: SearchRequest, page: int, per_page: int
    ) -> SearchResult | None:
        try:
            correction = searcher.correct_query(parsed, text, prefix=1, maxdist=2)
        except (query.QueryError, ValueError, TypeError):
            # Whoosh cannot rebuild the string for some terms it made up itself (no character
            # positions); a suggestion is a courtesy, so the plain results stand.
            return None
        if not correction.string or correction.string == text:
            return None
        corrected = self._parse(correction.string, request.filters.get("language"))
        result = self._run(searcher, corrected, correction.string, request, page, per_page)
        result.suggestion = correction.string
        if result.total:
            result.corrected_from = text
        return result

    def _run(
        self,
        searcher: Searcher,
        parsed: query.Query | None,
        text: str,
        request: SearchRequest,
        page: int,
        per_page: int,
    ) -> SearchResult:
        filters = filter_query(request.filters)
        text_query = self._rewrite(parsed) if parsed is not None else None
        clauses = ([text_query] if text_query is not None else []) + filters
        if not clauses:
            final: query.Query = query.Every()
        elif len(clauses) == 1:
            final = clauses[0]
        else:
            final = query.And(clauses)
        try:
            by_date = request.sort == "date" or text_query is None
            start, end = (page - 1) * per_page, page * per_page
            best: list[tuple[float, int]] = []
            if by_date:
                matches = self._matches(searcher, final)
            else:
                matches, best = self._scored(searcher, final, end)
            total = sum(reader.doc_count() if found is None else len(found) for reader, _, found in matches)
            counts = self._count(matches) if request.facets else {}
            if request.facet_names is not None:
                counts = {facet: values for facet, values in counts.items() if facet in request.facet_names}
            if request.facet_limit is not None:
                counts = {facet: values[: request.facet_limit] for facet, values in counts.items()}
            marked = self._highlight_terms(searcher, text_query) if request.snippets else set()
            tree = query_tree(parsed, text) if parsed is not None else None
            if by_date:
                newest = self._newest(matches, end)[start:end]
                hits = [self._hit(searcher.stored_fields(docnum), marked, None) for docnum in newest]
            else:
                hits = [self._hit(searcher.stored_fields(docnum), marked, score) for score, docnum in best[start:end]]
        except query.QueryError as error:
            raise SearchQueryError(
                "This query cannot be answered as written; try it without the field name or quotes."
            ) from error
        return SearchResult(
            hits=hits,
            total=total,
            page=page,
            per_page=per_page,
            facets=counts,
            parsed_query=str(final) if clauses else "",
            query_tree=tree,
        )

    # --- facets -----------------------------------------------------------------------------

    def _facet_table(self, reader: Any) -> _FacetTable:
        # Keyed by segment alone: documents deleted later are left out of the matches (and
        # subtracted when counting everything), so an update does not rebuild a large segment's table.
        key = reader.segment().segment_id()
        table = self._facet_tables.get(key)
        if table is None:
            by_value: dict[str, dict[str, frozenset[int]]] = {}
            keys: list[tuple[str, str]] = []
            by_doc: list[list[int]] = [[] for _ in range(reader.doc_count_all())]
            for facet, field in FACET_FIELDS.items():
                values: dict[str, frozenset[int]] = {}
                if field in reader.indexed_field_names():
                    for term in reader.lexicon(field):
                        ids = frozenset(reader.postings(field, term).all_ids())
                        if ids:
                            values[term.decode("utf-8")] = ids
                            keys.append((facet, term.decode("utf-8")))
                            for docnum in ids:
                                by_doc[docnum].append(len(keys) - 1)
                by_value[facet] = values
            table = _FacetTable(by_value, keys, [tuple(values) for values in by_doc])
            self._facet_tables[key] = table
        return table

    def _scored(
        self, searcher: Searcher, final: query.Query, count: int
    ) -> tuple[list[tuple[Any, int, set[int] | None]], list[tuple[float, int]]]:
        """One pass over the matches: all of them (for the total and facets) and the ``count`` best.

        Scores come from Whoosh's own matchers (BM25F); ties go to the lower document number, as in
        Whoosh's collector. One pass instead of Whoosh's search plus a second pass for the counts.
        """
        context = searcher.context()
        best: list[tuple[float, int]] = []  # a min-heap of (score, -docnum)
        matches: list[tuple[Any, int, set[int] | None]] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if reader.segment() is None:  # an index with no documents yet
                continue
            found: set[int] = set()
            try:
                matcher = final.matcher(sub, context)
            except TermNotFound:
                matches.append((reader, offset, found))
                continue
            while matcher.is_active():
                docnum = matcher.id()
                found.add(docnum)
                item = (matcher.score(), -(docnum + offset))
                if len(best) < count:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
                matcher.next()
            matches.append((reader, offset, found))
        return matches, [(score, -negated) for score, negated in sorted(best, reverse=True)]

    def _matches(self, searcher: Searcher, final: query.Query) -> list[tuple[Any, int, set[int] | None]]:
        """(segment reader, docnum offset, matching local docnums or None for all) per segment."""
        everything = isinstance(final, query.Every)
        matches = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if reader.segment() is None:  # an index with no documents yet
                continue
            matches.append((reader, offset, None if everything else set(final.docs(sub))))
        return matches

    def _count(self, matches: list[tuple[Any, int, set[int] | None]]) -> dict[str, list[FacetCount]]:
        totals: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for reader, _offset, found in matches:
            table = self._facet_table(reader)
            if found is None:
                for facet, values in table.by_value.items():
                    for value, ids in values.items():
                        totals[facet][value] = totals[facet].get(value, 0) + len(ids)
                deleted = _deleted(reader)
                for number in chain.from_iterable(table.by_doc[d] for d in deleted if d < len(table.by_doc)):
                    facet, value = table.keys[number]
                    totals[facet][value] -= 1
            else:  # one pass over the matches, counted in C
                for number, n in Counter(chain.from_iterable(map(table.by_doc.__getitem__, found))).items():
                    facet, value = table.keys[number]
                    totals[facet][value] = totals[facet].get(value, 0) + n
        return {facet: self._facet_counts(facet, counts) for facet, counts in totals.items()}

    # --- newest first -------------------------------------------------------------------------

    def _date_order(self, reader: Any) -> list[tuple[str, str, int]]:
        """(date, slug, local docnum) of a segment's live claims, newest first, then by slug."""
        key = reader.segment().segment_id()
        order = self._date_orders.get(key)
        if order is None:
            dates, slugs = reader.column_reader("date"), reader.column_reader("slug")
            live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
            by_slug = sorted(((dates[d], slugs[d], d) for d in live), key=lambda row: row[1])
            order = sorted(by_slug, key=lambda row: row[0], reverse=True)  # stable: slugs stay in order
            self._date_orders[key] = order
        return order

    def _newest(self, matches: list[tuple[Any, int, set[int] | None]], count: int) -> list[int]:
        """The global docnums of the ``count`` newest matching claims (undated ones last)."""
        candidates: list[tuple[str, str, int]] = []
        for reader, offset, found in matches:
            taken = 0
            deleted = _deleted(reader) if found is None else frozenset()
            for day, slug, docnum in self._date_order(reader):
                if (docnum not in deleted) if found is None else (docnum in found):
                    candidates.append((day, slug, docnum + offset))
                    taken += 1
                    if taken == count:
                        break
        candidates.sort(key=lambda row: row[1])
        candidates.sort(key=lambda row: row[0], reverse=True)
        return [docnum for _, _, docnum in candidates[:count]]

    @staticmethod
    def _facet_counts(facet: str, counts: dict[str, int]) -> list[FacetCount]:
        result = []
        for value, n in counts.items():
            slug, _, label = value.partition(SEP)
            result.append(FacetCount(slug, label or slug, n))
        if facet == "year":
            return sorted(result, key=lambda c: c.value, reverse=True)
        return sorted(result, key=lambda c: (-c.count, c.label.lower()))

    # --- hits -------------------------------------------------------------------------------

    def _highlight_terms(self, searcher: Searcher, q: query.Query | None) -> set[str]:
        if q is None:
            return set()
        words = set()
        for field, term in q.existing_terms(searcher.reader(), expand=True):
            text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            if field == "content":
                words.add(text)
            elif field == "pairs":
                words.update(text.split(" "))
        return words

    def _hit(self, stored: Mapping[str, Any], marked: set[str], score: float | None) -> SearchHit:
        return hit_from_data(stored["claim"], stored["data"], marked, score, self._content_analyzer)
