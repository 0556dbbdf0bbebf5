"""A web process's copy of the public data of an ``oxigraph serve`` (``kb.sparql.replica``) is the
server's public data at each revision: made whole once, then kept in step from the revision log
(new claims, edits that remove triples and raise versions, a change large enough to be staged), never
holding a private or staging graph. Against a real ``oxigraph serve``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from claims.model import Iris
from claims.vocab import CK, SCHEMA
from kb.knowledge import KnowledgeBase
from kb.sparql.replica import PublicReplica
from kb.sparql.service import Limits, SparqlService
from kb.store import STAGING_PREFIX
from kb.write.publishing import Publishing, draft_triples
from kb.write.repository import Change
from tests.helpers import TEST_STORE
from tests.oxigraph_server import OxigraphServer

BASE = "http://localhost:5000/"
IRIS = Iris(BASE)
AGENT = IRIS.agent("tester")

# It starts the server it needs itself: it runs once, in the first pass of `make test`.
pytestmark = pytest.mark.skipif(TEST_STORE != "oxigraph", reason="starts its own server; runs in the first pass")


@pytest.fixture
def server() -> Iterator[OxigraphServer]:
    running = OxigraphServer().start()
    yield running
    running.stop()


@pytest.fixture
def kb(server: OxigraphServer, tmp_path: Path) -> Iterator[KnowledgeBase]:
    knowledge = KnowledgeBase.open(tmp_path / "host", store_url=server.store_url, base_iri=BASE)
    yield knowledge
    knowledge.close()


def server_public_quads(server: OxigraphServer) -> set[ox.Quad]:
    """Every quad the server holds, from its own graph store (not through our code), but for private
    and staging graphs."""
    dump = httpx.get(server.base + "store", headers={"Accept": "application/n-quads"}, timeout=30)
    dump.raise_for_status()
    return {
        q
        for q in ox.parse(dump.content, ox.RdfFormat.N_QUADS)
        if isinstance(q.graph_name, ox.DefaultGraph)
        or not (IRIS.is_private(q.graph_name.value) or q.graph_name.value.startswith(STAGING_PREFIX))
    }


def claim_change(name: str, text: str, version: int, removed: set | None = None, extra: int = 0) -> Change:  # type: ignore[type-arg]
    claim = IRIS.claim(name)
    added = {(claim, RDF.type, SCHEMA.Claim), (claim, SCHEMA.text, Literal(text, lang="en"))}
    added |= {(claim, SCHEMA.keywords, Literal(f"k{n}")) for n in range(extra)}
    return Change(added=added, removed=removed or set(), changed={claim}, expected_versions={claim: version})


def test_the_copy_is_the_servers_public_data_at_every_revision(
    server: OxigraphServer, kb: KnowledgeBase, tmp_path: Path
) -> None:
    repo = kb.repository
    repo.apply(claim_change("one", "First.", 0), agent=AGENT, reason="one")
    # A private graph (an older version's accounts) and a writer's leftover staging graph on the server.
    secret = (IRIS.agent("chief"), URIRef("https://example.org/hash"), Literal("argon2id$..."))
    kb.store.bulk_load([(*secret, IRIS.private_graph("accounts")), (*secret, URIRef(f"{STAGING_PREFIX}t1:n:insert"))])

    replica = PublicReplica(kb, tmp_path / "replica")
    try:
        assert replica.catch_up(repo.revision_count()) == 1
        copied = set(replica.store)
        assert copied == server_public_quads(server)
        assert not any("argon2id" in str(q.object) for q in copied)

        old = claim_change("one", "First.", 0)
        repo.apply(claim_change("two", "Second.", 0), agent=AGENT, reason="two")
        repo.apply(
            claim_change("one", "First, edited.", 1, removed={t for t in old.added if t[1] == SCHEMA.text}),
            agent=AGENT,
            reason="edit",
        )
        repo.apply(claim_change("large", "Staged.", 0, extra=450), agent=AGENT, reason="large")  # staged on a server
        assert replica.catch_up(repo.revision_count()) == 4
        assert set(replica.store) == server_public_quads(server)
        assert replica.catch_up(4) == 4  # nothing new: nothing done
    finally:
        replica.close()
    assert not (tmp_path / "replica" / replica.path.name).exists()


def _public_answers(service: SparqlService, word: str) -> tuple[list[str], list[str]]:
    """The subjects the public endpoint shows with ``word`` in the default graph, and the graphs (the
    revision graphs included) it shows it in, through the host's copy of the public data."""
    answers = []
    for text in (
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{word}")) }}',
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{word}")) }} }}',
    ):
        outcome = service.run(service.check(text), "json", client="tester")
        bindings = json.loads(outcome.body)["results"]["bindings"]
        answers.append(sorted(value["value"] for row in bindings for value in row.values()))
    return answers[0], answers[1]


def test_publishing_and_unpublishing_reach_the_copy(server: OxigraphServer, kb: KnowledgeBase, tmp_path: Path) -> None:
    """An unpublished claim leaves the copy (default graph and history), comes back with its history
    when published again, and a draft never shows; after each step the copy is the server's public data."""
    publishing = Publishing(kb, review_required=False)
    claim, evidence = IRIS.claim("rainy"), URIRef(f"{BASE}evidence/rainy-1")
    published = claim_change("rainy", "It rains quokkapub.", 0)
    published.added |= {(claim, CK.evidence, evidence), (evidence, SCHEMA.text, Literal("quokkapub evidence"))}
    draft = claim_change("draft", "A draft quokkadraft.", 0)
    draft.added |= draft_triples(IRIS.claim("draft"))
    draft.private = {IRIS.claim("draft")}
    kb.repository.apply(published, agent=AGENT, reason="published")
    service = SparqlService(kb, Limits(workers=1), replica_dir=tmp_path / "replica")
    try:
        shown, history = _public_answers(service, "quokkapub")
        assert shown == sorted([str(claim), str(evidence)]) and len(history) == 1  # revision 1's added graph
        assert service._replica is not None
        copy = service._replica

        steps = [
            ("draft", lambda: kb.repository.apply(draft, agent=AGENT, reason="draft")),
            ("unpublish", lambda: publishing.transition(["rainy"], "unpublish", agent=AGENT, reason="wrong")),
            ("publish", lambda: publishing.transition(["rainy"], "publish", agent=AGENT, reason="checked")),
        ]
        for step, act in steps:
            act()
            shown, graphs = _public_answers(service, "quokkapub")
            if step == "unpublish":
                assert shown == [] and graphs == [], "an unpublished claim is still public"
            else:
                # Its history too: revision 1's added graph, and the republishing revision's.
                assert shown == sorted([str(claim), str(evidence)])
                assert len(graphs) == (1 if step == "draft" else 2)
            assert _public_answers(service, "quokkadraft") == ([], [])
            assert set(copy.store) == server_public_quads(server), f"the copy differs after {step}"

        # A copy that fell behind catches up over several at once (each revision read from the server's later state).
        for action in ("unpublish", "publish", "unpublish"):
            publishing.transition(["rainy"], action, agent=AGENT, reason=action)
        assert _public_answers(service, "quokkapub") == ([], [])
        assert set(copy.store) == server_public_quads(server)
    finally:
        service.close()
