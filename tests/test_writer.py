"""The writer service and a host's hand-over to it: the same answers as writing directly (revision,
409 with its details, 400), the shared token, a change applied once however often it is sent, a clear
503 while the writer is away (reads go on), and a writer that refuses to start without a token or on
the embedded store. Against a real ``oxigraph serve`` and a real ``claimkb writer`` process.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from claims.model import Iris
from claims.vocab import SCHEMA
from kb import queries
from kb.errors import ConflictError, KBError, StoreUnavailable
from kb.knowledge import KnowledgeBase
from kb.store import STAGING_PREFIX
from kb.store.remote import RemoteSparqlStore
from kb.write.repository import STAGING_LEASE, Change, Repository
from kb.write.writer import WriterService, change_payload
from tests.helpers import TEST_STORE
from tests.many_hosts import WriterProcess
from tests.oxigraph_server import OxigraphServer

BASE = "http://localhost:5000/"
IRIS = Iris(BASE)
AGENT = IRIS.agent("tester")
CLAIM = IRIS.claim("handed-over")

# These tests start the servers they need themselves: they run once, in the first pass of `make test`.
pytestmark = pytest.mark.skipif(TEST_STORE != "oxigraph", reason="starts its own servers; runs in the first pass")


@pytest.fixture
def server() -> Iterator[OxigraphServer]:
    running = OxigraphServer().start()
    yield running
    running.stop()


@pytest.fixture
def writer(server: OxigraphServer, tmp_path: Path) -> Iterator[WriterProcess]:
    process = WriterProcess(tmp_path / "writer", server.store_url, secrets.token_urlsafe(24))
    (tmp_path / "writer").mkdir()
    process.start()
    yield process
    process.stop()


def host(tmp_path: Path, server: OxigraphServer, writer: WriterProcess, token: str | None = None) -> KnowledgeBase:
    return KnowledgeBase.open(
        tmp_path / "host",
        store_url=server.store_url,
        base_iri=BASE,
        writer_url=writer.url,
        writer_token=writer.token if token is None else token,
    )


def new_claim(text: str = "Made up for this test.") -> Change:
    return Change(
        added={(CLAIM, RDF.type, SCHEMA.Claim), (CLAIM, SCHEMA.text, Literal(text, lang="en"))},
        changed={CLAIM},
        expected_versions={CLAIM: 0},
    )


def test_a_host_gets_the_revision_and_the_same_errors_through_the_writer(
    server: OxigraphServer, writer: WriterProcess, tmp_path: Path
) -> None:
    knowledge = host(tmp_path, server, writer)
    heard = []
    knowledge.repository.listeners.append(heard.append)
    try:
        info = knowledge.repository.apply(new_claim('Quotes " and \\ and\nlines'), agent=AGENT, reason="first")
        assert info is not None and info.number == 1 and info.changed == (CLAIM,) and info.added == 2
        assert heard == [info]  # the host's search index hears of it as of its own writes
        assert knowledge.repository.describe([CLAIM]).value(CLAIM, SCHEMA.text) == Literal(
            'Quotes " and \\ and\nlines', lang="en"
        )
        with pytest.raises(ConflictError) as caught:
            knowledge.repository.apply(new_claim("late"), agent=AGENT, reason="stale")
        assert caught.value.status == 409 and caught.value.stale == {CLAIM: (0, 1)}
        bad = Change(added={(IRIS.claim("has space"), RDF.type, SCHEMA.Claim)}, changed={CLAIM})
        with pytest.raises(KBError) as refused:
            knowledge.repository.apply(bad, agent=AGENT, reason="bad IRI")
        assert refused.value.status == 400
        assert knowledge.repository.revision_count() == 1
    finally:
        knowledge.close()


def test_a_wrong_token_is_refused_and_nothing_is_written(
    server: OxigraphServer, writer: WriterProcess, tmp_path: Path
) -> None:
    knowledge = host(tmp_path, server, writer, token="not-the-writers-token")
    try:
        with pytest.raises(KBError) as caught:
            knowledge.repository.apply(new_claim(), agent=AGENT, reason="intruder")
        assert caught.value.status == 503 and "CLAIMKB_WRITER_TOKEN" in caught.value.message
        assert knowledge.repository.revision_count() == 0
    finally:
        knowledge.close()


def test_while_the_writer_is_away_writes_answer_503_and_reads_go_on(
    server: OxigraphServer, writer: WriterProcess, tmp_path: Path
) -> None:
    knowledge = host(tmp_path, server, writer)
    try:
        knowledge.repository.apply(new_claim(), agent=AGENT, reason="before")
        writer.stop()
        edit = Change(added={(CLAIM, SCHEMA.name, Literal("x"))}, changed={CLAIM}, expected_versions={CLAIM: 1})
        with pytest.raises(StoreUnavailable) as caught:
            knowledge.repository.apply(edit, agent=AGENT, reason="while away")
        assert "writer service" in caught.value.message and "nothing was saved" in caught.value.message
        assert knowledge.repository.describe([CLAIM])  # reads go on
        writer.start()
        assert knowledge.repository.apply(edit, agent=AGENT, reason="back") is not None
        assert knowledge.repository.revision_count() == 2
    finally:
        knowledge.close()


def test_a_change_sent_twice_is_applied_once(server: OxigraphServer) -> None:
    store = RemoteSparqlStore(server.base)
    service = WriterService(store, IRIS, secrets.token_urlsafe(24))
    payload = change_payload(new_claim(), agent=AGENT, reason="once", revert_of=None, nonce="n-1", base_iri=BASE)
    first = service.handle(payload)
    again = service.handle(payload)
    assert first[0] == again[0] == 200
    assert first[1]["number"] == again[1]["number"] == 1 and again[1]["changed"] == [str(CLAIM)]
    assert Repository(store, IRIS).revision_count() == 1
    other_base = dict(payload, nonce="n-2", base_iri="http://elsewhere.example/")
    status, body = service.handle(other_base)
    assert status == 400 and "CLAIMKB_BASE_IRI" in body["error"]["message"]
    status, body = service.handle({"nonce": "n-3"})
    assert status == 400 and "incomplete change" in body["error"]["message"]
    store.close()


def test_the_token_is_compared_as_a_whole(server: OxigraphServer) -> None:
    store = RemoteSparqlStore(server.base)
    token = secrets.token_urlsafe(24)
    service = WriterService(store, IRIS, token)
    assert service.authorised(f"Bearer {token}")
    assert not service.authorised(f"Bearer {token[:-1]}") and not service.authorised(token)
    assert not service.authorised(None) and not service.authorised(f"Basic {token}")
    with pytest.raises(KBError, match="CLAIMKB_WRITER_TOKEN"):
        WriterService(store, IRIS, "short")
    store.close()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLAIMKB_STORE": "oxigraph", "CLAIMKB_WRITER_TOKEN": "x" * 20}, "CLAIMKB_STORE=sparql+http"),
        ({"CLAIMKB_STORE": "sparql+http://127.0.0.1:9/"}, "CLAIMKB_WRITER_TOKEN"),
    ],
)
def test_the_writer_will_not_start_without_a_server_store_or_a_token(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    claimkb = shutil.which("claimkb", path=str(Path(sys.executable).parent))
    assert claimkb
    result = subprocess.run(  # noqa: S603
        [claimkb, "writer", "--data-dir", str(tmp_path / "w"), "--port", "1"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and message in result.stderr


# A writer killed by SIGKILL in the middle of a large write: after its change's triples were loaded
# into staging graphs, before the one update that moves them into place.
_KILLED_MID_WRITE = """
import os, signal, sys
from rdflib import Literal
from rdflib.namespace import RDF
from claims.model import Iris
from claims.vocab import SCHEMA
from kb.store.remote import RemoteSparqlStore
from kb.write.repository import Change, Repository

