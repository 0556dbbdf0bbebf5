"""Seed benchmark: loading the seed, rendering a claim page, and the store choice behind them.

Prints medians (and 95th percentiles) of:
- loading the seed into a fresh knowledge base (parse, derive statuses, SHACL, one revisioned write);
- rendering a claim page through the real Flask app;
- the claim-page query (the claim's neighbourhood, one CONSTRUCT) on three stores holding the same
  seed: pyoxigraph used directly (our choice), Oxigraph through rdflib's API (oxrdflib), and rdflib's
  in-memory graph — with ratios against the last, measured in the same run.

Run: ``.venv/bin/python -m bench.bench_seed`` (add ``--runs N``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from bench.timing import describe, timed
from claims.vocab import PREFIXES
from kb import queries
from kb.knowledge import KnowledgeBase
from webapp import create_app

BASE = "http://localhost:5000/"
CLAIM = URIRef(BASE + "claims/us-shop-before-holidays")


def bench_seed_load(runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            kb = KnowledgeBase.open(Path(tmp), base_iri=BASE)
            start = time.perf_counter()
            kb.load_seed()
            samples.append((time.perf_counter() - start) * 1000)
            kb.close()
    return samples


def bench_claim_page(runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"data_dir": tmp, "base_iri": BASE})
        client = app.test_client()
        for _ in range(5):
            client.get("/claims/us-shop-before-holidays")
        samples = timed(lambda: client.get("/claims/us-shop-before-holidays"), runs)
        app.extensions["claimkb"].close()
    return samples


def bench_store_choice(runs: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp), base_iri=BASE)
        kb.load_seed()
        quads = list(kb.store.quads())
        direct = timed(lambda: kb.store.construct(queries.CLAIM_NEIGHBOURHOOD, {"claim": CLAIM}), runs)
        results = {"pyoxigraph, direct (ours)": direct}

        memory = Dataset()
        for s, p, o, g in quads:
            (memory.graph(g) if g else memory.default_graph).add((s, p, o))
        prepared_text = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()) + queries.CLAIM_NEIGHBOURHOOD
        default = memory.default_graph
        results["rdflib in-memory"] = timed(
            lambda: Graph() + default.query(prepared_text, initBindings={"claim": CLAIM}).graph,  # type: ignore[operator]
            runs,
        )
        try:
            oxrdf = Graph(store="Oxigraph")
        except Exception:  # noqa: BLE001 - the plugin is optional for this benchmark
            print("  (oxrdflib not installed: `pip install oxrdflib` to compare Oxigraph through rdflib's API)")
        else:
            for s, p, o, g in quads:
                if g is None:
                    oxrdf.add((s, p, o))
            results["Oxigraph through rdflib (oxrdflib)"] = timed(
                lambda: oxrdf.query(prepared_text, initBindings={"claim": CLAIM}).graph, runs
            )
        kb.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print("Seed benchmark")
    print(f"  load the seed into a fresh knowledge base: {describe(bench_seed_load(max(3, args.runs // 10)))}")
    print(f"  render /claims/us-shop-before-holidays:    {describe(bench_claim_page(args.runs))}")
    print("  claim-page query on the seed, by store:")
    results = bench_store_choice(args.runs)
    baseline = statistics.median(results["rdflib in-memory"])
    for name, samples in results.items():
        ratio = baseline / statistics.median(samples)
        print(f"    {name:38s} {describe(samples)}   {ratio:5.1f}x rdflib in-memory")


if __name__ == "__main__":
    main()
