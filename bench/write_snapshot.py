"""What the bulk write paths leave in the store, quad by quad, to compare two versions of the code.

    PYTHONPATH=/path/to/old/checkout python -m bench.write_snapshot /tmp/before
    python -m bench.write_snapshot /tmp/after
    diff /tmp/before.load.nq /tmp/after.load.nq && diff /tmp/before.import.nq /tmp/after.import.nq

Runs ``claimkb load`` of 1,000 synthetic claims (as ``bench.bench_scale.load`` prepares them) and
``claimkb import --format liar --no-match`` of the first 1,000 LIAR rows, each into an empty
knowledge base, and writes each store's quads as sorted N-Quads lines to ``OUT.load.nq`` and
``OUT.import.nq``, with each revision's time and nonce (which differ on every run) blanked.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from bench.bench_scale import LIAR
from bench.synthetic import BASE, write_synthetic

CLAIMS = 1_000
ROWS = 1_000
# Revision metadata that differs on every run: blanked before comparing.
VARYING = ("<http://www.w3.org/ns/prov#endedAtTime>", "<http://purl.org/dc/terms/identifier>")


def inputs(work: Path) -> tuple[Path, Path]:
    """The file ``claimkb load`` takes (synthetic claims without revision records) and the LIAR rows."""
    whole = work / "load.nq"
    write_synthetic(whole, CLAIMS, seed=11)
    triples = work / "load.nt"
    with whole.open(encoding="utf-8") as lines, triples.open("w", encoding="utf-8") as out:
        for line in lines:
            if "/revisions/" not in line and not line.startswith(f"<{BASE}> ") and "/agents/" not in line:
                out.write(line)
    rows = work / "liar.tsv"
    with LIAR.open(encoding="utf-8") as source:
        rows.write_text("".join(line for _, line in zip(range(ROWS), source, strict=False)), encoding="utf-8")
    return triples, rows


def quads(store_dir: Path) -> list[str]:
    store = ox.Store.read_only(str(store_dir))
    lines = []
    for quad in store:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else f"{quad.graph_name} "
        line = f"{quad.subject} {quad.predicate} {quad.object} {graph}."
        if any(f" {p} " in line for p in VARYING):
            line = f'{quad.subject} {quad.predicate} "…" {graph}.'
        lines.append(line)
    return sorted(lines)


def main() -> None:
    from commands import main as claimkb

    out = sys.argv[1]
    env = {"CLAIMKB_SEARCH": "whoosh", "CLAIMKB_BASE_IRI": BASE, "CLAIMKB_STORE": "oxigraph", "CLAIMKB_SEED": "0"}
    os.environ.update(env)
    with tempfile.TemporaryDirectory(prefix="claimkb-snapshot-") as tmp:
        work = Path(tmp)
        triples, rows = inputs(work)
        runs = {
            "load": ["load", str(triples), "--data-dir", str(work / "load"), "--format", "nt"],
            "import": ["import", "--format", "liar", str(rows), "--data-dir", str(work / "import"), "--no-match"],
        }
        for name, args in runs.items():
            result = CliRunner().invoke(claimkb, args, env=env, catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(f"claimkb {name} failed: {result.output[-500:]}")
            lines = quads(work / name / "store")
            Path(f"{out}.{name}.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(f"{name}: {len(lines):,} quads written to {out}.{name}.nq")


if __name__ == "__main__":
    main()
