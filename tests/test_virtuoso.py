"""The application on OpenLink Virtuoso 7: the store tests, and each way Virtuoso differs from the
standard (and from Oxigraph) that the application must cope with — see the README's Virtuoso section.

One ``virtuoso-t`` serves the module (``tests.virtuoso_server``); each test empties it first.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from claims.model import Iris
from claims.vocab import SCHEMA
from kb.errors import ConflictError, KBError
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.store import STAGING_PREFIX, OxigraphStore, Store, open_store, to_ox
from kb.write.repository import STAGING_LEASE, Change, Repository, diff
from tests.helpers import TEST_STORE
from tests.oxigraph_server import OxigraphServer
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


# --- where Virtuoso differs, and how the application copes ---------------------------------------

IRIS = Iris("http://localhost:5000/")
AGENT = IRIS.agent("tester")
CLAIM = IRIS.claim("virtuoso-literals")
EMBEDDED_ANSWERS: dict[str, object] = {}

# Every kind of literal the application writes or reads back, each on its own property.
LITERALS = {
    "plain": Literal("plain text"),
    "typed-string": Literal("typed string", datatype=XSD.string),  # the same term as a plain one in RDF 1.1
    "language": Literal("colour", lang="en-GB"),
    "true": Literal(True),
    "false": Literal(False),
    "date": Literal(date(2024, 1, 2)),
    "datetime-utc": Literal("2024-01-02T03:04:05Z", datatype=XSD.dateTime),
    "datetime-offset": Literal("2024-01-02T03:04:05+02:00", datatype=XSD.dateTime),
    "integer": Literal(42),
    "decimal": Literal(Decimal("1.5")),
    "decimal-trailing-zero": Literal(Decimal("1.50")),  # Virtuoso keeps numbers by value: back as 1.5
    "quotes-and-lines": Literal('He said "no"\nthen \\ left.\ttab'),
    "astral": Literal("emoji \U0001f600 and \U0001d11e"),
    "long": Literal("long " * 40_000),  # 200 kB: Virtuoso keeps long strings apart from short ones
}


def prop(name: str) -> URIRef:
    return URIRef(f"https://example.org/made-up-for-tests#{name}")


def literal_change(values: dict[str, Literal], version: int = 0) -> Change:
    return Change(
        added={(CLAIM, RDF.type, SCHEMA.Claim)} | {(CLAIM, prop(k), v) for k, v in values.items()},
        changed={CLAIM},
        expected_versions={CLAIM: version},
    )


def test_every_kind_of_literal_comes_back_as_written(empty_store: Store) -> None:
    """Virtuoso answers booleans as 1/0 in JSON and lower-cases language tags; each read path (SELECT,
    CONSTRUCT, the revision's own graphs) still gives back terms equal to those written."""
    repo = Repository(empty_store, IRIS)
    repo.apply(literal_change(LITERALS), agent=AGENT, reason="literals")
    described = repo.describe([CLAIM])  # SELECT
    constructed = empty_store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": CLAIM})
    added, _removed = repo.revision_triples(1)
    for name, value in LITERALS.items():
        # Read back in one form on every store: a ^^xsd:string literal as the plain one it equals.
        expected = Literal(str(value)) if value.datatype == XSD.string else value
        for where, graph in (("SELECT", set(described)), ("CONSTRUCT", set(constructed)), ("revision", added)):
            found = [o for s, p, o in graph if p == prop(name)]
            if name == "decimal-trailing-zero":
                assert [f.toPython() for f in found] == [Decimal("1.5")] and str(found[0]) in ("1.50", "1.5")
                continue
            assert found == [expected], f"{name} through {where}: {found!r}"
            assert str(found[0]) == str(value), name
            # Virtuoso lower-cases language tags (en-GB comes back en-gb): equal, as tags compare without case.
            assert (found[0].language or "").lower() == (value.language or "").lower(), name
    # A bound value finds each literal as it was written: the plain one and the ^^xsd:string one alike.
    for name, value in LITERALS.items():
        if name == "decimal-trailing-zero":
            continue
        rows = empty_store.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": value, "p": prop(name)})
        assert [r["s"] for r in rows] == [CLAIM], name


def test_an_edit_of_read_back_literals_changes_only_what_changed(empty_store: Store) -> None:
    """Terms read back must be the terms stored, or an edit computed from them would rewrite them all."""
    repo = Repository(empty_store, IRIS)
    repo.apply(literal_change(LITERALS), agent=AGENT, reason="literals")
    before = repo.describe([CLAIM])
    after = set(before) - {(CLAIM, prop("plain"), LITERALS["plain"])}
    after.add((CLAIM, prop("plain"), Literal("edited")))
    added, removed = diff(before, after)
    assert added == {(CLAIM, prop("plain"), Literal("edited"))}
    info = repo.apply(
        Change(added=added, removed=removed, changed={CLAIM}, expected_versions={CLAIM: 1}), agent=AGENT, reason="e"
    )
    assert info is not None and (info.added, info.removed) == (1, 1)
    assert diff(repo.describe([CLAIM]), after) == (set(), set())


def test_the_default_graph_is_the_knowledge_bases_own(empty_store: Store) -> None:
    """Virtuoso's default graph is the union of all its graphs (its own system graphs too), and it takes
    no triple outside a named graph: the store URL's ``default-graph`` keeps the knowledge base in one."""
    assert empty_store.is_empty() and list(empty_store.quads()) == []  # Virtuoso's own graphs are not ours
    repo = Repository(empty_store, IRIS)
    repo.apply(literal_change({"plain": Literal("x")}), agent=AGENT, reason="one")
    # The revision's added graph holds the claim's triples, but a default-graph pattern sees each once.
    rows = empty_store.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": CLAIM, "p": RDF.type})
    assert [r["o"] for r in rows] == [SCHEMA.Claim]
    graphs = {g for *_, g in empty_store.quads()}
    assert graphs == {None, URIRef(f"{IRIS.revision(1)}/added")}


def test_a_large_revision_lands_whole_in_one_short_update(empty_store: Store) -> None:
    """Virtuoso compiles an update's template to at most 10,000 lines of SQL (about a thousand triples):
    a larger change is staged in graphs of its own and moved into place by one operation."""
    repo = Repository(empty_store, IRIS)
    claims = [IRIS.claim(f"large-{n}") for n in range(500)]
    change = Change(
        added={(c, RDF.type, SCHEMA.Claim) for c in claims} | {(c, SCHEMA.text, Literal(f"Claim {c}")) for c in claims},
        changed=set(claims),
        expected_versions=dict.fromkeys(claims, 0),
    )
    info = repo.apply(change, agent=AGENT, reason="large")
    assert info is not None and info.added == 1000
    added, _ = repo.revision_triples(1)
    assert len(added) == 1000 and repo.versions(claims[:3]) == dict.fromkeys(claims[:3], 1)
    # The same change again, from the old versions: refused whole, and no staging graph is left.
    stale = Change(added={(c, SCHEMA.name, Literal("late")) for c in claims} | change.added, changed=set(claims))
    stale.expected_versions = dict.fromkeys(claims, 0)
    before = sorted(empty_store.quads(), key=str)
    with pytest.raises(ConflictError):
        repo.apply(stale, agent=AGENT, reason="stale")
    assert sorted(empty_store.quads(), key=str) == before
    assert not empty_store.ask(
        "ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }", {"prefix": Literal(STAGING_PREFIX)}
    )


def test_staging_graphs_left_behind_are_found_and_dropped_once_stale(empty_store: Store) -> None:
    """Virtuoso lists graphs only by their triples: a writer's leftover staging graphs are found there
    too, and only the stale one (made two hours ago) goes."""
    now = int(time.time())
    fresh, old = (URIRef(f"{STAGING_PREFIX}t{made}:n:insert") for made in (now, now - 7200))
    empty_store.bulk_load([(CLAIM, RDF.type, SCHEMA.Claim, fresh), (CLAIM, RDF.type, SCHEMA.Claim, old)])
    repo = Repository(empty_store, IRIS)
    assert repo.drop_stale_staging() == [old]
    assert repo.drop_stale_staging(now=now + STAGING_LEASE + 1) == [fresh]
    assert repo.drop_stale_staging() == [] and empty_store.is_empty()


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_one_request_of_several_operations_is_atomic_on_oxigraph_only(
    kind: str, virtuoso_server: VirtuosoServer, tmp_path: Path
) -> None:
    """A request of two operations whose second fails: Oxigraph applies neither, Virtuoso keeps the
    first. So the application never splits one revision over several operations."""
    server: OxigraphServer | VirtuosoServer = virtuoso_server if kind == "virtuoso" else OxigraphServer().start()
    if kind == "virtuoso":
        virtuoso_server.clear()
    store = open_store(server.store_url, tmp_path)
    try:
        marker = (IRIS.claim("first-operation"), RDF.type, SCHEMA.Claim)
        first = f"INSERT DATA {{ {to_ox(marker[0])} {to_ox(marker[1])} {to_ox(marker[2])} }}"
        with pytest.raises((KBError, ValueError)):  # the second operation fails when it runs, not when read
            store.update(f"{first} ;\nDROP GRAPH <http://localhost:5000/no-such-graph>")
        landed = store.ask("ASK { ?s ?p ?o }", {"s": marker[0], "p": marker[1], "o": marker[2]})
        assert landed == (kind == "virtuoso")
    finally:
        store.close()
        if isinstance(server, OxigraphServer):
            server.stop()


def test_the_application_answers_on_virtuoso_as_on_the_embedded_store(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    """The seed through the write path, then every listing and page: the same answers as the embedded store."""
    embedded = KnowledgeBase(OxigraphStore(None), IRIS)
    remote = KnowledgeBase(open_store(virtuoso.store_url, tmp_path), IRIS)
    try:
        for kb in (embedded, remote):
            kb.ensure_seed()
        assert remote.claims() == embedded.claims() and len(remote.claims()) > 5
        for status in ("supported", "denied", "disputed", "resolved-false", "unverified"):
            assert remote.claims(ClaimFilters(status=status)) == embedded.claims(ClaimFilters(status=status))
        assert remote.status_counts() == embedded.status_counts()
        assert remote.facet_values() == embedded.facet_values()
        for summary in embedded.claims():
            assert remote.claim_page(summary.slug) == embedded.claim_page(summary.slug)
        for slug, _name in embedded.entities():
            assert remote.entity_page(slug) == embedded.entity_page(slug)
        # VALUES: a bound value used only in a FILTER constrains the whole group.
        longer = "SELECT ?min ?claim WHERE { ?claim schema:text ?text FILTER(STRLEN(?text) > ?min) }"
        bound = {"min": Literal(20)}
        rows = remote.store.select(longer, bound)
        assert sorted(r["claim"] for r in rows) == sorted(r["claim"] for r in embedded.store.select(longer, bound))
        assert len(rows) > 5 and all(r["min"] == Literal(20) for r in rows)
    finally:
        remote.close()
        embedded.close()


def test_an_update_matching_a_named_graph_finds_it(empty_store: Store) -> None:
    """Given a default graph, Virtuoso matches an update's ``GRAPH <g>`` patterns only against the named
    graphs the request lists: unlisted, replacing a flag in a named graph would add "true" beside
    "false" instead of replacing it (as it did to the accounts' "disabled" flag when they lived in
    the store)."""
    graph, subject = URIRef(IRIS.base + "graphs/flags"), IRIS.agent("virtuoso-editor")
    flag = URIRef("http://example.org/disabled")
    g, s, p = to_ox(graph), to_ox(subject), to_ox(flag)
    empty_store.update(f"INSERT DATA {{ GRAPH {g} {{ {s} {p} false }} }}")
    empty_store.update(
        f"DELETE {{ GRAPH {g} {{ {s} {p} ?old }} }} INSERT {{ GRAPH {g} {{ {s} {p} true }} }} "
        f"WHERE {{ OPTIONAL {{ GRAPH {g} {{ {s} {p} ?old }} }} }}"
    )
    values = empty_store.select("SELECT ?g ?v WHERE { GRAPH ?g { ?a ?p ?v } }", {"g": graph, "a": subject, "p": flag})
    assert [r["v"] for r in values] == [Literal(True)]
