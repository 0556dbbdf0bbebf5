"""A real ``oxigraph serve`` on a free loopback port, started and stopped by the tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

START_TIMEOUT = 20.0


class PortTaken(RuntimeError):
    """The server could not bind its port: another process holds it."""


def free_port() -> int:
    """A loopback port free now. Another process (a parallel test worker) may take it before the
    server we start binds it: servers started on it check ``listens`` before they count as up."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listens(pid: int, port: int) -> bool:
    """Whether process ``pid`` or one of its children listens on ``port``: an answer on the port is
    then from our server, not from one another test worker started there."""
    try:
        process = psutil.Process(pid)
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return False
    for member in family:
        try:
            connections = member.net_connections(kind="tcp")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if any(c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port for c in connections):
            return True
    return False


def oxigraph_binary() -> str:
    beside_python = Path(sys.executable).with_name("oxigraph")
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed: `make install-test` installs it")
    return found


class OxigraphServer:
    """One server process; in memory unless given a ``location``. ``stop()`` then ``start()`` keeps the port."""

    def __init__(self, location: Path | None = None, port: int | None = None, timeout: float | None = None) -> None:
        self.location = location
        self.timeout = timeout  # --timeout-s: the server cancels every query running longer
        self.port = port or free_port()
        self.port_chosen = port is None  # ours to change if another process takes it first
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def store_url(self) -> str:
        """The ``CLAIMKB_STORE`` value that names this server."""
        return "sparql+" + self.base

    def start(self) -> OxigraphServer:
        for _attempt in range(5):
            try:
                return self._start()
            except PortTaken:
                if not self.port_chosen:
                    raise
                self.port = free_port()  # a parallel test worker took it between our probe and the bind
        raise RuntimeError("oxigraph serve found every port it tried taken")

    def _start(self) -> OxigraphServer:
        command = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.location is not None:
            command += ["--location", str(self.location)]
        if self.timeout is not None:
            command += ["--timeout-s", str(max(1, round(self.timeout)))]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            returncode = self.process.poll()
            if returncode is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                self.process = None
                if "in use" in error.lower():
                    raise PortTaken(error)
                raise RuntimeError(f"oxigraph serve exited with {returncode}: {error}")
            if listens(self.process.pid, self.port):
                try:
                    httpx.get(self.base + "query", params={"query": "ASK {}"}, timeout=1.0)
                    return self
                except httpx.TransportError:
                    pass
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on port {self.port} within {START_TIMEOUT} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None
