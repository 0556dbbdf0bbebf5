"""Matching benchmark: one match (with its reason) among N claims, and the cost of matching an import.

The pool is made of real claims — LIAR train + valid and AVeriTeC dev-400, about 11,900 — and, past
that, of variants of them (another claimant, another figure), so that word frequencies stay those of
real claims and the pool holds many near-duplicates, the hard case for matching. Claims are indexed
straight into the search engine (no store: a match reads only the index). Queries are the labelled
set's texts (``tests/data/matching-pairs.jsonl``), so they are rewordings, near misses and
unrelated claims, as editors would type them.

Prints, for each size and engine: the index build time, the median and 95th percentile of one
``Matcher.match`` (candidates from the index, comparison and reason), and the process's peak memory.
With ``--import-rows N`` it also imports the first N LIAR validation rows into fresh knowledge bases
with the real importer, without and with matching each record against the pool (as ``claimkb
import`` does: a second process matching ahead of the writer once the import is large enough), and
gives the time per record of each, the CPU of both processes, and the time spent matching.

Run: ``.venv/bin/python -m bench.bench_match`` (default 10,000 claims, Whoosh);
``--claims 10000 100000 --search whoosh tantivy`` for more; ``--import-rows 300``.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from bench.timing import describe, timed
from kb.read.matching import Matcher, _analysed_claim
from kb.search.documents import ClaimDocument
from kb.search.service import BACKENDS, open_index
from tests.matching_eval import SHARED, pairs, pool_documents

_FIGURE = re.compile(r"\d+")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_cpu() -> float:
    """The CPU seconds of this process's children that have ended (the import's matching process)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def pool(size: int) -> Iterator[ClaimDocument]:
    """``size`` claims: the real ones first, then variants of them with other figures and claimants."""
    real = list(pool_documents(train_claims=100_000))
    rng = random.Random(16)
    for n in range(size):
        document = real[n % len(real)]
        if n < len(real):
            yield document
            continue
        text = _FIGURE.sub(lambda m: str(int(m.group(0)) + rng.randint(1, 9)), document.text)
        slug = f"{document.slug}-v{n // len(real)}"
        yield replace(document, iri=document.iri + f"-v{n // len(real)}", slug=slug, text=text, name=text)


def bench_size(size: int, backend: str, runs: int, directory: Path) -> Matcher:
    index = open_index(directory / f"{backend}-{size}", backend)
    documents = list(pool(size))
    start = time.perf_counter()
    index.rebuild(documents, 1)
    build = time.perf_counter() - start
    matcher = Matcher(index)
    queries = [p.query for p in pairs()]
    matcher.match(queries[0])  # load the language model and warm the index
    cursor = iter(range(10**9))

    def one() -> object:
        return matcher.match(queries[next(cursor) % len(queries)], limit=5)

    def cold() -> object:
        _analysed_claim.cache_clear()  # every candidate analysed afresh: the worst case
        return one()

    cpu = time.process_time()
    samples = timed(one, max(runs, len(queries)))
    cpu = (time.process_time() - cpu) / len(samples) * 1000  # on a shared machine, CPU time says more
    print(
        f"{backend:<8} {size:>7} claims  index built in {build:6.1f} s   one match: {describe(samples)}"
        f"   CPU {cpu:.2f} ms a match"
    )
    cpu = time.process_time()
    samples = timed(cold, len(queries))
    cpu = (time.process_time() - cpu) / len(samples) * 1000
    print(f"{'':<8} {'':>7} with no candidate analysed before:   one match: {describe(samples)}   CPU {cpu:.2f} ms")
    print(f"{'':<8} peak resident memory so far: {peak_rss_mib():.0f} MiB")
    return matcher


def bench_import(matcher: Matcher, rows: int, directory: Path, repeats: int = 3) -> None:
    """The real import of ``rows`` LIAR records, without and with matching each record, per record.

    With matching, each record is matched as ``claimkb import`` does (``IMPORT_CANDIDATES`` candidates,
    ``limit=1``, the record's claimant and its language from the data set, its own claim left out)
    against the pool's index, and linked when ``same_claim`` holds.
    """
    from kb.interchange.imports.run import IMPORT_CANDIDATES, import_file
    from kb.knowledge import KnowledgeBase

    directory.mkdir(parents=True, exist_ok=True)
    # LIAR's validation rows, then its training rows, up to ``rows`` (the import is 10k rows).
    sample = directory / "liar-sample.tsv"
    lines = [
        line
        for name in ("valid.tsv", "train.tsv")
        for line in (SHARED / "liar" / name).read_text(encoding="utf-8").splitlines(keepends=True)
    ][:rows]
    sample.write_text("".join(lines), encoding="utf-8")

    def run(name: str, with_matcher: Matcher | None) -> tuple[float, float]:
        kb = KnowledgeBase.open(directory / name, base_iri="https://example.org/")  # the pool's base
        cpu, helper = time.process_time(), children_cpu()
        try:
            report = import_file(kb, "liar", sample, matcher=with_matcher)
        finally:
            cpu, helper = time.process_time() - cpu, children_cpu() - helper
            kb.close()
        per_record = report.seconds / max(1, report.imported) * 1000
        cpu_per_record = cpu / max(1, report.imported) * 1000
        matching = report.matching_seconds / max(1, report.imported) * 1000
        helper_per_record = helper / max(1, report.imported) * 1000
        print(
            f"  import of {report.imported} LIAR records{' with matching' if with_matcher else ''}: "
            f"{per_record:.2f} ms per record (CPU {cpu_per_record:.2f} ms here + {helper_per_record:.2f} ms in "
            f"the matching process), {matching:.2f} ms of it matching here or waiting for it "
            f"({report.linked} linked, {report.skipped} skipped)"
        )
        return per_record, cpu_per_record + helper_per_record

    # Interleaved, each into a fresh knowledge base, the quickest of each kind kept: on a shared
    # machine, load moves single runs by more than matching costs.
    plain, matched = [], []
    for n in range(repeats):
        _analysed_claim.cache_clear()  # every run starts with no candidate read before
        plain.append(run(f"plain-{n}", None))
        _analysed_claim.cache_clear()
        matched.append(run(f"matched-{n}", Matcher(matcher.index, candidates=IMPORT_CANDIDATES)))
    baseline, with_matching = min(w for w, _ in plain), min(w for w, _ in matched)
    baseline_cpu, with_matching_cpu = min(c for _, c in plain), min(c for _, c in matched)
    added, added_cpu = with_matching - baseline, with_matching_cpu - baseline_cpu
    print(
        f"  matching adds {added:.2f} ms per record (+{added / baseline:.0%}) to the import's time; CPU of both "
        f"processes {added_cpu:.2f} ms (+{added_cpu / baseline_cpu:.0%}); quickest of {repeats} runs each"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[10_000])
    parser.add_argument("--search", nargs="+", choices=BACKENDS, default=["whoosh"], help="search engines to measure")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=0, help="also time an import of this many LIAR rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.claims:
            for backend in args.search:
                matcher = bench_size(size, backend, args.runs, Path(tmp))
                if args.import_rows:
                    bench_import(matcher, args.import_rows, Path(tmp) / f"import-{backend}-{size}")


if __name__ == "__main__":
    main()
