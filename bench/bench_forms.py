"""Editor form benchmark: how long each editor form takes to render, whatever the number of entities
and sources (issue 14's goal: ≤ 50 ms each).

On synthetic knowledge bases (``bench.synthetic``: N claims, N/200 entities, N/4 sources), through the
real app (its test client, logged in as an editor), the median and 95th percentile of every editor
form: new and edit claim, source, evidence and entity, and the article form of the suggestions. Also
the names index behind the pickers (``kb.names``): its first build from the store, and one lookup as
an editor types; and, for comparison, the queries that filled the select lists the pickers replaced
(every entity and every source, read on every form before).

Run: ``.venv/bin/python -m bench.bench_forms [--claims 1000 10000] [--runs 30]``; also from
``python -m bench``, which times the forms on the knowledge base it has just restored (at 1M
claims, loading a second copy would take longer than everything measured here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from bench.synthetic import write_synthetic
from bench.timing import describe, timed
from kb import queries
from kb.knowledge import KnowledgeBase
from kb.store import OxigraphStore
from webapp import create_app

BASE = "http://localhost:5000/"
EDITOR, PASSWORD = "bench-forms-editor", "made-up benchmark password"  # not bench's own editor
LOOKUPS = ("ka", "kalo", "source", "entity-1", "ba ke")  # prefixes of bench.synthetic's words


def forms(claims: int) -> dict[str, str]:
    """Each editor form's address on a synthetic knowledge base of ``claims`` claims."""
    last = claims - 1
    return {
        "new claim": "/claims/new",
        "edit claim": f"/claims/claim-{last}/edit",
        "new source": f"/claims/claim-{last}/sources/new",
        "edit source": f"/sources/source-{max(0, claims // 4 - 1)}/edit",
        "new evidence": f"/claims/claim-{last}/evidence/new",
        "edit evidence": f"/events/claim-{last}-e0/edit",
        "new entity": "/entities/new",
        "edit entity": f"/entities/entity-{max(0, claims // 200 - 1)}/edit",
        "suggest (article)": "/editor/suggest",
    }


def load_synthetic(data_dir: Path, claims: int) -> None:
    """A knowledge base of ``claims`` synthetic claims in ``data_dir``: the N-Quads text written to a
    file and bulk-loaded by Oxigraph (an rdflib term per quad took hours at 1M claims)."""
    dump = data_dir.parent / f"{data_dir.name}-claims.nq"
    write_synthetic(dump, claims, base=BASE)
    knowledge = KnowledgeBase.open(data_dir, base_iri=BASE)
    try:
        store = knowledge.store
        assert isinstance(store, OxigraphStore)
        store.native.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        store.flush()
    finally:
        knowledge.close()
        dump.unlink()


def bench_forms(claims: int, runs: int, data_dir: Path | None = None, search: str = "whoosh") -> dict[str, float]:
    """Medians (ms) by form, and the names index's figures, on ``claims`` synthetic claims: those of
    ``data_dir`` (a restored synthetic knowledge base, its ``search`` index current) or a new one."""
    if data_dir is not None:
        return _bench_forms(claims, runs, data_dir, search)
    with tempfile.TemporaryDirectory(prefix="claimkb-forms-") as tmp:
        load_synthetic(Path(tmp) / "data", claims)
        return _bench_forms(claims, runs, Path(tmp) / "data", search)


def _bench_forms(claims: int, runs: int, data_dir: Path, search: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    print(f"\n== editor forms, {claims:,} claims ==", flush=True)
    settings = {"data_dir": str(data_dir), "seed": "0", "base_iri": BASE, "search": search}
    app = create_app({**settings, "WTF_CSRF_ENABLED": False})
    try:
        app.extensions["claimkb_accounts"].add(EDITOR, "editor", PASSWORD)
        client = app.test_client()
        assert client.post("/login", data={"name": EDITOR, "password": PASSWORD}).status_code == 302
        names = app.extensions["claimkb.names"]
        start = time.perf_counter()
        names.catch_up()  # the first use builds the index from the store
        figures["names index build (s)"] = time.perf_counter() - start
        for name, url in forms(claims).items():

            def get(url: str = url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {url} answered {response.status_code}")

            get()  # warm: templates compiled, caches filled
            samples = timed(get, runs)
            figures[name] = statistics.median(samples)
            print(f"  {name:28s} {describe(samples)}", flush=True)
        samples = []
        for i in range(runs):
            text = LOOKUPS[i % len(LOOKUPS)]
            samples += timed(lambda text=text: client.get("/api/lookup", query_string={"kind": "source", "q": text}), 1)
        figures["lookup (/api/lookup)"] = statistics.median(samples)
        print(f"  {'lookup (/api/lookup)':28s} {describe(samples)}")
        kb = app.extensions["claimkb"]
        before: Callable[[], object] = lambda: (kb.entities(), kb.store.select(queries.ALL_SOURCES_BRIEF))  # noqa: E731
        samples = timed(before, max(3, runs // 5) if claims <= 100_000 else 3)  # seconds each at 1M
        figures["before: every entity and source"] = statistics.median(samples)
        print(f"  {'before: the select lists':28s} {describe(samples)}  (their queries alone, per form)")
    finally:
        app.extensions["claimkb"].close()
    slowest = max(v for k, v in figures.items() if k in forms(claims))
    print(
        f"  slowest form {slowest:.1f} ms: goal ≤ 50 ms {'met' if slowest <= 50 else 'NOT met'}; "
        f"names index built in {figures['names index build (s)']:.2f} s; load average {os.getloadavg()[0]:.2f}"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for claims in args.claims:
        bench_forms(claims, args.runs)


if __name__ == "__main__":
    main()
