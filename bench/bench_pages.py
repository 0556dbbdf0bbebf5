"""Reader pages on an existing (synthetic) knowledge base: wall and CPU time per request.

    .venv/bin/python -m bench.bench_pages --data-dir DIR [--claims N] [--runs 40]

Through the real Flask app (its test client): a claim page's first view (a different claim each
time) and repeat view (the same claim, from the read cache), the listing with a status filter on its
first page and 50 pages deep, and the home page. Besides the wall-clock median it prints the median
CPU time of the serving thread, which stays meaningful on a shared, loaded machine (the store's
query work runs in that thread too; the search engine's own threads are not counted). The data
directory is one that ``bench.synthetic`` filled (``claim-0`` … ``claim-N-1``); a first start on it
builds the search index.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from webapp import create_app


def timed(get: Callable[[str], None], urls: list[str]) -> tuple[float, float]:
    """(wall median, CPU median) in ms over ``urls``."""
    wall, cpu = [], []
    for url in urls:
        started, thread = time.perf_counter(), time.thread_time()
        get(url)
        cpu.append((time.thread_time() - thread) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--claims", type=int, default=10_000, help="how many synthetic claims it holds")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--search", choices=("whoosh", "tantivy"), default="tantivy")
    args = parser.parse_args()
    started = time.perf_counter()
    app = create_app(
        {"data_dir": str(args.data_dir), "seed": "0", "base_iri": "http://localhost:5000/", "search": args.search}
    )
    print(f"app start {time.perf_counter() - started:.1f} s")
    client = app.test_client()

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    rng = random.Random(1)
    for _ in range(5):
        get(f"/claims/claim-{rng.randrange(args.claims)}")
    runs = args.runs
    cases = {
        "claim page, first view": [f"/claims/claim-{rng.randrange(args.claims)}" for _ in range(runs)],
        "claim page, repeat view": ["/claims/claim-7"] * runs,
        "listing (status filter)": ["/claims?status=supported"] * runs,
        "listing, page 50": ["/claims?status=supported&page=50"] * runs,
        "home page": ["/"] * runs,
    }
    print(f"{'page':28} {'wall ms':>9} {'CPU ms':>8}")
    try:
        for name, urls in cases.items():
            wall, cpu = timed(get, urls)
            print(f"{name:28} {wall:9.2f} {cpu:8.2f}")
    finally:
        app.extensions["claimkb"].close()


if __name__ == "__main__":
    main()
