"""The HTTP clients of the knowledge base share one TLS context, and it verifies servers."""

from __future__ import annotations

import ssl

from kb.tls import tls_context


def test_one_context_made_once_that_verifies_certificates_and_host_names() -> None:
    context = tls_context()
    assert tls_context() is context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # a CA bundle is loaded
