"""Crash: ``kill -9`` of the whole site (gunicorn master and workers) in the middle of a burst of writes.

After a restart on the same data directory every acknowledged write is there (through the JSON API,
the search and the store's revision log), the store opens, and the search index has caught up with
everything the store holds — including writes that landed while their answer was cut off. On the
SPARQL-server pass the site's workers share an ``oxigraph serve`` that keeps running.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import httpx
import pytest

from kb.knowledge import KnowledgeBase
from tests.helpers import TEST_STORE
from tests.servers import SERVER_STORES
from tests.site_client import (
    Editor,
    Tally,
    Unexpected,
    missing_from_log,
    missing_through_api,
    searched_claims,
    stored_claims,
)
from tests.site_process import BASE_IRI, SOAK, Site, persistent_server, prepare_data_dir

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

ACKNOWLEDGED_BEFORE_KILL = 150 if SOAK else 10
WRITERS = 4


def burst(site: Site, token: str, tally: Tally, stop: threading.Event) -> list[threading.Thread]:
    """``WRITERS`` clients creating claims and adding evidence as fast as the site answers."""

    def write(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=site.base, timeout=30) as http:
            editor = Editor(http, token, tally, f"writer-{number}")
            while not stop.is_set():
                try:
                    if not editor.own or rng.random() < 0.6:
                        editor.create_claim()
                    else:
                        editor.add_event(rng.choice(editor.own))
                except (Unexpected, httpx.HTTPError):
                    return  # cut off by the kill: this write's outcome is unknown, so it was never acknowledged

    threads = [threading.Thread(target=write, args=(n,), name=f"burst-{n}") for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    return threads


def test_kill_9_mid_burst_keeps_every_acknowledged_write_and_the_index_catches_up(
    tmp_path: Path, seeded_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_server = TEST_STORE in SERVER_STORES
    server = persistent_server(tmp_path / "oxigraph") if on_server else None
    store_url = server.store_url if server else None
    data_dir = tmp_path / "data"
    workers = 2 if on_server else 1
    try:
        token = prepare_data_dir(data_dir, seeded_template, store_url)
        site = Site(data_dir, store=store_url, workers=workers).start()
        tally, stop = Tally(), threading.Event()
        threads = burst(site, token, tally, stop)
        deadline = time.monotonic() + 300
        while tally.writes < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.01)
        site.kill()  # SIGKILL to the process group while the writers are still sending
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        acknowledged = list(tally.acks)
        assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, site.log()

        with Site(data_dir, store=store_url, workers=workers, port=site.port) as again:
            missing = missing_through_api(again.base, acknowledged)
            with httpx.Client(base_url=again.base, timeout=30) as http:
                stored, found = stored_claims(http), searched_claims(http)
                last = max((a for a in acknowledged if a.kind == "claim"), key=lambda a: a.revision)
                tag = last.words.split()[3]
                hits = http.get("/search.json", params={"q": tag}).json()["results"]
        knowledge = KnowledgeBase.open(data_dir, store_url=store_url, base_iri=BASE_IRI)
        try:
            missing += missing_from_log(knowledge, acknowledged)
            revisions = knowledge.repository.revision_count()
        finally:
            knowledge.close()
    finally:
        if server:
            server.stop()
    acknowledged_claims = {a.claim for a in acknowledged if a.kind == "claim"}
    with capsys.disabled():
        print(
            f"\ncrash ({TEST_STORE}): {len(acknowledged)} writes acknowledged before kill -9, "
            f"{len(acknowledged) - len(missing)} found after restart, {len(missing)} missing; "
            f"{len(stored - acknowledged_claims)} unacknowledged claims had landed; the log holds {revisions} revisions"
        )
    assert missing == [], missing[:5]
    assert [h["slug"] for h in hits] == [last.claim]  # the search finds the last acknowledged write
    assert found == stored
