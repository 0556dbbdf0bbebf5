"""The product's own bulk paths at scale, through the ``claimkb`` commands: restore, reindex, start, load, import.

``bench.__main__`` runs these for each size:
- ``restore``: ``claimkb restore --no-index`` of the synthetic N-Quads file into a new data directory
  (the store's bulk loader, the dump's checks, the due check); beside it, as the baseline measured in
  the same run, Oxigraph's raw ``bulk_load`` of the same file;
- ``reindex``: ``claimkb reindex`` over the restored knowledge base (its first index);
- ``start``: a fresh process building the app over the existing knowledge base and serving the home
  page (what a restarted server does before its first answer);
- ``load``: ``claimkb load`` of a slice of the claims as one revision (parsing, SHACL, the revision);
- ``import``: ``claimkb import --format liar`` of LIAR rows (parsing, statuses, shapes, revisions).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from bench.synthetic import BASE, write_synthetic
from commands import main as claimkb

LIAR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "liar" / "train.tsv"
LOAD_CLAIMS = 500  # the slice `claimkb load` takes: SHACL and rdflib make it the slowest path by far
LIAR_ROWS = 1_000


INDEXED = re.compile(r"Search index up to date in ([0-9.]+) s")


# The CPU seconds (this process's, every thread) of the last ``command``: on a loaded machine the wall
# time says as much about the neighbours as about the command.
last_cpu = 0.0


def command(*args: str, search: str) -> tuple[float, float]:
    """Run ``claimkb ARGS`` in this process, as a shell would: (its wall time, the part of it the search
    index took to catch up, as the command reports it), in seconds."""
    global last_cpu
    env = {"CLAIMKB_SEARCH": search, "CLAIMKB_BASE_IRI": BASE, "CLAIMKB_STORE": "oxigraph", "CLAIMKB_SEED": "0"}
    started, cpu = time.perf_counter(), time.process_time()
    result = CliRunner().invoke(claimkb, list(args), env=env, catch_exceptions=False)
    elapsed = time.perf_counter() - started
    last_cpu = time.process_time() - cpu
    if result.exit_code != 0:
        raise RuntimeError(f"claimkb {' '.join(args)} failed ({result.exit_code}): {result.output[-500:]}")
    indexed = INDEXED.search(result.output)
    return elapsed, float(indexed.group(1)) if indexed else 0.0


def restore(dump: Path, data_dir: Path, quads: int, search: str, baseline: bool) -> dict[str, float]:
    """``claimkb restore --no-index`` (the index is ``reindex``'s to build, next: building it here as
    well would measure the same work twice, nine minutes at a million claims), and the raw bulk load
    beside it."""
    figures: dict[str, float] = {}
    args = ("restore", str(dump), "--data-dir", str(data_dir), "--format", "nquads", "--no-index")
    figures["restore (triples/s)"] = quads / command(*args, search=search)[0]
    if baseline:
        raw = data_dir.parent / "raw-bulk-load"
        store = ox.Store(str(raw))
        started = time.perf_counter()
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        store.flush()
        figures["bulk_load alone (triples/s)"] = quads / (time.perf_counter() - started)
        del store
        shutil.rmtree(raw)
    return figures


def reindex(data_dir: Path, search: str) -> float:
    return command("reindex", "--data-dir", str(data_dir), search=search)[0]


def start(data_dir: Path, search: str) -> float:
    """Seconds from a fresh interpreter's first line to the home page served, over an existing base;
    the interpreter's own start and imports are counted too, as a restarted server pays them."""
    script = (
        "import time\n"
        "started = time.perf_counter()\n"
        "from webapp import create_app\n"
        f"settings = {{'data_dir': {str(data_dir)!r}, 'seed': '0', 'base_iri': {BASE!r}, 'search': {search!r}}}\n"
        "app = create_app(settings)\n"
        "response = app.test_client().get('/')\n"
        "assert response.status_code == 200, response.status_code\n"
        "print(time.perf_counter() - started)\n"
        "app.extensions['claimkb'].close()\n"
    )
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=os.environ.copy()
    )
    return float(output.stdout.strip().splitlines()[-1])


# A synthetic slug ("claim-104", "entity-7", …) in IRIs and ``ck:slug`` values.
SLUG = re.compile(r"\b([a-z]+)-(\d+)\b")


def load(work: Path, search: str, claims: int = LOAD_CLAIMS, *, renamed: bool = False) -> tuple[int, float]:
    """``claimkb load`` of ``claims`` synthetic claims (their triples, without a revision record)
    into an empty knowledge base: (triples, seconds). ``renamed``: every slug changed ("claim-104" to
    "claim-l104"), so that they add to a synthetic base loaded before rather than collide with it."""
    whole = work / "load.nq"
    write_synthetic(whole, claims, seed=11)
    triples = work / "load.nt"
    kept = 0
    with whole.open(encoding="utf-8") as lines, triples.open("w", encoding="utf-8") as out:
        for line in lines:
            if "/revisions/" in line or line.startswith(f"<{BASE}> ") or "/agents/" in line:
                continue  # the loader writes its own revision
            out.write(SLUG.sub(r"\1-l\2", line) if renamed else line)
            kept += 1
    elapsed, indexed = command(
        "load", str(triples), "--data-dir", str(work / "load-kb"), "--format", "nt", search=search
    )
    return kept, elapsed - indexed


def liar_import(work: Path, search: str, count: int = LIAR_ROWS, *, match: bool = True) -> tuple[int, float]:
    """``claimkb import --format liar`` of the first ``count`` rows (``match``: linking each to a claim
    recorded before, as the command does by default): (rows, seconds)."""
    if not LIAR.exists():
        return 0, 0.0
    rows = work / "liar.tsv"
    with LIAR.open(encoding="utf-8") as source:
        rows.write_text("".join(line for _, line in zip(range(count), source, strict=False)), encoding="utf-8")
    count = sum(1 for _ in rows.open(encoding="utf-8"))
    kb = work / ("liar-kb" if match else "liar-kb-unmatched")
    options = () if match else ("--no-match",)
    elapsed, indexed = command("import", "--format", "liar", str(rows), "--data-dir", str(kb), *options, search=search)
    return count, elapsed - indexed
