"""Load: concurrent readers and editors against a real ``claimkb serve`` on loopback — no errors, no lost writes.

Quick form in ``make test`` (a few seconds); ``make soak`` (``CLAIMKB_SOAK=1``) runs it for 60 s.
On the SPARQL-server pass the site runs two gunicorn worker processes sharing one ``oxigraph serve``
(the public SPARQL endpoint needs the embedded store, so its reads are left out of that mix).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.knowledge import KnowledgeBase
from tests.helpers import TEST_STORE
from tests.servers import SERVER_STORES
from tests.site_client import missing_from_log, missing_through_api, run_load
from tests.site_process import BASE_IRI, SOAK, Site, persistent_server, prepare_data_dir

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

LOAD_SECONDS = 60.0 if SOAK else 5.0
CLIENTS = 6


def test_mixed_load_answers_without_errors_and_keeps_every_acknowledged_write(
    tmp_path: Path, seeded_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_server = TEST_STORE in SERVER_STORES
    server = persistent_server(tmp_path / "oxigraph") if on_server else None
    store_url = server.store_url if server else None
    data_dir = tmp_path / "data"
    try:
        token = prepare_data_dir(data_dir, seeded_template, store_url)
        # Every client comes from 127.0.0.1: the per-address cap on running SPARQL queries would
        # answer them 429, as it should one greedy reader, so here it counts clients instead.
        settings = {"CLAIMKB_SPARQL_PER_CLIENT": str(CLIENTS), "CLAIMKB_SPARQL_WORKERS": "2"}
        with Site(data_dir, store=store_url, workers=2 if on_server else 1, threads=4, settings=settings) as site:
            tally = run_load(site.base, token, clients=CLIENTS, seconds=LOAD_SECONDS, sparql=not on_server)
            missing = missing_through_api(site.base, tally.acks)
        knowledge = KnowledgeBase.open(data_dir, store_url=store_url, base_iri=BASE_IRI)
        try:
            missing += missing_from_log(knowledge, tally.acks)
        finally:
            knowledge.close()
    finally:
        if server:
            server.stop()
    with capsys.disabled():
        print(
            f"\nload ({TEST_STORE}, {CLIENTS} clients, {LOAD_SECONDS:g} s): {tally.requests} requests, "
            f"{tally.writes} acknowledged writes, {tally.conflicts} edit conflicts (409), "
            f"{len(tally.errors)} errors, {len(missing)} lost writes; by kind: {dict(tally.by_kind)}"
        )
    assert tally.errors == [], (sorted({e[:200] for e in tally.errors})[:8], site.log())
    assert missing == [], missing[:5]
    # The mix really wrote, and really read, each kind.
    kinds = {"create claim", "add evidence", "edit claim", "claim page", "listing", "search"}
    assert kinds <= set(tally.by_kind), tally.by_kind
    assert {a.kind for a in tally.acks} >= {"claim", "event", "edit", "shared-edit"}
    assert tally.conflicts >= CLIENTS - 1  # the simultaneous edits of one claim: all but one refused
