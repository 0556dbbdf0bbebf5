"""Many hosts, one log: three ``claimkb serve`` hosts (own processes, own data directories) and the
``claimkb writer`` on one SPARQL server — ``oxigraph serve`` and Virtuoso — each host taking writes from
several clients at once.

Afterwards the revision log has no gap and no repeat and holds one revision per acknowledged write,
every acknowledged write is in the store and on every host, the writers that all saved one claim
from the same version got one success and 409s for the rest, and each host's search finds what the
store holds. A host killed with ``kill -9`` in the middle of a write leaves nothing half-done, and the
others go on.

``CLAIMKB_SOAK=1`` (``make soak``) runs the long form. ``CLAIMKB_MANY_HOSTS_DIRECT=1`` runs the same
test with the hosts writing to the server themselves (no writer), to see what goes wrong then.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from kb.knowledge import KnowledgeBase
from tests.helpers import TEST_STORE
from tests.many_hosts import SERVERS, Cluster
from tests.site_client import (
    RUN_WORD,
    SHARED_CLAIM,
    Editor,
    Tally,
    Unexpected,
    missing_from_log,
    missing_through_api,
    stored_claims,
)
from tests.site_process import BASE_IRI, SOAK

HOSTS = 4 if SOAK else 3
WRITERS_PER_HOST = 4 if SOAK else 3
WRITES_PER_WRITER = 40 if SOAK else 4
SHARED_ROUNDS = 5 if SOAK else 1
DIRECT = os.environ.get("CLAIMKB_MANY_HOSTS_DIRECT", "") not in ("", "0")

# These tests start the servers they need themselves: they run once, in the first pass of `make test`.
pytestmark = pytest.mark.skipif(TEST_STORE != "oxigraph", reason="starts its own servers; runs in the first pass")


def log_of(cluster: Cluster) -> tuple[int, list[str]]:
    """The store's revision count and what is wrong with its log (as seen from a fresh reader)."""
    knowledge = KnowledgeBase.open(cluster.root / "reader", store_url=cluster.store_url, base_iri=BASE_IRI)
    try:
        return knowledge.repository.revision_count(), missing_from_log(knowledge, [])
    finally:
        knowledge.close()


def writes(cluster: Cluster, tally: Tally, number: int, site_index: int, together: threading.Barrier) -> None:
    """One client on one host: rounds of saving the shared claim with everyone else, then its own writes."""
    site = cluster.sites[site_index]
    with httpx.Client(base_url=site.base, timeout=120) as http:
        editor = Editor(http, cluster.token, tally, f"host{site_index}-writer{number}")
        try:
            for _round in range(SHARED_ROUNDS):
                # Everyone reads the shared claim's version, then all save at once: one wins, the rest 409.
                editor.edit_claim(SHARED_CLAIM, shared=True, together=together)
                together.wait(timeout=120)  # the round is over for everyone before the next starts
            for n in range(WRITES_PER_WRITER):
                if not editor.own or n % 3 == 0:
                    editor.create_claim()
                elif n % 3 == 1:
                    editor.add_event(editor.own[-1])
                else:
                    editor.edit_claim(editor.own[-1])
        except (Unexpected, httpx.HTTPError, threading.BrokenBarrierError) as error:
            tally.error(f"{type(error).__name__}: {error}")


