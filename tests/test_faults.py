"""Faults under a running ``claimkb serve``: a read-only or full data directory, a deleted search index, the
SPARQL server stopped and started again. Each gives a clear answer (503 with a message saying what is
wrong, or results with a notice), writes nothing half-way, and recovers by itself when the fault ends.

How each fault is made, for real:
- read-only: the data directory and its folders lose their write permission (``chmod 555``). Root
  ignores permissions, so when the tests run as root the site runs without the capabilities that
  let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): a root process then meets permissions as its
  files' owner does (see ``tests.site_process.Site``);
- full: the site's worker processes get a file-size limit of 0 (``RLIMIT_FSIZE``, set from outside with
  ``prlimit``), so every write that would grow a file fails (EFBIG), as on a full disk (ENOSPC). A
  small full filesystem would need root to mount, which the tests do not assume;
- a deleted index: ``rm -rf`` of its directory while the site runs, and before it starts;
- the SPARQL server: the real ``oxigraph serve`` process is stopped and started again on its port.
"""

from __future__ import annotations

import resource
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kb.knowledge import KnowledgeBase
from kb.search.service import STALE_NOTICE
from tests.helpers import TEST_STORE
from tests.servers import SERVER_STORES
from tests.site_client import RUN_WORD, missing_from_log, searched_claims, stored_claims
from tests.site_process import BASE_IRI, Site, persistent_server, prepare_data_dir

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

# A reader gives up after this long: recovering by waiting out a stuck lock (30 s) is no recovery.
CLIENT_TIMEOUT = 20.0


@pytest.fixture
def store_server(tmp_path: Path) -> Iterator[str | None]:
    """The store of this pass: None (embedded) or a persistent ``oxigraph serve``."""
    if TEST_STORE not in SERVER_STORES:
        yield None
        return
    server = persistent_server(tmp_path / "oxigraph")
    yield server.store_url
    server.stop()


def new_claim(http: httpx.Client, token: str) -> tuple[httpx.Response, str]:
    """Send one new claim with a unique word; returns the answer and the word."""
    tag = uuid.uuid4().hex[:10]
    body = {
        "text": f"Example Org {RUN_WORD} {tag} opens a shop.",
        "claim_type": "statement",
        "claimant": "tiktok",
        "matches_seen": True,  # deliberately alike: these tests are about faults, not matching
    }
    return http.post("/api/claims", json=body, headers={"Authorization": f"Bearer {token}"}), tag


def claims_with(http: httpx.Client, tag: str) -> list[str]:
    return [c["slug"] for c in http.get("/api/claims").json()["claims"] if tag in c["text"]]


