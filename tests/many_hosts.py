"""Several ``claimkb serve`` hosts and one ``claimkb writer`` on one SPARQL server, as real processes.

Each host has its own data directory (as on its own machine) and hands its writes to the writer
(``CLAIMKB_WRITER_URL``); with ``writer=False`` the hosts write to the server themselves, as before
the writer existed (to show what goes wrong then). The SPARQL server is either a real ``oxigraph
serve`` or a real Virtuoso (``tests.oxigraph_server``, ``tests.virtuoso_server``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.oxigraph_server import OxigraphServer, free_port
from tests.site_process import REPO, START_TIMEOUT, Site, prepare_data_dir
from tests.virtuoso_server import VirtuosoServer

SERVERS = ("oxigraph", "virtuoso")


def start_server(kind: str, location: Path) -> OxigraphServer | VirtuosoServer:
    if kind == "oxigraph":
        return OxigraphServer(location=location).start()
    return VirtuosoServer(location).start()


class WriterProcess:
    """``claimkb writer`` on a free loopback port, in a process group of its own."""

    def __init__(self, data_dir: Path, store_url: str, token: str) -> None:
        self.data_dir = data_dir
        self.store_url = store_url
        self.token = token
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.output: list[str] = []
        self._drainer: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> WriterProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMKB_")}
        env |= {"PYTHONPATH": str(REPO), "CLAIMKB_STORE": self.store_url, "CLAIMKB_WRITER_TOKEN": self.token}
        command = [
            str(Path(sys.executable).with_name("claimkb")),
            "writer",
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(  # noqa: S603
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._drainer = threading.Thread(target=self._drain, args=(self.process,), daemon=True)
        self._drainer.start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"claimkb writer exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url + "health", timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"the writer did not start on port {self.port}:\n{self.log()}")

    def _drain(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line.decode(errors="replace"))

    def log(self) -> str:
        return "".join(self.output)[-6000:]

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        if self._drainer is not None:
            self._drainer.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.process = None


class Cluster:
    """The SPARQL server, the writer (unless ``writer=False``) and ``hosts`` sites, each in its own directory."""

    def __init__(self, root: Path, seeded_template: Path, kind: str, *, hosts: int = 3, writer: bool = True) -> None:
        self.root = root
        self.kind = kind
        self.server = start_server(kind, root / "server")
        self.token = ""
        self.writer: WriterProcess | None = None
        self.sites: list[Site] = []
        try:
            first = root / "host-0"
            # The seed and an editor's token, once, on the shared server; the other hosts only need
            # the base IRI the first one recorded (kb.json), as a new machine would be given.
            # The hosts share one accounts database, as the README's deployment guide has them (SQLite
            # here, all hosts being on this machine; PostgreSQL across machines).
            accounts_db = f"sqlite:///{root / 'accounts.sqlite3'}"
            self.token = prepare_data_dir(first, seeded_template, self.server.store_url, accounts_db)
            for number in range(1, hosts):
                (root / f"host-{number}").mkdir()
                shutil.copy(first / "kb.json", root / f"host-{number}" / "kb.json")
            settings = {"CLAIMKB_ACCOUNTS_DB": accounts_db}
            if writer:
                secret = secrets.token_urlsafe(24)
                writer_dir = root / "writer"
                writer_dir.mkdir()
                shutil.copy(first / "kb.json", writer_dir / "kb.json")
                self.writer = WriterProcess(writer_dir, self.server.store_url, secret).start()
                settings |= {"CLAIMKB_WRITER_URL": self.writer.url, "CLAIMKB_WRITER_TOKEN": secret}
            self.sites = [
                Site(root / f"host-{n}", store=self.server.store_url, threads=6, settings=settings)
                for n in range(hosts)
            ]
            # Started together: each start is mostly waiting on a new interpreter.
            with ThreadPoolExecutor(max_workers=hosts) as pool:
                list(pool.map(Site.start, self.sites))
        except BaseException:
            self.stop()
            raise

    @property
    def store_url(self) -> str:
        return self.server.store_url

    def stop(self) -> None:
        for site in self.sites:
            site.stop()
        if self.writer is not None:
            self.writer.stop()
        if isinstance(self.server, VirtuosoServer):
            self.server.remove()
        else:
            self.server.stop()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