@pytest.mark.parametrize("kind", SERVERS)
def test_many_hosts_one_log(
    kind: str, tmp_path: Path, seeded_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    with Cluster(tmp_path, seeded_template, kind, hosts=HOSTS, writer=not DIRECT) as cluster:
        before, problems_before = log_of(cluster)
        assert problems_before == []
        tally = Tally()
        clients = HOSTS * WRITERS_PER_HOST
        together = threading.Barrier(clients)
        threads = [
            threading.Thread(target=writes, args=(cluster, tally, n, h, together), name=f"h{h}-w{n}")
            for h in range(HOSTS)
            for n in range(WRITERS_PER_HOST)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after, problems = log_of(cluster)
        knowledge = KnowledgeBase.open(tmp_path / "reader", store_url=cluster.store_url, base_iri=BASE_IRI)
        try:
            problems += missing_from_log(knowledge, tally.acks)
        finally:
            knowledge.close()
        on_hosts = {site.base: missing_through_api(site.base, tally.acks) for site in cluster.sites}
        shared_wins = sum(1 for a in tally.acks if a.kind == "shared-edit")
        with capsys.disabled():
            print(
                f"\nmany hosts ({kind}, {'hosts writing directly' if DIRECT else 'one writer'}): {HOSTS} hosts × "
                f"{WRITERS_PER_HOST} clients; {tally.writes} writes acknowledged ({shared_wins} of "
                f"{SHARED_ROUNDS * clients} saves of one claim from one version), {tally.conflicts} answered 409; "
                f"{after - before} new revisions; {len(tally.errors)} errors; {len(problems)} log problems; "
                f"{sum(len(m) for m in on_hosts.values())} writes missing on hosts "
                f"({time.monotonic() - started:.0f} s)"
            )
            for problem in (problems + tally.errors)[:5]:
                print(f"  {problem[:300]}")
            if tally.errors:  # what the hosts and the writer logged: the cause of a 500 is there
                for process in [*cluster.sites, *([cluster.writer] if cluster.writer else [])]:
                    print(f"--- {process.data_dir.name}:\n{process.log()[-3000:]}")
    assert tally.errors == []
    assert problems == [], problems[:5]
    assert after - before == tally.writes, "one revision per acknowledged write"
    # Each round of saving one claim from one version: exactly one save wins, every other gets 409.
    assert shared_wins == SHARED_ROUNDS and tally.conflicts == SHARED_ROUNDS * (clients - 1)
    assert all(missing == [] for missing in on_hosts.values()), on_hosts


@pytest.mark.parametrize("kind", SERVERS if SOAK else SERVERS[:1])
def test_a_host_killed_mid_write_leaves_nothing_half_done(
    kind: str, tmp_path: Path, seeded_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Cluster(tmp_path, seeded_template, kind, hosts=3) as cluster:
        tally, stop = Tally(), threading.Event()
        victim, survivors = cluster.sites[0], cluster.sites[1:]

        def burst(site_index: int, number: int) -> None:
            site = cluster.sites[site_index]
            with httpx.Client(base_url=site.base, timeout=60) as http:
                editor = Editor(http, cluster.token, tally, f"host{site_index}-burst{number}")
                while not stop.is_set():
                    try:
                        if not editor.own or len(editor.own) % 2:
                            editor.create_claim()
                        else:
                            editor.add_event(editor.own[-1])
                    except (Unexpected, httpx.HTTPError) as error:
                        if site_index != 0:
                            tally.error(f"{type(error).__name__}: {error}")
                        return  # on the killed host: cut off, so never acknowledged

        threads = [threading.Thread(target=burst, args=(h, n)) for h in range(3) for n in range(2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while sum(1 for a in tally.acks if a.reason.startswith("host0")) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.kill()  # SIGKILL to its process group, its clients still sending
        killed_at = len(tally.acks)
        # The others go on: more of their writes are acknowledged after the kill.
        while len(tally.acks) < killed_at + 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert len(tally.acks) >= killed_at + 8, "the other hosts stopped writing when one was killed"
        count, problems = log_of(cluster)
        knowledge = KnowledgeBase.open(tmp_path / "reader", store_url=cluster.store_url, base_iri=BASE_IRI)
        try:
            problems += missing_from_log(knowledge, tally.acks)
            # Nothing half-done: every claim the store holds (acknowledged or cut off) reads whole.
            with httpx.Client(base_url=survivors[0].base, timeout=60) as http:
                stored = stored_claims(http)
                broken = [slug for slug in stored if http.get(f"/api/claims/{slug}").status_code != 200]
        finally:
            knowledge.close()
        missing = missing_through_api(survivors[0].base, tally.acks)
        acknowledged = {a.claim for a in tally.acks if a.kind == "claim"}
        with capsys.disabled():
            print(
                f"\nhost killed ({kind}): {len(tally.acks)} writes acknowledged ({killed_at} before the kill -9), "
                f"{len(stored - acknowledged)} cut-off writes had landed whole; the log holds {count} revisions; "
                f"{len(problems)} log problems, {len(missing)} missing, {len(tally.errors)} errors on the others"
            )
    assert tally.errors == []
    assert problems == [], problems[:5]
    assert broken == []
    assert missing == [], missing[:5]


@pytest.mark.skipif(not SOAK, reason="long form only: make soak (CLAIMKB_SOAK=1)")
def test_the_writer_killed_mid_write_loses_nothing_and_a_503_saved_nothing(
    tmp_path: Path, seeded_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``kill -9`` of the writer while two hosts write: each write is acknowledged (and in the log) or
    answered 503 (and nowhere in the store); once the writer is back, writes go on."""
    with Cluster(tmp_path, seeded_template, "oxigraph", hosts=2) as cluster:
        assert cluster.writer is not None
        outcomes: dict[str, list[str]] = {"acknowledged": [], "refused": [], "other": []}
        lock, stop = threading.Lock(), threading.Event()

        def write(site_index: int) -> None:
            with httpx.Client(base_url=cluster.sites[site_index].base, timeout=60) as http:
                while not stop.is_set():
                    words = f"Example Org {RUN_WORD} {uuid.uuid4().hex[:10]} opens a shop."
                    body = {
                        "text": words,
                        "claim_type": "statement",
                        "claimant": "tiktok",
                        "reason": words,
                        "matches_seen": True,
                    }
                    answer = http.post("/api/claims", json=body, headers={"Authorization": f"Bearer {cluster.token}"})
                    kind = {201: "acknowledged", 503: "refused"}.get(answer.status_code, "other")
                    with lock:
                        outcomes[kind].append(words if kind != "other" else f"{answer.status_code} {answer.text[:200]}")

        threads = [threading.Thread(target=write, args=(h,)) for h in (0, 1) for _ in range(2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120

        def wait_for(kind: str, count: int) -> None:
            while len(outcomes[kind]) < count and time.monotonic() < deadline:
                time.sleep(0.01)

        wait_for("acknowledged", 6)
        cluster.writer.stop(signal.SIGKILL)  # mid-write: the clients are still sending
        wait_for("refused", 4)
        cluster.writer.start()
        wait_for("acknowledged", len(outcomes["acknowledged"]) + 6)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        count, problems = log_of(cluster)
        with httpx.Client(base_url=cluster.sites[1].base, timeout=60) as http:
            texts = {c["text"] for c in http.get("/api/claims").json()["claims"] if RUN_WORD in c["text"]}
        refused_but_saved = [w for w in outcomes["refused"] if w in texts]
        lost = [w for w in outcomes["acknowledged"] if w not in texts]
        with capsys.disabled():
            print(
                f"\nwriter killed (oxigraph): {len(outcomes['acknowledged'])} writes acknowledged, "
                f"{len(outcomes['refused'])} answered 503 while it was away ({len(refused_but_saved)} of them saved "
                f"all the same), {len(outcomes['other'])} other answers; {len(lost)} acknowledged writes lost; "
                f"the log holds {count} revisions, {len(problems)} problems"
            )
    assert outcomes["other"] == []
    assert problems == [] and lost == []
    assert len(outcomes["refused"]) >= 4 and refused_but_saved == []
