"""Import benchmark: LIAR (train + valid) and AVeriTeC dev-400 into a fresh knowledge base.

Prints, for each file and in total: claims, triples added, seconds, claims/s and triples/s, the
process's peak resident memory, the time a second import of the same files takes (it writes nothing),
and, as the baseline measured in the same run, Oxigraph's raw bulk load of the very same quads into
a fresh store (no parsing of the data set, no SHACL, no revisions), with the ratio between the two.

Run: ``.venv/bin/python -m bench.bench_import`` (``--liar-rows N`` takes the first N LIAR rows of
each file for a quick run; ``--data DIR`` where the data sets are, by default ``../shared/data``).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from kb.interchange.imports.run import import_file
from kb.knowledge import KnowledgeBase
from kb.store import OxigraphStore

BASE = "http://localhost:5000/"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILES = [("liar", "liar/train.tsv"), ("liar", "liar/valid.tsv"), ("averitec", "averitec/dev-400.json")]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--liar-rows", type=int, default=None, help="only the first N rows of each LIAR file")
    parser.add_argument("--data", type=Path, default=DATA, help=f"folder of the data sets (default {DATA})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for fmt, name in FILES:
            path = args.data / name
            if fmt == "liar" and args.liar_rows:
                sample = Path(tmp) / path.name
                sample.write_text("".join(path.open(encoding="utf-8").readlines()[: args.liar_rows]), encoding="utf-8")
                path = sample
            files.append((fmt, path))
        kb = KnowledgeBase.open(Path(tmp) / "kb", base_iri=BASE)
        total_claims = total_triples = 0
        total_seconds = 0.0
        print(
            f"{'file':<16} {'claims':>7} {'skipped':>7} {'triples':>8} {'seconds':>8} {'claims/s':>9} {'triples/s':>9}"
        )
        for fmt, path in files:
            report = import_file(kb, fmt, path)
            total_claims += report.imported
            total_triples += report.triples
            total_seconds += report.seconds
            print(
                f"{path.name:<16} {report.imported:>7} {report.skipped:>7} {report.triples:>8} {report.seconds:>8.1f} "
                f"{report.imported / report.seconds:>9.1f} {report.triples / report.seconds:>9.0f}"
            )
        print(
            f"{'total':<16} {total_claims:>7} {'':>7} {total_triples:>8} {total_seconds:>8.1f} "
            f"{total_claims / total_seconds:>9.1f} {total_triples / total_seconds:>9.0f}"
        )
        print(f"peak resident memory: {peak_rss_mib():.0f} MiB")

        start = time.perf_counter()
        for fmt, path in files:
            again = import_file(kb, fmt, path)
            assert again.imported == 0 and not again.revisions
        print(f"second import of the same files (writes nothing): {time.perf_counter() - start:.1f} s")

        count = kb.store.select("SELECT (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim }")[0]["n"]
        print(f"claims answering SPARQL: {count}")

        quads = list(kb.store.quads())
        kb.close()
        baseline = OxigraphStore(Path(tmp) / "baseline")
        start = time.perf_counter()
        baseline.bulk_load(quads)
        baseline.flush()
        bulk = time.perf_counter() - start
        baseline.close()
        print(
            f"baseline, Oxigraph bulk load of the same {len(quads)} quads: {bulk:.1f} s "
            f"({len(quads) / bulk:.0f} quads/s); the import takes {total_seconds / bulk:.0f}x as long"
        )


if __name__ == "__main__":
    main()
