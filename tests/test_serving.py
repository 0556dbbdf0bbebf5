"""Production serving: ``claimkb serve`` under gunicorn, one process on the embedded store, several on a server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import html5lib
import httpx
import psutil
import pytest
from click.testing import CliRunner
from rdflib import Graph

from commands import main
from kb.knowledge import KnowledgeBase
from tests.oxigraph_server import OxigraphServer, free_port, listens
from tests.test_loading import VALID

# Every test here starts its own site, and its own SPARQL server where it needs one: it runs once.

START_TIMEOUT = 180.0  # a deadline, not a pause: seeding and forking take long on a busy machine
# How long one request may take. A worker's first search after another host's write catches its index
# up before it answers, and its first page reads the store: seconds on a busy machine (three workers
# and a SPARQL server on two cores shared with other work; httpx's default of 5 s failed there). The
# answers themselves are what the test asserts; this is only the deadline for each.
REQUEST_TIMEOUT = 120.0
BASE = "http://localhost:5000/"
REPO = Path(__file__).resolve().parents[1]


def claim_cards(body: bytes) -> int:
    document = html5lib.parse(body, namespaceHTMLElements=False)
    return sum(1 for e in document.iter("li") if "claim-card" in (e.get("class") or "").split())


def start_site(
    data_dir: Path, *args: str, store: str | None = None, search: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMKB_")}
    if store:
        env["CLAIMKB_STORE"] = store
    if search:
        env["CLAIMKB_SEARCH"] = search
    env["PYTHONPATH"] = str(REPO)  # the code of this checkout, whatever the virtualenv points at
    command = [
        str(Path(sys.executable).with_name("claimkb")),
        "serve",
        "--data-dir",
        str(data_dir),
        "--port",
        str(port),
    ]
    process = subprocess.Popen([*command, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "serve exited")
        try:
            # Only our process's answer counts: a parallel test worker may hold the port.
            left = max(1.0, deadline - time.monotonic())  # the first page may take long: wait for it
            if listens(process.pid, port) and httpx.get(base + "claims", timeout=left).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.terminate()
    raise AssertionError(f"the site did not start on port {port}")


def workers_of(process: subprocess.Popen[bytes], expected: int) -> list[psutil.Process]:
    """The site's worker processes, once ``expected`` are up: gunicorn forks them one after another,
    and the first can answer before the last exists (seen on a loaded machine)."""
    deadline = time.monotonic() + START_TIMEOUT
    workers = psutil.Process(process.pid).children()
    while len(workers) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
        workers = psutil.Process(process.pid).children()
    return workers


def stop_site(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
        if process.stderr:
            process.stderr.close()


def test_several_workers_on_the_embedded_store_are_refused_with_a_pointer(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--data-dir", str(tmp_path), "--workers", "3"], env={"CLAIMKB_STORE": ""}
    )
    assert result.exit_code != 0
    assert "one process only" in result.output and "CLAIMKB_STORE=sparql+http://" in result.output
    assert not (tmp_path / "store").exists()  # refused before anything was opened


def test_one_worker_with_threads_serves_the_embedded_store(tmp_path: Path) -> None:
    process, base = start_site(tmp_path / "data", "--workers", "1", "--threads", "4")
    try:
        assert claim_cards(httpx.get(base + "claims", timeout=REQUEST_TIMEOUT).content) > 5
        assert len(psutil.Process(process.pid).children()) == 1
    finally:
        stop_site(process)


def test_several_worker_processes_share_a_sparql_server(tmp_path: Path, search_backend: str) -> None:
    server = OxigraphServer().start()
    try:
        process, base = start_site(
            tmp_path / "data", "--workers", "3", "--threads", "2", store=server.store_url, search=search_backend
        )
        try:
            assert len(workers_of(process, 3)) == 3
            with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
                pages = [client.get(base + "claims") for _ in range(12)]
            assert {p.status_code for p in pages} == {200}
            assert len({claim_cards(p.content) for p in pages}) == 1
            # The master seeded once before forking: one seed revision, not one per worker.
            count = httpx.post(
                server.base + "query",
                content="SELECT (COUNT(?r) AS ?n) WHERE { ?r a <https://w3id.org/claimkb/vocab#Revision> }",
                headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
                timeout=REQUEST_TIMEOUT,
            )
            assert count.text.split() == ["n", "1"]
            # A claim written elsewhere (another host's worker, say) is found by every worker's search.
            other = KnowledgeBase.open(tmp_path / "elsewhere", store_url=server.store_url, base_iri=BASE)
            other.load_graph(Graph().parse(data=VALID, format="turtle", publicID=BASE), agent="tester", reason="test")
            other.close()
            with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
                found = [client.get(base + "search.json", params={"q": "made up"}) for _ in range(12)]
            assert [r.json().get("total") for r in found] == [1] * 12, found[0].text
            # The engine asked for is the one that answered: only its index directory exists.
            indexes = {p.name for p in (tmp_path / "data").iterdir() if p.name.startswith("search")}
            assert indexes == {"search" if search_backend == "whoosh" else f"search-{search_backend}"}
        finally:
            stop_site(process)
    finally:
        server.stop()


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_a_worker_count_below_one_is_refused(workers: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path), "--workers", workers])
    assert result.exit_code == 2
    assert "--workers" in result.output
