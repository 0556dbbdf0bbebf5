"""Public SPARQL copy benchmark: what a web process's copy of an ``oxigraph serve`` costs.

On a fresh in-memory ``oxigraph serve`` holding a synthetic knowledge base of ``--claims`` claims,
prints how long the copy takes to make (``kb.sparql.replica``: the first public query of each web
process waits for it) and how long catching up takes per revision afterwards (every later public query
waits for the revisions that landed since the one before).

Run: ``.venv/bin/python -m bench.bench_sparql_replica --claims 5000`` (it starts ``oxigraph serve``
itself, with the test suite's helper).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import RDF

from bench.synthetic import BASE, synthetic_quads
from claims.vocab import SCHEMA
from kb.knowledge import KnowledgeBase
from kb.sparql.replica import PublicReplica
from kb.write.publishing import Publishing, draft_triples
from kb.write.repository import Change
from tests.oxigraph_server import OxigraphServer

REVISIONS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5000, help="claims in the synthetic knowledge base")
    args = parser.parse_args()
    server = OxigraphServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            kb = KnowledgeBase.open(Path(tmp) / "host", store_url=server.store_url, base_iri=BASE)
            kb.store.bulk_load(synthetic_quads(args.claims))
            replica = PublicReplica(kb, Path(tmp) / "replica")
            started = time.monotonic()
            replica.catch_up(kb.repository.revision_count())
            copy = time.monotonic() - started
            quads = sum(1 for _ in replica.store)
            agent = kb.iris.agent("bench")
            for n in range(REVISIONS):
                claim = kb.iris.claim(f"bench-{n}")
                added = {(claim, RDF.type, SCHEMA.Claim), (claim, SCHEMA.text, Literal(f"Claim {n}."))}
                change = Change(added=added, changed={claim}, expected_versions={claim: 0})
                kb.repository.apply(change, agent=agent, reason="bench")
            started = time.monotonic()
            replica.catch_up(kb.repository.revision_count())
            per_revision = (time.monotonic() - started) / REVISIONS
            print(
                f"{args.claims} claims, {quads} quads: copy made in {copy:.2f} s; "
                f"then {per_revision * 1000:.0f} ms per revision caught up ({REVISIONS} revisions)"
            )
            # Revisions of unpublished work (new drafts), then unpublishing and publishing again the
            # claims just made (each with a revision of history to seal and unseal): what they cost the copy.
            for n in range(REVISIONS):
                draft = kb.iris.claim(f"draft-{n}")
                added = {(draft, RDF.type, SCHEMA.Claim), (draft, SCHEMA.text, Literal(f"Draft {n}."))}
                added |= draft_triples(draft)
                change = Change(added=added, changed={draft}, expected_versions={draft: 0}, private={draft})
                kb.repository.apply(change, agent=agent, reason="bench")
            print(f"  drafts: {timed_catch_up(replica, kb) * 1000:.0f} ms per revision caught up")
            publishing = Publishing(kb, review_required=False)
            for action in ("unpublish", "publish"):
                for n in range(REVISIONS):
                    publishing.transition([f"bench-{n}"], action, agent=agent, reason="bench")
                print(f"  {action}: {timed_catch_up(replica, kb) * 1000:.0f} ms per revision caught up")
            replica.close()
            kb.close()
    finally:
        server.stop()


def timed_catch_up(replica: PublicReplica, kb: KnowledgeBase) -> float:
    """Seconds per revision to catch up the last ``REVISIONS`` revisions."""
    started = time.monotonic()
    replica.catch_up(kb.repository.revision_count())
    return (time.monotonic() - started) / REVISIONS


if __name__ == "__main__":
    main()