store = RemoteSparqlStore(sys.argv[1])
update = store.update
def update_or_die(text):
    if "urn:claimkb:staging:" in text and "DROP" not in text:
        os.kill(os.getpid(), signal.SIGKILL)
    update(text)
store.update = update_or_die
iris = Iris(sys.argv[2])
claim = iris.claim("large")
added = {(claim, RDF.type, SCHEMA.Claim)} | {(claim, SCHEMA.keywords, Literal(f"k{n}")) for n in range(500)}
Repository(store, iris).apply(Change(added=added, changed={claim}, expected_versions={claim: 0}),
                              agent=iris.agent("tester"), reason="large")
"""


def staging_graphs(store: RemoteSparqlStore) -> set[str]:
    rows = store.select(queries.GRAPHS_STARTING_WITH, {"prefix": Literal(STAGING_PREFIX)})
    return {str(row["g"]) for row in rows}


def test_staging_graphs_a_killed_writer_left_are_dropped_once_stale(server: OxigraphServer, tmp_path: Path) -> None:
    store = RemoteSparqlStore(server.base)
    repository = Repository(store, IRIS)
    try:
        killed = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _KILLED_MID_WRITE, server.base, BASE], capture_output=True, check=False
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
        left = staging_graphs(store)
        assert len(left) == 2 and repository.revision_count() == 0  # inserts and added staged; nothing written
        # One an hour and a half old, and one named by an older version (no time in its name).
        old = URIRef(f"{STAGING_PREFIX}t{int(time.time()) - 5400}:old:insert")
        legacy = URIRef(f"{STAGING_PREFIX}0123abcd:insert")
        store.bulk_load([(CLAIM, RDF.type, SCHEMA.Claim, old), (CLAIM, RDF.type, SCHEMA.Claim, legacy)])
        assert staging_graphs(store) == left | {str(old), str(legacy)}

        writer = WriterProcess(tmp_path / "writer", server.store_url, secrets.token_urlsafe(24))
        (tmp_path / "writer").mkdir()
        writer.start()
        try:
            # The writer dropped the stale ones on start; the fresh ones may be a live writer's.
            assert staging_graphs(store) == left
            assert "dropped 2 staging graphs" in writer.log()
            knowledge = host(tmp_path, server, writer)
            try:
                assert knowledge.repository.apply(new_claim(), agent=AGENT, reason="after").number == 1
            finally:
                knowledge.close()
        finally:
            writer.stop()
        # Past the lease they are left behind too, and go; the log is as it was.
        assert set(map(str, repository.drop_stale_staging(now=time.time() + STAGING_LEASE + 60))) == left
        assert staging_graphs(store) == set() and repository.revision_count() == 1
    finally:
        store.close()
