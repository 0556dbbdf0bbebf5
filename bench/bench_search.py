"""Search benchmark: the search index against SPARQL ``FILTER(CONTAINS(...))`` on the same store.

For each size (10k claims by default; ``--claims 10000 100000`` for more) it builds a synthetic
knowledge base (``bench.synthetic``), then for each search engine (``--search whoosh tantivy``;
Whoosh by default) prints:
- the time to generate and bulk-load the store, to build the claim documents, and to index them;
- one-claim update: a revision renaming one claim, applied to the index (``catch_up``), and the
  first search after it (which opens the new segment);
- median and 95th percentile of typical queries (one word, two words, a phrase, a typo), each
  plain (top 10 and the total), and with a status filter and all facet counts — measured with the
  cache of recent answers emptied before each run, and again repeated (answered from that cache) —
  beside the same words run as SPARQL ``FILTER(CONTAINS(LCASE(...)))`` over the claims' text in the
  same run, with the ratio SPARQL / index (uncached).

Run: ``.venv/bin/python -m bench.bench_search [--claims N ...] [--search ENGINE ...] [--runs N] [--data DIR]``.
``--data DIR`` keeps the store and index in DIR/<size> and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Literal

from bench.synthetic import BASE, synthetic_knowledge_base
from bench.timing import median_p95, timed
from claims.model import Iris
from claims.vocab import SCHEMA
from kb.knowledge import KnowledgeBase
from kb.search import SearchRequest
from kb.search.service import BACKENDS, SearchService, index_dir, open_index
from kb.store import OxigraphStore
from kb.write.repository import Change

# (label, search query, the words for SPARQL CONTAINS)
QUERIES = [
    ("one word", "tiktok", ["tiktok"]),
    ("two words", "holidays shop", ["holidays", "shop"]),
    ("phrase", '"tiktok shop"', ["tiktok shop"]),
    ("long phrase", '"the company said in a statement"', ["the company said in a statement"]),
    ("typo", "hollidays", ["hollidays"]),
]

SPARQL_WORDS = """
SELECT ?claim WHERE {{
  ?claim a schema:Claim ; schema:text ?text .{status}
  {filters}
}}
"""


def sparql_for(words: list[str], status: bool) -> str:
    filters = "\n  ".join(f"FILTER(CONTAINS(LCASE(?text), {Literal(w).n3()}))" for w in words)
    return SPARQL_WORDS.format(status=" ?claim ck:status ck:supported ." if status else "", filters=filters)


def open_or_build(size: int, directory: Path) -> KnowledgeBase:
    store_path = directory / "store"
    if store_path.exists():
        print(f"  reusing the store in {directory}")
        return KnowledgeBase(OxigraphStore(store_path), Iris(BASE))
    started = time.perf_counter()
    kb = synthetic_knowledge_base(store_path, size)
    loaded = time.perf_counter() - started
    print(f"  generate + bulk-load the store: {loaded:7.1f} s  ({len(kb.store.native):,} quads)")  # type: ignore[attr-defined]
    return kb


def open_or_index(kb: KnowledgeBase, size: int, directory: Path, backend: str) -> SearchService:
    index_path = index_dir(directory, backend)
    reuse = (index_path / "origin").exists()
    service = SearchService(kb, open_index(index_path, backend), index_path)
    if reuse:
        print(f"  reusing the {backend} index in {index_path}")
        return service
    started = time.perf_counter()
    documents = service.documents.all_documents()
    built = time.perf_counter() - started
    started = time.perf_counter()
    service.index.rebuild(documents, kb.repository.revision_count())
    indexed = time.perf_counter() - started
    (index_path / "origin").write_text(service._origin())
    print(f"  claim documents from the store:  {built:7.1f} s")
    print(f"  index build ({backend}):{'':<{10 - len(backend)}}{indexed:7.1f} s  ({size / indexed:,.0f} claims/s)")
    return service


def one_claim_update(kb: KnowledgeBase, service: SearchService, runs: int) -> None:
    claim = kb.iris.claim("claim-17")
    applied, first_search = [], []
    for run in range(runs):
        old = {(claim, SCHEMA.name, o) for o in kb.repository.describe([claim]).objects(claim, SCHEMA.name)}
        name = Literal(f"Renamed claim {run} zebrafinch")
        change = Change(added={(claim, SCHEMA.name, name)}, removed=old, changed={claim})  # type: ignore[arg-type]
        kb.repository.apply(change, agent=kb.agent("bench"), reason="Benchmark rename")
        applied += timed(service.catch_up, 1)
        first_search += timed(lambda: service.search(SearchRequest(query="zebrafinch")), 1)
    for label, samples in (("index one revision", applied), ("first search after it", first_search)):
        median, p95 = median_p95(samples)
        print(f"  one-claim update, {label:22} median {median:8.1f} ms   p95 {p95:8.1f} ms")


def bench_queries(kb: KnowledgeBase, service: SearchService, runs: int) -> None:
    index = service.index
    print(
        f"  {'query':34} {'index median':>12} {'p95':>8} {'repeated':>9} "
        f"{'SPARQL median':>14} {'p95':>8} {'ratio':>7} {'hits':>7}"
    )

    def cold(request: SearchRequest) -> Callable[[], object]:
        def run() -> object:
            index.clear_cache()  # type: ignore[attr-defined]  # measure the search, not the cache of recent answers
            return service.search(request)

        return run

    for label, text, words in QUERIES:
        for variant, filters, facets in (("", {}, False), (" + status + facets", {"status": "supported"}, True)):
            request = SearchRequest(query=text, filters=filters, facets=facets, per_page=10)
            total = service.search(request).total
            measured = timed(cold(request), runs)
            repeated = timed(lambda request=request: service.search(request), runs)
            sparql = sparql_for(words, bool(filters))
            store = timed(lambda sparql=sparql: kb.store.select(sparql), max(3, runs // 5))
            (im, ip), (rm, _), (sm, sp) = median_p95(measured), median_p95(repeated), median_p95(store)
            print(
                f"  {label + variant:34} {im:9.1f} ms {ip:5.1f} ms {rm:6.2f} ms "
                f"{sm:11.1f} ms {sp:5.0f} ms {sm / im:6.1f}x {total:7}"
            )
    for label, request in (
        ("listing: newest 20, all facets", SearchRequest(per_page=20)),
        ("listing: status filter + facets", SearchRequest(filters={"status": "supported"}, per_page=20)),
    ):
        im, ip = median_p95(timed(cold(request), runs))
        print(f"  {label:34} {im:9.1f} ms {ip:5.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[10_000])
    parser.add_argument("--search", nargs="+", choices=BACKENDS, default=["whoosh"], help="search engines to measure")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--data", type=Path, default=None, help="keep (and reuse) stores and indexes here")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for size in args.claims:
        print(f"\n{size:,} synthetic claims")
        with tempfile.TemporaryDirectory() as tmp:
            directory = (args.data / str(size)) if args.data else Path(tmp)
            kb = open_or_build(size, directory)
            try:
                for backend in args.search:
                    print(f"\n  search engine: {backend}")
                    service = open_or_index(kb, size, directory, backend)
                    try:
                        service.search(SearchRequest(query="warm up"))
                        bench_queries(kb, service, args.runs)
                        one_claim_update(kb, service, min(args.runs, 10))
                    finally:
                        service.close()
            finally:
                kb.close()
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
