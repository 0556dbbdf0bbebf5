"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only query endpoint, run over real HTTP.

The manifest (``../shared/sparql-protocol/manifest.ttl``, beside the checkout) describes each test
as raw HTTP requests with the expected status class and result; this module reads it, sends each
request to a live server on loopback, and checks the answer. Tests that need a writable endpoint
(they CLEAR or DROP everything) are left out, as ``protocol-tests-summary.tsv`` says.
"""

from __future__ import annotations

import csv
import http.client
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

from kb.store import from_ox
from tests.helpers import REPO, SHARED
from tests.live_server import serve
from tests.pass_store import ON_SERVER, server_for_endpoint

# Beside the checkout; a git worktree one level further down finds it one level up.
SUITE = next(
    (p for p in (SHARED / "sparql-protocol", REPO.parent.parent / "shared" / "sparql-protocol") if p.is_dir()),
    SHARED / "sparql-protocol",
)
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
WRITABLE_ONLY = "writable TEST instance only"

pytestmark = [
    pytest.mark.store,  # on the embedded store and again on each SPARQL server
    pytest.mark.skipif(not SUITE.is_dir(), reason=f"the W3C protocol tests are not at {SUITE}"),
]


@dataclass(frozen=True)
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    status_classes: frozenset[str]  # "2xx", "3xx", "4xx"
    boolean: bool | None
    result_format: str | None  # boolean, tabular or RDF


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: tuple[ProtocolRequest, ...]
    graphs: tuple[tuple[Path, str], ...]  # (data file, graph name)


def _applicable() -> set[str]:
    with (SUITE / "protocol-tests-summary.tsv").open(newline="") as file:
        rows = csv.DictReader(file, delimiter="\t")
        return {row["test"] for row in rows if not row["runs against"].startswith(WRITABLE_ONLY)}


def _load_manifest() -> list[ProtocolTest]:
    if not SUITE.is_dir():
        return []
    manifest = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri())
    root = next(manifest.subjects(MF.entries, None))
    applicable = _applicable()
    tests = []
    for entry in Collection(manifest, manifest.value(root, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        if name not in applicable:
            continue
        action = manifest.value(entry, MF.action)
        requests = tuple(_request(manifest, r) for r in Collection(manifest, manifest.value(action, HT.requests)))
        graphs = tuple(
            (SUITE / Path(str(manifest.value(g, UT.graph))).name, str(manifest.value(g, RDFS.label)))
            for g in manifest.objects(entry, UT.graphData)
        )
        tests.append(ProtocolTest(name, requests, graphs))
    return tests


def _request(manifest: Graph, node: URIRef) -> ProtocolRequest:
    headers = {}
    header_list = manifest.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(manifest, header_list):
            headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
    body = manifest.value(node, HT.body)
    data = None
    if body is not None:
        encoding = str(manifest.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(manifest.value(body, CNT.chars)).encode(encoding)
    response = manifest.value(node, HT.resp)
    boolean = manifest.value(response, MF.expectedBoolean)
    result_format = manifest.value(response, MF.expectedFormat)
    return ProtocolRequest(
        method=str(manifest.value(node, HT.methodName)),
        path=str(manifest.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
        headers=headers,
        body=data,
        status_classes=frozenset(str(s).removeprefix(HTS) for s in manifest.objects(response, MF.expectedStatus)),
        boolean=None if boolean is None else bool(boolean.toPython()),
        result_format=None if result_format is None else str(result_format),
    )


TESTS = _load_manifest()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A TEST knowledge base (no seed) holding data1-3 as named graphs, served on loopback: on the
    embedded store, or on the server pass on a real ``oxigraph serve``."""
    from webapp import create_app

    with ExitStack() as stack:
        store = "oxigraph"
        if ON_SERVER:
            store = stack.enter_context(server_for_endpoint(timeout=10)).store_url
        app: Flask = create_app(
            {"data_dir": str(tmp_path_factory.mktemp("protocol")), "store": store, "seed": "0", "TESTING": True}
        )
        kb = app.extensions["claimkb"]
        stack.callback(kb.close)
        for test in TESTS:
            for path, name in test.graphs:
                kb.store.bulk_load(
                    (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), URIRef(name))
                    for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
                )
        if hasattr(kb.store, "flush"):
            kb.store.flush()
        with serve(app) as url:
            host, port = url.removeprefix("http://").split(":")
            yield host, int(port)


def test_the_suite_has_the_read_only_cases() -> None:
    assert len(TESTS) == 27  # 13 query tests, 7 bad query requests, 7 bad update requests


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(endpoint: tuple[str, int], test: ProtocolTest) -> None:
    for request in test.requests:
        connection = http.client.HTTPConnection(*endpoint, timeout=30)
        try:
            connection.request(request.method, request.path, body=request.body, headers=request.headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        assert f"{response.status // 100}xx" in request.status_classes, (response.status, body[:300])
        media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        if request.result_format == "boolean":
            result = ox.parse_query_results(body, ox.QueryResultsFormat.from_media_type(media_type))
            assert isinstance(result, ox.QueryBoolean)
            if request.boolean is not None:
                assert bool(result) is request.boolean
        elif request.result_format == "tabular":
            assert media_type in (
                "application/sparql-results+xml",
                "application/sparql-results+json",
                "text/csv",
                "text/tab-separated-values",
            )
            if media_type != "text/csv":  # Oxigraph reads JSON, XML and TSV back
                solutions = ox.parse_query_results(body, ox.QueryResultsFormat.from_media_type(media_type))
                assert isinstance(solutions, ox.QuerySolutions)
        elif request.result_format == "RDF":
            assert media_type in ("application/rdf+xml", "text/turtle", "application/n-triples")
            list(ox.parse(body, format=ox.RdfFormat.from_media_type(media_type)))
