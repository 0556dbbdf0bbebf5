"""Save benchmark: the median time of one editor save (validation, derived status, revision).

Measures, on the seed knowledge base and on one grown with N synthetic claims (``--claims N``):
- editing a claim's text through ``kb.write.editing.Editor`` (fields checked, SHACL shapes on the changed
  descriptions, status derived, one atomic revisioned write);
- adding an evidence event that moves a claim's status (the same, plus a new event and quote);
- the baseline, measured in the same run: ``Repository.apply`` of an equivalent ready-made change,
  with no validation — the ratio is what checking costs;
- for reference, SHACL over the whole knowledge base instead of the changed descriptions (seed only).

Run: ``.venv/bin/python -m bench.bench_save`` (``--claims 100000``, ``--runs N``).
The synthetic claims are made up (example.org addresses) and bulk-loaded, not revisioned.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from bench.timing import describe, timed
from claims.validation import check_shapes
from claims.vocab import CK, SCHEMA
from kb.knowledge import KnowledgeBase
from kb.store import OxigraphStore
from kb.write.editing import Editor
from kb.write.repository import Change

BASE = "http://localhost:5000/"
SEED_CLAIM = "fbt-job-listings"


def synthetic_quads(kb: KnowledgeBase, n: int) -> Iterator[tuple]:
    """N made-up claims, each with a claimant, a topic, two evidence events and a version."""
    iris = kb.iris
    entities = [iris.entity(f"synthetic-org-{i}") for i in range(max(10, n // 100))]
    for i, entity in enumerate(entities):
        yield (entity, RDF.type, SCHEMA.Organization, None)
        yield (entity, CK.slug, Literal(f"synthetic-org-{i}"), None)
        yield (entity, SCHEMA.name, Literal(f"Synthetic Org {i}"), None)
    topic = iris.topic("e-commerce")
    for i in range(n):
        claim = iris.claim(f"synthetic-{i}")
        yield (claim, RDF.type, SCHEMA.Claim, None)
        yield (claim, CK.slug, Literal(f"synthetic-{i}"), None)
        yield (claim, SCHEMA.text, Literal(f"Synthetic Org {i % len(entities)} made made-up claim number {i}."), None)
        yield (claim, CK.claimType, CK.statement, None)
        yield (claim, SCHEMA.author, entities[i % len(entities)], None)
        yield (claim, DCTERMS.subject, topic, None)
        yield (claim, SCHEMA.datePublished, Literal("2023-01-01", datatype=XSD.date), None)
        yield (claim, CK.status, CK.supported, None)
        yield (claim, CK.version, Literal(1), None)
        for j, stance in enumerate((CK.supports, CK.context)):
            event = iris.event(f"synthetic-{i}-{j}")
            yield (claim, CK.evidence, event, None)
            yield (event, RDF.type, CK.EvidenceEvent, None)
            yield (event, DCTERMS.date, Literal(f"2023-0{j + 2}-01", datatype=XSD.date), None)
            yield (event, CK.stance, stance, None)


def open_kb(tmp: Path, claims: int) -> KnowledgeBase:
    kb = KnowledgeBase.open(tmp, base_iri=BASE)
    kb.load_seed()
    if claims:
        store = kb.store
        assert isinstance(store, OxigraphStore)
        start = time.perf_counter()
        store.bulk_load(synthetic_quads(kb, claims))
        print(f"  bulk-loaded {claims:,} synthetic claims in {time.perf_counter() - start:.1f} s")
    return kb


def bench_edits(kb: KnowledgeBase, slug: str, runs: int) -> list[float]:
    editor = Editor(kb)
    agent = kb.iris.agent("bench")
    samples = []
    for n in range(runs):
        values = editor.claim_values(slug)
        values["text"] = f"Benchmark wording {n} of a made-up edit."
        start = time.perf_counter()
        editor.edit_claim(slug, values, agent=agent)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_events(kb: KnowledgeBase, slug: str, runs: int) -> list[float]:
    editor = Editor(kb)
    agent = kb.iris.agent("bench")
    samples = []
    for n in range(runs):
        version = editor.claim_values(slug)["version"]
        data = {
            "date": f"2024-01-{n % 28 + 1:02d}",
            "stance": ("denies", "supports")[n % 2],
            "title": f"Made-up event {n}",
            "quote_exact": "made-up words",
            "source": "axios-scoop-2022-10-11",
            "version": version,
            "reason": "Benchmark",
        }
        start = time.perf_counter()
        editor.add_event(slug, data, agent=agent)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_bare_apply(kb: KnowledgeBase, slug: str, runs: int) -> list[float]:
    """The same text change as a ready-made Change, written with no checks: the baseline."""
    claim = kb.iris.claim(slug)
    samples = []
    for n in range(runs):
        old = {t for t in kb.repository.describe([claim]).triples((claim, SCHEMA.text, None))}
        version = kb.repository.versions([claim])[claim]
        change = Change(
            added={(claim, SCHEMA.text, Literal(f"Bare wording {n}."))},
            removed=old,
            changed={claim},
            expected_versions={claim: version},
        )
        start = time.perf_counter()
        kb.repository.apply(change, agent=kb.iris.agent("bench"), reason="Benchmark")
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def run(claims: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kb = open_kb(Path(tmp), claims)
        slug = f"synthetic-{claims // 2}" if claims else SEED_CLAIM
        where = f"{claims:,} synthetic claims + seed" if claims else "seed"
        print(f"Saves on the {where} knowledge base, claim {slug}:")
        baseline = bench_bare_apply(kb, slug, runs)
        edits = bench_edits(kb, slug, runs)
        events = bench_events(kb, slug, runs)
        base = statistics.median(baseline)
        print(f"  bare Repository.apply (baseline)  {describe(baseline)}")
        for name, samples in (("edit a claim (full save)", edits), ("add evidence (full save)", events)):
            print(f"  {name:33s} {describe(samples)}   {statistics.median(samples) / base:5.1f}x baseline")
        if not claims:
            whole = Graph()
            for s, p, o, g in kb.store.quads():
                if g is None:
                    whole.add((s, p, o))
            full = timed(lambda: check_shapes(whole), max(3, runs // 10))
            print(f"  (SHACL on the whole KB instead:   {describe(full)})")
        kb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--claims", type=int, default=0, help="also measure with N synthetic claims")
    args = parser.parse_args()
    run(0, args.runs)
    if args.claims:
        run(args.claims, args.runs)


if __name__ == "__main__":
    main()
