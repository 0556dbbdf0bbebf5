"""The application on OpenLink Virtuoso 7: the store tests, and each way Virtuoso differs from the
standard (and from Oxigraph) that the application must cope with — see the README's Virtuoso section.

One ``virtuoso-t`` serves the module (``tests.virtuoso_server``); each test empties it first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.store import Store, open_store
from tests.conftest import TEST_STORE
from tests.test_store import (  # the same tests, collected again here with this module's ``empty_store``
    test_a_failed_write_leaves_nothing_behind,
    test_a_stale_version_is_refused_and_nothing_is_written,
    test_an_empty_change_writes_nothing,
    test_revision_records_who_when_why_and_the_exact_triples,
    test_values_are_bound_not_formatted,
    test_versions_rise_with_each_revision,
)
from tests.virtuoso_server import VirtuosoServer, virtuoso, virtuoso_server

__all__ = [
    "test_a_failed_write_leaves_nothing_behind",
    "test_a_stale_version_is_refused_and_nothing_is_written",
    "test_an_empty_change_writes_nothing",
    "test_revision_records_who_when_why_and_the_exact_triples",
    "test_values_are_bound_not_formatted",
    "test_versions_rise_with_each_revision",
    "virtuoso",
    "virtuoso_server",
]

# These tests start the servers they need themselves: they run once, in the first pass of `make test`.
pytestmark = pytest.mark.skipif(TEST_STORE != "oxigraph", reason="starts its own servers; runs in the first pass")


@pytest.fixture
def empty_store(virtuoso: VirtuosoServer, tmp_path: Path) -> Iterator[Store]:
    store = open_store(virtuoso.store_url, tmp_path)
    yield store
    store.close()
