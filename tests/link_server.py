"""A local HTTP server on loopback for the link checks: 200, 301, 302, 404, 410, robots.txt, an
answer that never comes and a body that trickles. It records each request's path, time and User-Agent."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROBOTS = b"User-agent: *\nDisallow: /private\n"


@dataclass
class Seen:
    requests: list[tuple[str, float, str]] = field(default_factory=list)  # (path, monotonic time, User-Agent)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        with self.lock:
            return [p for p, _t, _ua in self.requests]


@contextmanager
def link_server() -> Iterator[tuple[str, Seen]]:
    """Serve on a free loopback port; yields the base address (``http://127.0.0.1:N``) and what it saw."""
    seen = Seen()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            with seen.lock:
                seen.requests.append((self.path, time.monotonic(), self.headers.get("User-Agent", "")))
            path = self.path
            if path == "/robots.txt":
                self._answer(200, ROBOTS)
            elif path in ("/ok", "/new", "/private/page"):
                self._answer(200, b"<p>Still here.</p>")
            elif path == "/old":
                self._redirect(301, "/new")
            elif path == "/temporary":
                self._redirect(302, "/ok")
            elif path == "/moved-then-gone":
                self._redirect(308, "/missing")
            elif path == "/missing":
                self._answer(404, b"not found")
            elif path == "/removed":
                self._answer(410, b"gone")
            elif path == "/error":
                self._answer(503, b"try later")
            elif path == "/hang":
                stop.wait(30)  # never answers while the test runs
            elif path == "/slow-body":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.flush()
                try:
                    while not stop.wait(0.2):  # one byte every 0.2 s: 100 kB would take hours
                        self.wfile.write(b"x")
                        self.wfile.flush()
                except OSError:
                    pass  # the client hung up, as it should
            else:
                self._answer(404, b"no such page")

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, status: int, to: str) -> None:
            self.send_response(status)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
