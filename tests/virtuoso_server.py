"""A real OpenLink Virtuoso 7 (``virtuoso-t`` from Debian) on free loopback ports, started and stopped by the tests.

Each server runs in the foreground with a ``virtuoso.ini`` generated in its own directory: the HTTP
port (SPARQL) and the SQL port (``isql-vt``, used here only to make the application's account) both
bind 127.0.0.1. A new database takes Virtuoso about five seconds to create, so the first server of a
test process creates one, shuts it down cleanly and keeps its files as a template; every later server
starts from a copy of them (well under a second).

The application reaches it as it would in production (see the README's Virtuoso section): queries on
``/sparql`` (read-only for the anonymous SPARQL user), updates and the Graph Store Protocol on the
digest-authenticated ``/sparql-auth`` and ``/sparql-graph-crud-auth`` as a user of its own that holds
``SPARQL_UPDATE``, and the knowledge base's default graph kept in the named graph ``default-graph``.
"""

from __future__ import annotations

import atexit
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.oxigraph_server import free_port

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
USER = "claimkb"
# The knowledge base's default graph on Virtuoso: a named graph (Virtuoso's own default graph is the
# union of all its graphs, its system graphs included). The tests' base IRI, so that the revisions'
# named graphs (``…/revisions/N/added``) fall under it.
DEFAULT_GRAPH = "http://localhost:5000/"

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 20
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
VADInstallDir = /usr/share/virtuoso-opensource-7/vad

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""

_DATABASE_FILES = ("virtuoso.db",)
_template_lock = threading.Lock()
_template: Path | None = None


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t")
    if not found:
        raise RuntimeError("Virtuoso is not installed: `make install-test` installs it (scripts/install-virtuoso)")
    return found


def _isql(sql_port: int, password: str, statements: str) -> None:
    """Run SQL as ``dba`` through Virtuoso's own client; a failed statement raises."""
    isql = shutil.which("isql-vt") or "isql-vt"
    result = subprocess.run(  # noqa: S603
        [isql, f"127.0.0.1:{sql_port}", "dba", password, f"exec={statements}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
        raise RuntimeError(f"isql-vt failed: {result.stdout}{result.stderr}")


def _template_directory() -> Path:
    """A fresh database with the application's user, shut down cleanly: the starting point of every server."""
    global _template
    with _template_lock:
        if _template is None:
            directory = Path(tempfile.mkdtemp(prefix="virtuoso-template-"))
            # One template per test process; gone when the process ends (each held a fresh database).
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            server = VirtuosoServer(directory, _from_template=False)
            server.start()
            server.stop()
            for leftover in ("virtuoso.log", "virtuoso.ini", "virtuoso.lck"):
                (directory / leftover).unlink(missing_ok=True)
            _template = directory
        return _template


class VirtuosoServer:
    """One ``virtuoso-t`` process; its database lives in ``location`` (a new temporary directory if None).

    ``stop()`` then ``start()`` keeps the ports and the data, as a restart of the server would.
    """

    def __init__(
        self,
        location: Path | None = None,
        *,
        http_port: int | None = None,
        sql_port: int | None = None,
        _from_template: bool = True,
    ) -> None:
        self._owns_location = location is None
        self.location = location or Path(tempfile.mkdtemp(prefix="virtuoso-"))
        self.location.mkdir(parents=True, exist_ok=True)
        self.http_port = http_port or free_port()
        self.sql_port = sql_port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._from_template = _from_template
        # The template's dba password, and the application user's: both known only to these tests.
        self.dba_password = "dba"
        self.password = "made-up-" + secrets.token_hex(8) if not _from_template else ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/"

    @property
    def store_url(self) -> str:
        """The ``CLAIMKB_STORE`` value that names this server (credentials in the URL's user part)."""
        graph = quote(DEFAULT_GRAPH, safe="")
        return (
            f"sparql+http://{USER}:{self.password}@127.0.0.1:{self.http_port}/"
            f"?query=sparql&update=sparql-auth&store=sparql-graph-crud-auth&default-graph={graph}"
        )

    def start(self) -> VirtuosoServer:
        fresh = not (self.location / "virtuoso.db").exists()
        if fresh and self._from_template:
            template = _template_directory()
            for item in template.iterdir():
                if item.name == "password":
                    continue
                shutil.copy(item, self.location / item.name)
            self.password = (template / "password").read_text()
        ini = self.location / "virtuoso.ini"
        ini.write_text(_INI.format(dir=self.location, sql_port=self.sql_port, http_port=self.http_port))
        self.process = subprocess.Popen(  # noqa: S603
            [virtuoso_binary(), "+foreground", "+configfile", str(ini)],
            cwd=self.location,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()
        if fresh and not self._from_template:
            self._make_application_user()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}:\n{self.log()}")
            try:
                answer = httpx.get(self.base + "sparql", params={"query": "ASK {}"}, timeout=2.0)
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(
            f"virtuoso-t did not answer on port {self.http_port} within {START_TIMEOUT} s:\n{self.log()}"
        )

    def _make_application_user(self) -> None:
        """The user the application writes as: SPARQL_UPDATE through the authenticated endpoints only."""
        self.password = "made-up-" + secrets.token_hex(8)
        _isql(
            self.sql_port,
            self.dba_password,
            f"DB.DBA.USER_CREATE('{USER}', '{self.password}'); GRANT SPARQL_UPDATE TO \"{USER}\";"
            f" DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{USER}', 3); DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1);"
            " checkpoint;",
        )
        (self.location / "password").write_text(self.password)

    def log(self) -> str:
        path = self.location / "virtuoso.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        """A clean shutdown (a checkpoint, then exit), as ``shutdown`` from SQL would do."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: no checkpoint; the next start replays the transaction log."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self.process = None

    def clear(self) -> None:
        """Delete every graph of the application (the default graph and those under it), not Virtuoso's own."""
        auth = httpx.DigestAuth(USER, self.password)
        query = f'SELECT DISTINCT ?g {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{DEFAULT_GRAPH}")) }}'
        graphs = httpx.post(
            self.base + "sparql",
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        ).json()["results"]["bindings"]
        names = {row["g"]["value"] for row in graphs} | {DEFAULT_GRAPH}
        update = " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in sorted(names))
        httpx.post(self.base + "sparql-auth", data={"update": update}, auth=auth, timeout=60).raise_for_status()

    def remove(self) -> None:
        """Stop it and delete its database (when it made its own directory)."""
        self.stop()
        if self._owns_location:
            shutil.rmtree(self.location, ignore_errors=True)


@pytest.fixture(scope="module")
def virtuoso_server() -> Iterator[VirtuosoServer]:
    """One Virtuoso for a test module (a start costs seconds); ``clear()`` it between tests that need it empty."""
    server = VirtuosoServer().start()
    yield server
    server.remove()


@pytest.fixture
def virtuoso(virtuoso_server: VirtuosoServer) -> Iterator[VirtuosoServer]:
    """The module's Virtuoso, emptied of the application's graphs before the test."""
    virtuoso_server.clear()
    yield virtuoso_server
