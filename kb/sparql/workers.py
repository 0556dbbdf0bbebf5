"""A small pool of query worker processes: the only way to stop a runaway query on the embedded store.

Oxigraph has no query timeout or cancellation (oxigraph issue #1926), and a thread cannot be
killed; a process can. Each worker opens the store read-only, and again whenever a new revision
has landed, so it sees everything the writer has committed. A worker that overruns the time limit is killed and a
fresh one takes its place; the web process keeps answering meanwhile.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from kb.errors import KBError
from kb.sparql.evaluate import Job, Outcome


class QueryTimeout(KBError):
    status = 503
    title = "Query timed out"


class EndpointBusy(KBError):
    status = 503
    title = "Endpoint busy"


OPEN_ATTEMPTS = 3


def _serve(conn: Connection, store_path: str) -> None:
    """A worker's loop: one job in, one outcome out, until the connection closes."""
    import pyoxigraph as ox

    from kb.sparql.evaluate import evaluate, public_named_graphs

    # A read-only store sees the data as it was when opened, so it is kept while the knowledge
    # base stays at the same revision and opened afresh (about 15 ms) when a revision lands.
    store: ox.Store | None = None
    public_graphs = None
    generation = -1
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        outcome = None
        for _attempt in range(OPEN_ATTEMPTS):
            try:
                if store is None or job.generation != generation:
                    store, generation = None, -1
                    store = ox.Store.read_only(store_path)
                    public_graphs = public_named_graphs(store, job.base_iri)
                    generation = job.generation
                outcome = evaluate(store, job, public_graphs)
                break
            except (OSError, RuntimeError) as error:
                # A read-only view lists the store's files as they were when it opened, and the
                # writer may compact one away at any time: seen under load as "No such file or
                # directory" in a query, or as "Corruption: … may be corrupted" while opening. A
                # fresh view lists the current files, so the query is tried again on one.
                store, generation = None, -1
                outcome = Outcome(f"The store could not be read: {error}".encode(), status=503)
        conn.send(outcome)


class _Worker:
    """A fresh interpreter (``python -P -m kb.sparql.workers``) joined to us by a socket pair.

    A plain subprocess rather than multiprocessing's spawn: the worker starts from the installed
    package alone, not from a copy of the parent's ``__main__`` and ``sys.path``.
    """

    def __init__(self, store_path: Path) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
                [sys.executable, "-P", "-m", "kb.sparql.workers", str(theirs.fileno()), str(store_path)],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        self.conn = Connection(ours.detach())

    def stop(self) -> None:
        self.conn.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)


class WorkerPool:
    """``size`` worker processes over the store at ``store_path``, started when first needed."""

    def __init__(self, store_path: Path, *, size: int, timeout: float) -> None:
        self.store_path = store_path
        self.timeout = timeout
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self._idle.put(None)
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def run(self, job: Job) -> Outcome:
        """Run ``job`` in a worker within the time limit (waiting for a free worker counts too)."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise EndpointBusy(
                "Every query worker is busy; try again in a few seconds.", details={"retry_after": 5}
            ) from None
        try:
            if worker is None:
                worker = self._start()
            remaining = max(0.05, self.timeout - (time.monotonic() - started))
            worker.conn.send(job)
            if not worker.conn.poll(remaining):
                self._replace(worker)
                worker = None
                raise QueryTimeout(
                    f"The query ran longer than the limit of {self.timeout:g} s and was stopped. "
                    "Narrow it down (a LIMIT, fewer unbound patterns) or run it on a dump of the data."
                )
            try:
                outcome: Outcome = worker.conn.recv()
            except (EOFError, OSError) as error:
                self._replace(worker)
                worker = None
                raise KBError("The query worker stopped unexpectedly.", status=500, title="Server error") from error
            return outcome
        finally:
            self._idle.put(worker)

    def _start(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise EndpointBusy("The endpoint is shutting down.")
            worker = _Worker(self.store_path)
            self._all.add(worker)
            return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker``; its slot goes back empty and a fresh worker starts when next needed."""
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, set()
        for worker in workers:
            worker.stop()


def _exit_with_parent(parent: int) -> None:
    """Leave when the web process is gone, even in the middle of a query.

    Oxigraph releases the GIL while it evaluates, so this thread keeps running meanwhile.
    """
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


if __name__ == "__main__":
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _serve(Connection(int(sys.argv[1])), sys.argv[2])