def assert_unwritable_answer(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["title"] == "Knowledge base unavailable"
    assert "cannot be written" in error["message"] and "Nothing was saved" in error["message"]
    assert "Traceback" not in response.text and "IO error" not in response.text


def assert_no_corruption(data_dir: Path, store_url: str | None, written: list[str]) -> None:
    """The store opens, its revision log is gap-free, and the claims acknowledged are in it."""
    knowledge = KnowledgeBase.open(data_dir, store_url=store_url, base_iri=BASE_IRI)
    try:
        assert missing_from_log(knowledge, []) == []
        for slug in written:
            knowledge.claim_page(slug)
    finally:
        knowledge.close()


def set_permissions(data_dir: Path, mode: int) -> None:
    for path in (data_dir, *data_dir.rglob("*")):
        if path.is_dir():
            path.chmod(mode)


def search_words(http: httpx.Client, tag: str) -> dict:
    response = http.get("/search.json", params={"q": tag})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def fault_then_recover(site: Site, token: str, data_dir: Path, store_url: str | None, start: str, end: str) -> None:
    """Shared by the read-only and full cases: ``start`` and ``end`` name the fault's two steps."""

    def file_size_limit(limit: int) -> None:
        for pid in site.worker_pids():
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    faults = {
        "read-only": lambda: set_permissions(data_dir, 0o555),
        "writable": lambda: set_permissions(data_dir, 0o755),
        "full": lambda: file_size_limit(0),
        "space": lambda: file_size_limit(resource.RLIM_INFINITY),
    }
    with httpx.Client(base_url=site.base, timeout=CLIENT_TIMEOUT) as http:
        before, _ = new_claim(http, token)
        assert before.status_code == 201
        written = [before.json()["slug"]]
        faults[start]()
        try:
            # Reading goes on: a claim page, the listing, the API, the search.
            assert http.get(f"/claims/{written[0]}").status_code == 200
            assert http.get("/claims").status_code == 200
            assert http.get(f"/api/claims/{written[0]}").json()["slug"] == written[0]
            refused, accepted = [], []
            for _ in range(3):
                response, tag = new_claim(http, token)
                if response.status_code == 201:
                    accepted.append(response.json()["slug"])
                else:
                    assert_unwritable_answer(response)
                    refused.append(tag)
            if store_url is not None:
                assert not refused, "the SPARQL server's store refused a write"
            elif start == "full":
                assert refused, "every write was accepted although no file can grow"
            # A read-only directory can still take writes into the store's write-ahead log, a file it
            # already holds open: those land and stand. The search index cannot follow them, and says so.
            if accepted:
                assert STALE_NOTICE in search_words(http, RUN_WORD)["notices"]
            written += accepted
        finally:
            faults[end]()
        # Recovery by itself: no restart, the next write lands and the search catches up.
        after, tag = new_claim(http, token)
        assert after.status_code == 201, after.text
        written.append(after.json()["slug"])
        assert [r["slug"] for r in search_words(http, tag)["results"]] == [written[-1]]
        for lost in refused:
            assert claims_with(http, lost) == []  # a refused write left nothing behind
        assert searched_claims(http) == stored_claims(http) == set(written)
    site.stop()
    assert_no_corruption(data_dir, store_url, written)


def test_a_read_only_data_directory_keeps_reading_loses_no_write_and_recovers(
    tmp_path: Path, seeded_template: Path, store_server: str | None
) -> None:
    data_dir = tmp_path / "data"
    token = prepare_data_dir(data_dir, seeded_template, store_server)
    site = Site(data_dir, store=store_server, honour_permissions=True).start()
    try:
        fault_then_recover(site, token, data_dir, store_server, "read-only", "writable")
    finally:
        site.stop()


def test_a_full_data_directory_refuses_writes_with_503_and_recovers(
    tmp_path: Path, seeded_template: Path, store_server: str | None
) -> None:
    data_dir = tmp_path / "data"
    token = prepare_data_dir(data_dir, seeded_template, store_server)
    site = Site(data_dir, store=store_server).start()
    try:
        fault_then_recover(site, token, data_dir, store_server, "full", "space")
    finally:
        site.stop()


def test_a_deleted_search_index_is_rebuilt_while_running_and_on_start(
    tmp_path: Path, seeded_template: Path, store_server: str | None
) -> None:
    data_dir = tmp_path / "data"
    token = prepare_data_dir(data_dir, seeded_template, store_server)
    with Site(data_dir, store=store_server) as site, httpx.Client(base_url=site.base, timeout=CLIENT_TIMEOUT) as http:
        first, tag = new_claim(http, token)
        assert first.status_code == 201
        search_words(http, tag)  # the index has caught up: nothing writes to it while it is deleted
        shutil.rmtree(data_dir / "search")
        second, tag = new_claim(http, token)  # its index update finds no index: the write still stands
        assert second.status_code == 201, second.text
        assert [r["slug"] for r in search_words(http, tag)["results"]] == [second.json()["slug"]]
        everything = search_words(http, "")["total"]
        assert everything == len(http.get("/api/claims").json()["claims"])
        assert (data_dir / "search").is_dir()
    shutil.rmtree(data_dir / "search")
    with Site(data_dir, store=store_server) as site, httpx.Client(base_url=site.base, timeout=CLIENT_TIMEOUT) as http:
        assert search_words(http, "")["total"] == everything
        assert searched_claims(http) == stored_claims(http) == {first.json()["slug"], second.json()["slug"]}


def test_the_sparql_server_stopped_and_started_under_the_running_site(tmp_path: Path, seeded_template: Path) -> None:
    server = persistent_server(tmp_path / "oxigraph")
    data_dir = tmp_path / "data"
    try:
        token = prepare_data_dir(data_dir, seeded_template, server.store_url)
        with Site(data_dir, store=server.store_url, workers=2) as site:
            with httpx.Client(base_url=site.base, timeout=CLIENT_TIMEOUT) as http:
                before, _ = new_claim(http, token)
                assert before.status_code == 201
                server.stop()
                for _ in range(4):  # each worker process answers the same
                    page = http.get("/claims")
                    assert page.status_code == 503 and "cannot be reached" in page.text
                    assert "Traceback" not in page.text
                    response, tag = new_claim(http, token)
                    assert response.status_code == 503
                    assert response.json()["error"]["title"] == "Knowledge base unavailable"
                server.start()
                assert http.get("/claims").status_code == 200
                assert claims_with(http, tag) == []  # the refused write left nothing behind
                after, tag = new_claim(http, token)
                assert after.status_code == 201
                assert [r["slug"] for r in search_words(http, tag)["results"]] == [after.json()["slug"]]
                assert searched_claims(http) == stored_claims(http) == {before.json()["slug"], after.json()["slug"]}
        assert_no_corruption(data_dir, server.store_url, [before.json()["slug"], after.json()["slug"]])
    finally:
        server.stop()
