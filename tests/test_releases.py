"""Releases: reproducible byte for byte, parseable by rdflib, checksummed, described in VoID and DCAT
(checked against claims/void-shapes.ttl), never holding private data, refused when they exist; the
live description at /.well-known/void and the SPARQL service description pointing to it."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from pyshacl import validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VOID

from claims import schema_files
from claims.vocab import SCHEMA
from commands import main
from kb.errors import KBError
from kb.interchange.releases import CHECKSUMS, make_release
from kb.knowledge import KnowledgeBase
from tests import html
from tests.helpers import AppFactory

pytestmark = pytest.mark.store  # releases are dumps of the store: both passes

ISSUED = date(2026, 12, 1)
RDF_FILES = {"trig": "trig", "nq": "nquads", "jsonld": "json-ld"}


def _release(kb: KnowledgeBase, version: str, where: Path) -> Path:
    made = make_release(
        kb,
        version,
        where,
        issued=ISSUED,
        publisher="claimkb",
        licence="https://creativecommons.org/licenses/by/4.0/",
        endpoint=f"{kb.iris.base}sparql",
    )
    return made.directory


def _conforms(graph: Graph) -> None:
    shapes = Graph().parse(schema_files.VOID_SHAPES, format="turtle")
    ok, _report, text = validate(graph, shacl_graph=shapes, inference="none")
    assert ok, text


@pytest.fixture
def kb(app: Flask) -> KnowledgeBase:
    return app.extensions["claimkb"]  # type: ignore[no-any-return]


def test_a_release_is_reproducible_byte_for_byte_and_its_checksums_hold(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = _release(kb, "2026.1", tmp_path / "a")
    second = _release(kb, "2026.1", tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(
        [
            CHECKSUMS,
            "void.ttl",
            "claimkb-2026.1.trig",
            "claimkb-2026.1.nq",
            "claimkb-2026.1.jsonld",
            "claimkb-2026.1-claims.csv",
        ]
    )
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    listed = dict(line.split("  ")[::-1] for line in (first / CHECKSUMS).read_text().splitlines())
    assert set(listed) == set(names) - {CHECKSUMS}
    for name, digest in listed.items():
        assert hashlib.sha256((first / name).read_bytes()).hexdigest() == digest


def test_the_dumps_parse_with_rdflib_and_hold_the_same_quads(kb: KnowledgeBase, tmp_path: Path) -> None:
    directory = _release(kb, "1.0.0", tmp_path)
    sizes = set()
    claims = set()
    for suffix, rdf_format in RDF_FILES.items():
        dataset = Dataset()
        dataset.parse(directory / f"claimkb-1.0.0.{suffix}", format=rdf_format)
        sizes.add(len(dataset))
        claims.add(len(set(dataset.default_graph.subjects(None, SCHEMA.Claim))))
        # The revision history travels as named graphs (the seed's one revision: its added triples).
        assert URIRef(f"{kb.iris.base}revisions/1/added") in {g.identifier for g in dataset.graphs()}
    assert len(sizes) == 1 and sizes.pop() > 1000
    assert claims == {12}


def test_the_description_conforms_to_the_shapes_and_says_the_statistics(kb: KnowledgeBase, tmp_path: Path) -> None:
    directory = _release(kb, "2026.1", tmp_path)
    graph = Graph().parse(directory / "void.ttl", format="turtle")
    _conforms(graph)
    dataset = URIRef(f"{kb.iris.base}releases/2026.1")
    assert str(graph.value(dataset, OWL.versionInfo)) == "2026.1"
    assert graph.value(dataset, DCTERMS.issued).toPython() == ISSUED  # type: ignore[union-attr]
    assert graph.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    triples = int(kb.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    assert int(graph.value(dataset, VOID.triples)) == triples  # type: ignore[arg-type]
    partitions = {
        graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))
        for p in graph.objects(dataset, VOID.classPartition)
    }  # type: ignore[arg-type]
    assert partitions[SCHEMA.Claim] == 12
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{kb.iris.base}sparql")


def test_a_bad_description_breaks_the_shapes() -> None:
    graph = Graph()
    dataset = URIRef("http://example.org/d")
    graph.add((dataset, RDF.type, VOID.Dataset))  # no title, licence, statistics or downloads
    shapes = Graph().parse(schema_files.VOID_SHAPES, format="turtle")
    ok, _report, _text = validate(graph, shacl_graph=shapes, inference="none")
    assert not ok


def test_a_release_never_holds_private_data(app: Flask, kb: KnowledgeBase, tmp_path: Path) -> None:
    app.extensions["claimkb_accounts"].add("release-tester", "editor", "a long made-up password")
    directory = _release(kb, "2026.2", tmp_path)
    for path in directory.iterdir():
        body = path.read_bytes()
        assert b"accounts#" not in body and b"release-tester" not in body and b"argon2" not in body, path.name
        assert f"{kb.iris.base}private/".encode() not in body, path.name


def test_an_existing_release_is_refused_and_left_as_it_was(kb: KnowledgeBase, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    directory = _release(kb, "2026.1", releases)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    with pytest.raises(KBError) as refused:
        _release(kb, "2026.1", releases)
    assert refused.value.status == 409 and "exists already" in refused.value.message
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    assert sorted(p.name for p in releases.iterdir()) == ["2026.1"]  # no half-written leftovers


@pytest.mark.parametrize("version", ["../up", "", "a/b", ".hidden", "x" * 70, "two words"])
def test_a_bad_version_name_is_refused(kb: KnowledgeBase, tmp_path: Path, version: str) -> None:
    with pytest.raises(KBError):
        _release(kb, version, tmp_path / "releases")
    assert not (tmp_path / "releases").exists()


def test_the_command_writes_a_release_and_refuses_it_the_second_time(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "kb"
    assert runner.invoke(main, ["init", "--data-dir", str(data)]).exit_code == 0
    args = ["release", "--version", "2026.1", "--date", "2026-12-01", "--data-dir", str(data)]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert (data / "releases" / "2026.1" / CHECKSUMS).is_file()
    again = runner.invoke(main, args)
    assert again.exit_code != 0 and "exists already" in again.output


def test_releases_are_listed_with_their_statistics_and_files(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(releases_dir=str(tmp_path / "rel"))
    kb: KnowledgeBase = app.extensions["claimkb"]
    _release(kb, "2026.1", tmp_path / "rel")
    client = app.test_client()
    doc = html.parse(client.get("/releases").data)
    row = next(r for r in doc.iter("tr") if r.get("data-version") == "2026.1")
    assert [html.text(c) for c in row.iter("td")][:2] == ["2026-12-01", "12"]
    hrefs = [a.get("href") for a in doc.iter("a") if (a.get("href") or "").startswith("/releases/2026.1/")]
    assert len(hrefs) == 6
    for href in hrefs:
        response = client.get(href)
        version, name = href.rsplit("/", 2)[1:]
        assert response.status_code == 200 and response.data == (tmp_path / "rel" / version / name).read_bytes()
        response.close()
    assert client.get("/releases/2026.1/..%2Fsecret_key").status_code == 404
    assert client.get("/releases/2026.9/void.ttl").status_code == 404


@pytest.mark.embedded_store  # the public SPARQL endpoint (its service description) needs the embedded store
def test_the_live_data_set_is_described_and_the_service_description_points_to_it(make_app: AppFactory) -> None:
    client = make_app().test_client()
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.content_type.startswith("text/turtle")
    graph = Graph().parse(data=response.data, format="turtle")
    _conforms(graph)
    service = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    pointers = set(service.objects(None, RDFS.seeAlso))
    assert URIRef("http://localhost/.well-known/void") in pointers
    as_jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=as_jsonld.data, format="json-ld")) == len(graph)
