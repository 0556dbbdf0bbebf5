"""``claimkb serve`` as a real process group on a free loopback port: started, stopped, or killed with SIGKILL.

Shared by the load, crash and fault tests. ``prepare_data_dir`` makes a knowledge base with the seed
and an editor's API token before the site starts (the embedded store takes one writer process at a
time, so nothing else may hold it while the site runs).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

from kb.accounts import Accounts
from kb.knowledge import KnowledgeBase
from kb.store import OxigraphStore, open_store
from tests.oxigraph_server import free_port, listens
from tests.servers import TestServer, start_server

REPO = Path(__file__).resolve().parents[1]
BASE_IRI = "http://localhost:5000/"
EDITOR = "resilience-editor"
START_TIMEOUT = 60.0
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2

# Long (soak) forms of the load and crash tests: `make soak`.
SOAK = os.environ.get("CLAIMKB_SOAK", "") not in ("", "0")


def prepare_data_dir(
    data_dir: Path, seeded_template: Path, store_url: str | None, accounts_db: str | None = None
) -> str:
    """A seeded knowledge base in ``data_dir`` (on ``store_url`` if given) with an editor; returns an API token.

    The editor is made in ``accounts_db`` (``CLAIMKB_ACCOUNTS_DB``), by default the data directory's own."""
    if store_url is None:
        shutil.copytree(seeded_template, data_dir)
    else:
        data_dir.mkdir(parents=True)
        shutil.copy(seeded_template / "kb.json", data_dir / "kb.json")
        template = OxigraphStore(seeded_template / "store", read_only=True)
        target = open_store(store_url, data_dir)
        target.bulk_load(template.quads())
        target.close()
        template.close()
    knowledge = KnowledgeBase.open(data_dir, store_url=store_url, base_iri=BASE_IRI)
    accounts = Accounts.open(accounts_db, data_dir, knowledge.iris)
    try:
        accounts.add(EDITOR, "editor", "made-up test password")
        return str(accounts.create_token(EDITOR))
    finally:
        accounts.close()
        knowledge.close()


def persistent_server(location: Path) -> TestServer:
    """The pass's SPARQL server (``oxigraph serve``, or Virtuoso on the ``virtuoso`` pass) keeping its data
    on disk, so it can be stopped and started again."""
    from tests.helpers import TEST_STORE

    return start_server("virtuoso" if TEST_STORE == "virtuoso" else "oxigraph", location)


def _without_permission_overrides() -> None:
    """Run in the child before it starts the site: root, but subject to file permissions like anyone."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


class Site:
    """One ``claimkb serve`` (gunicorn master and workers in a process group of their own).

    ``honour_permissions`` makes file permissions apply to it when the tests run as root (root
    ignores them): it runs without the capabilities that override them (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH, dropped from its bounding set before it starts), as the owner of its files.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        store: str | None = None,
        workers: int = 1,
        threads: int = 4,
        honour_permissions: bool = False,
        port: int | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.store = store
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.honour_permissions = honour_permissions and os.geteuid() == 0
        self.settings = settings or {}
        self.process: subprocess.Popen[bytes] | None = None
        self._drainer: threading.Thread | None = None
        self.output: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> Site:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMKB_")}
        env["PYTHONPATH"] = str(REPO)  # the code of this checkout, whatever the virtualenv points at
        env["CLAIMKB_SPARQL_WORKERS"] = "1"
        if self.store:
            env["CLAIMKB_STORE"] = self.store
        env.update(self.settings)
        command = [
            str(Path(sys.executable).with_name("claimkb")),
            "serve",
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
        ]
        # Output goes to a pipe, drained by a thread: a file would count against a file-size limit.
        self.process = subprocess.Popen(  # noqa: S603
            command,
            env=env,
            cwd=self.data_dir.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one
            preexec_fn=_without_permission_overrides if self.honour_permissions else None,  # noqa: PLW1509
        )
        self._drainer = threading.Thread(target=self._drain, args=(self.process,), daemon=True)
        self._drainer.start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"claimkb serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                # Only our process group's answer counts: a parallel test worker may hold the port.
                ours = listens(self.process.pid, self.port)
                if ours and httpx.get(self.base + "claims", timeout=5).status_code == 200:
                    self._wait_for_workers()
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"the site did not start on port {self.port}:\n{self.log()}")

    def _drain(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line.decode(errors="replace"))

    def _wait_for_workers(self) -> None:
        # gunicorn forks its workers one after another; the first can answer before the last exists.
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (the SPARQL query workers they start are their children, not listed)."""
        assert self.process is not None
        try:
            return [p.pid for p in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def log(self) -> str:
        """The site's output but for its access log (which says what the client already knows)."""
        return "".join(line for line in self.output if not line.startswith("127.0.0.1 - "))[-6000:]

    def kill(self) -> None:
        """SIGKILL to the whole process group: the master, its workers and their query workers."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=20)
        self._closed()

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        self._closed()

    def _closed(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        if self._drainer is not None:
            self._drainer.join(timeout=10)
        self.process.stdout.close()
        self.process = None

    def __enter__(self) -> Site:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
