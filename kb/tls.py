"""The TLS context the knowledge base's HTTP clients share.

httpx builds a new SSL context for every client it makes, loading the CA bundle from disk each time
(about 40 ms of CPU). A site on a SPARQL server makes several (its stores, the public endpoint's
proxy, the writer's), and every app the tests build makes them again. One context, made on first use
by httpx's own ``create_ssl_context`` (certifi's bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when
set), verifies exactly as each client's default would.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
