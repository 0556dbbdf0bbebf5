"""The SPARQL-server backend against a real ``oxigraph serve``: URL forms, bound values, atomic
concurrent writes, and a site that answers 503 while the server is down and recovers by itself."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import html5lib
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from claims.model import Iris
from claims.vocab import CK, SCHEMA
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.store import OxigraphStore, StoreError, open_store
from kb.store.remote import RemoteSparqlStore, endpoints, with_values
from kb.write.repository import Change, Repository
from tests.helpers import AppFactory
from tests.oxigraph_server import OxigraphServer, free_port

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

IRIS = Iris("http://localhost:5000/")
AGENT = IRIS.agent("tester")


@pytest.fixture
def server() -> OxigraphServer:
    running = OxigraphServer().start()
    yield running
    running.stop()


def test_the_store_url_names_the_query_update_and_graph_store_endpoints() -> None:
    assert endpoints("http://127.0.0.1:7878/") == {
        "query": "http://127.0.0.1:7878/query",
        "update": "http://127.0.0.1:7878/update",
        "store": "http://127.0.0.1:7878/store",
    }
    # A Fuseki dataset: the same relative names under the dataset, its graph store at "data".
    assert endpoints("http://db.example.org:3030/claims?store=data") == {
        "query": "http://db.example.org:3030/claims/query",
        "update": "http://db.example.org:3030/claims/update",
        "store": "http://db.example.org:3030/claims/data",
    }
    assert endpoints("https://db.example.org/kb/?query=/sparql&update=https://w.example.org/u")["query"] == (
        "https://db.example.org/sparql"
    )
    assert endpoints("https://db.example.org/kb/?update=https://w.example.org/u")["update"] == "https://w.example.org/u"


@pytest.mark.parametrize("url", ["sparql+http://", "sparql+http://127.0.0.1:7878/?graph=x"])
def test_a_bad_store_url_is_refused_with_a_message(url: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="bad SPARQL server URL"):
        open_store(url, tmp_path)


def test_bound_values_open_the_where_group_and_are_escaped() -> None:
    hostile = Literal('x" } ; DROP ALL ; INSERT DATA { <a> <b> "c')
    query = with_values("SELECT ?s ?t WHERE { ?s schema:text ?t }", {"t": hostile})
    assert query.startswith("SELECT ?s ?t WHERE { VALUES ?t { ")
    assert '\\"' in query and 'x" }' not in query


def test_the_server_gives_the_same_answers_as_the_embedded_store(server: OxigraphServer) -> None:
    embedded = KnowledgeBase(OxigraphStore(None), IRIS)
    remote = KnowledgeBase(RemoteSparqlStore(server.base), IRIS)
    for kb in (embedded, remote):
        kb.ensure_seed()
    assert remote.claims() == embedded.claims() and len(remote.claims()) > 5
    for status in ("supported", "denied", "disputed", "resolved-false", "unverified"):
        assert remote.claims(ClaimFilters(status=status)) == embedded.claims(ClaimFilters(status=status))
    assert remote.status_counts() == embedded.status_counts()
    assert remote.facet_values() == embedded.facet_values()
    for summary in embedded.claims():
        assert remote.claim_page(summary.slug) == embedded.claim_page(summary.slug)
    for slug, _name in embedded.entities():
        assert remote.entity_page(slug) == embedded.entity_page(slug)
    # A bound value used only in a FILTER constrains the group, as a substitution does.
    longer = "SELECT ?min ?claim WHERE { ?claim schema:text ?text FILTER(STRLEN(?text) > ?min) }"
    bound = {"min": Literal(20)}
    rows_remote = remote.store.select(longer, bound)
    assert sorted(r["claim"] for r in rows_remote) == sorted(r["claim"] for r in embedded.store.select(longer, bound))
    assert len(rows_remote) > 5 and all(r["min"] == Literal(20) for r in rows_remote)
    remote.close()
    embedded.close()


def test_concurrent_writers_make_one_gap_free_revision_log(server: OxigraphServer, tmp_path: Path) -> None:
    """Writers in separate clients (as the site's worker processes on one host are: each its own
    client, one data directory) never lose or share a revision number."""
    writers = 6
    per_writer = 10
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(index: int) -> None:
        store = RemoteSparqlStore(server.base, write_lock=tmp_path / "store-write.lock")
        repo = Repository(store, IRIS)
        try:
            start.wait()
            for n in range(per_writer):
                claim = IRIS.claim(f"concurrent-{index}-{n}")
                change = Change(added={(claim, RDF.type, SCHEMA.Claim)}, changed={claim}, expected_versions={claim: 0})
                repo.apply(change, agent=AGENT, reason=f"writer {index}")
        except BaseException as error:  # noqa: BLE001 - reported to the test thread below
            errors.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = RemoteSparqlStore(server.base)
    revisions = store.select(
        "SELECT ?r ?n ?nonce WHERE { ?r a ck:Revision ; ck:revisionNumber ?n ; dcterms:identifier ?nonce }"
    )
    assert sorted(int(r["n"].toPython()) for r in revisions) == list(range(1, writers * per_writer + 1))
    assert len({r["nonce"] for r in revisions}) == writers * per_writer, "two writes shared one revision"
    assert Repository(store, IRIS).revision_count() == writers * per_writer
    store.close()


def test_a_stale_save_on_the_server_writes_nothing(server: OxigraphServer) -> None:
    store = RemoteSparqlStore(server.base)
    repo = Repository(store, IRIS)
    claim = IRIS.claim("stale")
    repo.apply(Change(added={(claim, RDF.type, SCHEMA.Claim)}, changed={claim}), agent=AGENT, reason="first")
    before = sorted(store.quads())
    late = Change(added={(claim, SCHEMA.name, Literal("late"))}, changed={claim}, expected_versions={claim: 0})
    with pytest.raises(Exception, match="newer version"):
        repo.apply(late, agent=AGENT, reason="late")
    assert sorted(store.quads()) == before
    store.close()


def test_bulk_load_and_quads_round_trip_named_graphs(server: OxigraphServer) -> None:
    store = RemoteSparqlStore(server.base)
    assert store.is_empty()
    graph = URIRef("http://localhost:5000/revisions/1/added")
    quads = [
        (IRIS.claim("a"), RDF.type, SCHEMA.Claim, None),
        (IRIS.claim("a"), SCHEMA.text, Literal('Made up "for" tests\nover two lines', lang="en"), None),
        (IRIS.claim("a"), CK.deadline, Literal(date(2030, 1, 2)), graph),
    ]
    store.bulk_load(quads)
    assert not store.is_empty()
    assert sorted(store.quads(), key=str) == sorted(quads, key=str)
    store.close()


def _by_class(body: bytes, cls: str) -> list[str]:
    document = html5lib.parse(body, namespaceHTMLElements=False)
    return [" ".join("".join(e.itertext()).split()) for e in document.iter() if cls in (e.get("class") or "").split()]


def _error_message(body: bytes) -> str:
    return _by_class(body, "error-message")[0]


def test_pages_answer_503_while_the_server_is_down_and_recover(make_app: AppFactory, tmp_path: Path) -> None:
    server = OxigraphServer(location=tmp_path / "server-data").start()
    try:
        app = make_app(store=server.store_url)
        client = app.test_client()
        assert client.get("/").status_code == 200
        server.stop()
        response = client.get("/claims")
        assert response.status_code == 503
        assert "cannot be reached" in _error_message(response.data)
        json_response = client.get("/claims", headers={"Accept": "application/json"})
        assert json_response.status_code == 503
        assert json_response.get_json()["error"]["title"] == "Knowledge base unavailable"
        server.start()
        response = client.get("/claims")
        assert response.status_code == 200
        assert len(_by_class(response.data, "claim-card")) > 5
    finally:
        server.stop()


def test_the_site_starts_while_the_server_is_down_and_seeds_when_it_returns(make_app: AppFactory) -> None:
    port = free_port()
    app = make_app(store=f"sparql+http://127.0.0.1:{port}/")
    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert "cannot be reached" in _error_message(response.data)
    server = OxigraphServer(port=port).start()
    try:
        assert client.get("/").status_code == 200
        assert len(app.extensions["claimkb"].claims()) > 5  # the seed was loaded on recovery
    finally:
        server.stop()


def test_the_public_sparql_endpoint_answers_on_a_server_store(make_app: AppFactory) -> None:
    """The public endpoint sends checked queries to the SPARQL server (its limits: tests/test_sparql_live.py)."""
    server = OxigraphServer().start()
    try:
        client = make_app(store=server.store_url).test_client()
        response = client.get(
            "/sparql",
            query_string={"query": "ASK { ?claim a <http://schema.org/Claim> }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200 and response.json == {"head": {}, "boolean": True}
        assert client.get("/sparql", query_string={"query": "LOAD <http://example.org/>"}).status_code in (400, 403)
    finally:
        server.stop()
