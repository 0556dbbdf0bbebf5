"""Median time of each example SPARQL query, through the public service and straight on the store.

    .venv/bin/python -m bench.bench_sparql                      # the seed, in a temporary knowledge base
    .venv/bin/python -m bench.bench_sparql --data-dir /srv/kb   # an existing knowledge base (read-only)

The baseline is the same query evaluated in this process by pyoxigraph with nothing around it; the
service figure adds what a public query costs: the parse-tree checks, a worker process opening the
store read-only, the row cap, serialisation (SPARQL JSON) and the trip back. Both are measured in
the same run, on the same store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from claims.model import Iris
from claims.vocab import PREFIXES
from kb.knowledge import KnowledgeBase
from kb.sparql.examples import EXAMPLES
from kb.sparql.service import Limits, SparqlService
from kb.store import OxigraphStore

# The examples name seed resources; on a synthetic knowledge base (bench.synthetic) they would find
# nothing and time an empty answer. These stand in for them: a claimant with ~200 claims, a claim.
SYNTHETIC_STAND_INS = {
    "entities/ars-technica": "entities/entity-3",
    "entities/financial-times": "entities/entity-5",
    "claims/us-shop-before-holidays": "claims/claim-42",
    "sources/axios-scoop-2022-10-11": "sources/source-1",
}


def on_synthetic(text: str) -> str:
    """An example's text with the seed resources it names replaced by synthetic ones."""
    for seed, synthetic in SYNTHETIC_STAND_INS.items():
        text = text.replace(f"<{seed}>", f"<{synthetic}>")
    return text


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm caches (and start the worker) before timing
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def open_kb(data_dir: Path | None, tmp: Path) -> KnowledgeBase:
    if data_dir is None:
        kb = KnowledgeBase.open(tmp / "kb", base_iri="http://localhost:5000/")
        kb.ensure_seed()
        return kb
    base = json.loads((data_dir / "kb.json").read_text())["base_iri"]
    return KnowledgeBase(OxigraphStore(data_dir / "store", read_only=True), Iris(base))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="an existing knowledge base (default: the seed)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query (default 20)")
    parser.add_argument(
        "--synthetic", action="store_true", help="the knowledge base is synthetic (bench.synthetic): stand-ins"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="time limit per query in seconds (default 60)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb = open_kb(args.data_dir, Path(tmp))
        service = SparqlService(kb, Limits(timeout=args.timeout, max_rows=10_000, workers=1, per_client=1))
        native = kb.store.native  # type: ignore[attr-defined]
        triples = len(native)
        print(f"store: {args.data_dir or 'seed (temporary)'} — {triples} quads; {args.runs} runs per query\n")
        print(f"{'example':<28} {'rows':>6} {'direct ms':>10} {'service ms':>11} {'ratio':>7}")
        try:
            for example in EXAMPLES:
                text = example.text(kb.iris.base)
                text = on_synthetic(text) if args.synthetic else text
                checked = service.check(text)
                rows = service.run(checked, "json", client="bench").rows
                direct = median_ms(
                    lambda t=text: list(native.query(t, base_iri=kb.iris.base, prefixes=PREFIXES)), args.runs
                )
                served = median_ms(lambda c=checked: service.run(c, "json", client="bench"), args.runs)
                print(f"{example.key:<28} {rows:>6} {direct:>10.2f} {served:>11.2f} {served / direct:>6.1f}×")
        finally:
            service.close()
            kb.close()


if __name__ == "__main__":
    main()
