"""Track-record and statistics pages on synthetic knowledge bases (``bench/synthetic.py``).

Through the real Flask app over an embedded store, prints medians and 95th percentiles of:
- ``/track-records`` (every claimant and publisher), its JSON, and the same as of a past day;
- the busiest claimant's and the busiest publisher's record (JSON: the track record alone) and
  their whole pages (records, charts and the entity page's own claim lists), and the publisher's
  page as of a past day;
- the list of claims behind one number;
- ``/statistics``;
each computed afresh (the per-revision cache cleared before every run: the first view after a
save) and read again from the cache (a repeat view).

Run: ``.venv/bin/python -m bench.bench_track_records [--claims 10000] [--runs N]``
(``--claims 100000`` for the large figure: about 4M quads, several minutes and a few GB of memory;
``--data-dir DIR`` keeps the loaded and indexed knowledge base there for the next run).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.synthetic import BASE, synthetic_quads
from bench.timing import describe, timed
from kb.knowledge import KnowledgeBase
from kb.read.track_records import TrackRecords
from kb.store import OxigraphStore
from webapp import create_app

AS_OF = "2019-06-30"


def bench(claims: int, runs: int, data_dir: Path | None = None) -> None:
    print(f"\n== {claims:,} claims ==", flush=True)
    with tempfile.TemporaryDirectory(prefix="claimkb-bench-tr-") as tmp:
        data_dir = data_dir or Path(tmp) / "data"
        knowledge = KnowledgeBase.open(data_dir, base_iri=BASE)
        store = knowledge.store
        assert isinstance(store, OxigraphStore)
        if store.is_empty():
            start = time.perf_counter()
            store.bulk_load(synthetic_quads(claims, base=BASE))
            store.flush()
            print(f"  loaded in {time.perf_counter() - start:.1f} s", flush=True)
        else:
            print(f"  reusing the knowledge base in {data_dir}", flush=True)
        knowledge.close()

        start = time.perf_counter()
        app = create_app({"data_dir": str(data_dir), "seed": "0", "base_iri": BASE, "TESTING": True})
        print(f"  site opened (search index caught up) in {time.perf_counter() - start:.1f} s", flush=True)
        kb: KnowledgeBase = app.extensions["claimkb"]
        client = app.test_client()
        claimants, publishers = TrackRecords(kb).all_records()
        claimant = max(claimants, key=lambda r: r.claims.total).entity.slug
        publisher = max(publishers, key=lambda r: r.claims.total).entity.slug
        print(
            f"  {len(claimants)} claimants, {len(publishers)} publishers; busiest claimant {claimant} "
            f"({max(r.claims.total for r in claimants)} claims), busiest publisher {publisher} "
            f"({max(r.claims.total for r in publishers)} claims)",
            flush=True,
        )

        def get(url: str) -> Callable[[], None]:
            def run() -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return run

        def afresh(url: str) -> Callable[[], None]:
            fetch = get(url)

            def run() -> None:
                kb.cache.clear()
                fetch()

            return run

        pages = {
            "/track-records": "/track-records",
            "/track-records.json": "/track-records.json",
            f"/track-records?as_of={AS_OF}": f"/track-records?as_of={AS_OF}",
            "claimant's record (JSON)": f"/entities/{claimant}/track-record.json",
            "publisher's record (JSON)": f"/entities/{publisher}/track-record.json",
            "claimant page (whole entity page)": f"/entities/{claimant}",
            "publisher page (whole entity page)": f"/entities/{publisher}",
            f"publisher page ?as_of={AS_OF}": f"/entities/{publisher}?as_of={AS_OF}",
            "claims behind a number": f"/entities/{publisher}/track-record/publisher/claims?status=supported",
            "/statistics": "/statistics",
        }
        first_runs = max(3, runs // 4)
        for name, url in pages.items():
            print(f"  {name:38} afresh  {describe(timed(afresh(url), first_runs))}", flush=True)
            get(url)()
            print(f"  {'':38} cached  {describe(timed(get(url), runs))}", flush=True)
        kb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[10_000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the knowledge base here and reuse it on the next run (one size only): loading and "
        "indexing 100k claims takes longer than the pages measured",
    )
    args = parser.parse_args()
    if args.data_dir and len(args.claims) > 1:
        parser.error("--data-dir takes one --claims size")
    print(f"track-record benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for claims in args.claims:
        bench(claims, args.runs, args.data_dir)


if __name__ == "__main__":
    main()
