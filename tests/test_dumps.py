"""Dumps: `claimkb export`, `/dump`, and `claimkb restore`, with rdflib's isomorphism check."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from claims.vocab import SCHEMA
from commands import main
from kb.knowledge import KnowledgeBase

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

BASE = "http://localhost:5000/"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"CLAIMKB_BASE_IRI": BASE, "CLAIMKB_STORE": "oxigraph"})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("seeded")
    assert _cli("init", "--data-dir", str(data))[0] == 0
    return data


def _dataset(path: Path, fmt: str) -> Dataset:
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    return dataset


def _graphs(dataset: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_round_trip_is_isomorphic(seeded: Path, tmp_path: Path, fmt: str, rdflib_format: str) -> None:
    first = tmp_path / f"first.{fmt}"
    assert _cli("export", "--data-dir", str(seeded), "--format", fmt, "--output", str(first))[0] == 0
    restored = tmp_path / "restored"
    code, output = _cli("restore", str(first), "--data-dir", str(restored), "--format", fmt)
    assert code == 0, output
    second = tmp_path / f"second.{fmt}"
    assert _cli("export", "--data-dir", str(restored), "--format", fmt, "--output", str(second))[0] == 0
    before, after = _graphs(_dataset(first, rdflib_format)), _graphs(_dataset(second, rdflib_format))
    assert set(before) == set(after)
    assert any(name.endswith("/revisions/1/added") for name in before)
    for name, graph in before.items():
        assert isomorphic(graph, after[name]), name


def test_restore_without_the_index_leaves_it_to_reindex(seeded: Path, tmp_path: Path) -> None:
    from kb.search.service import index_dir

    dump = tmp_path / "d.nq"
    assert _cli("export", "--data-dir", str(seeded), "--format", "nquads", "--output", str(dump))[0] == 0
    restored = tmp_path / "restored"
    code, output = _cli("restore", str(dump), "--data-dir", str(restored), "--no-index")
    assert code == 0, output
    assert "claimkb reindex" in output and "Search index up to date" not in output
    index = index_dir(restored.resolve(), "whoosh")
    assert not index.exists()
    code, output = _cli("reindex", "--data-dir", str(restored))
    assert code == 0, output
    claims = set(_dataset(dump, "nquads").default_graph.subjects(RDF.type, SCHEMA.Claim))
    assert claims and index.is_dir() and f"Indexed {len(claims)} claims" in output


def test_turtle_holds_the_default_graph_only(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "state.ttl"
    assert _cli("export", "--data-dir", str(seeded), "--format", "turtle", "--output", str(out))[0] == 0
    turtle = Graph().parse(out, format="turtle")
    trig = tmp_path / "all.trig"
    _cli("export", "--data-dir", str(seeded), "--output", str(trig))
    assert isomorphic(turtle, _dataset(trig, "trig").default_graph)


def test_export_to_stdout(seeded: Path) -> None:
    code, output = _cli("export", "--data-dir", str(seeded), "--format", "nquads")
    assert code == 0
    dataset = Dataset()
    dataset.parse(data=output, format="nquads")
    assert (URIRef(BASE + "claims/us-shop-before-holidays"), None, None) in dataset.default_graph


def test_private_graphs_are_left_out(tmp_path: Path) -> None:
    from commands import open_kb

    data = tmp_path / "kb"
    _cli("init", "--data-dir", str(data))
    kb = open_kb(data)
    try:
        kb.store.bulk_load(
            [
                (
                    kb.iris.agent("alice"),
                    URIRef("http://example.org/hash"),
                    Literal("s3cret"),
                    kb.iris.private_graph("accounts"),
                )
            ]
        )
    finally:
        kb.close()
    code, output = _cli("export", "--data-dir", str(data), "--format", "nquads")
    assert code == 0
    assert "s3cret" not in output and "/private/" not in output


def test_restore_refuses_a_knowledge_base_that_is_not_empty(seeded: Path, tmp_path: Path) -> None:
    dump = tmp_path / "d.trig"
    _cli("export", "--data-dir", str(seeded), "--output", str(dump))
    code, output = _cli("restore", str(dump), "--data-dir", str(seeded))
    assert code != 0 and "not empty" in output


def test_restore_refuses_a_dump_of_another_base_iri(seeded: Path, tmp_path: Path) -> None:
    dump = tmp_path / "d.trig"
    _cli("export", "--data-dir", str(seeded), "--output", str(dump))
    result = CliRunner().invoke(
        main,
        ["restore", str(dump), "--data-dir", str(tmp_path / "other")],
        env={"CLAIMKB_BASE_IRI": "http://example.org/kb/", "CLAIMKB_STORE": "oxigraph"},
    )
    assert result.exit_code != 0 and "base IRI" in result.output
    kb = KnowledgeBase.open(tmp_path / "other", base_iri="http://example.org/kb/")
    try:
        assert kb.is_empty()
    finally:
        kb.close()


def test_restore_refuses_a_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://example.org/a> <http://example.org/b> .\n")
    code, output = _cli("restore", str(bad), "--data-dir", str(tmp_path / "kb"))
    assert code != 0 and "not valid" in output and "line 1" in output


def test_load_points_to_restore_for_a_dump(seeded: Path, tmp_path: Path) -> None:
    dump = tmp_path / "d.trig"
    _cli("export", "--data-dir", str(seeded), "--output", str(dump))
    code, output = _cli("load", str(dump), "--data-dir", str(tmp_path / "kb"))
    assert code != 0 and "claimkb restore" in output


def test_dump_downloads(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app().test_client()
    page = client.get("/dump")
    assert page.status_code == 200
    for suffix, media, rdflib_format in [
        ("trig", "application/trig", "trig"),
        ("nq", "application/n-quads", "nquads"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("ttl", "text/turtle", "turtle"),
    ]:
        with client.get(f"/dump.{suffix}") as response:
            assert response.status_code == 200 and response.mimetype == media
            assert "attachment" in response.headers["Content-Disposition"]
            body = response.data
        dataset = Dataset()
        dataset.parse(data=body, format=rdflib_format)
        assert (URIRef(BASE + "claims/us-shop-before-holidays"), None, None) in dataset.default_graph
        named = [g for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier and len(g)]
        assert bool(named) == (suffix != "ttl")


def test_restore_refuses_a_dump_with_private_graphs(seeded: Path, tmp_path: Path) -> None:
    dump = tmp_path / "d.nq"
    _cli("export", "--data-dir", str(seeded), "--format", "nquads", "--output", str(dump))
    with dump.open("a") as file:
        file.write(f'<{BASE}agents/alice> <http://example.org/hash> "s3cret" <{BASE}private/accounts> .\n')
    code, output = _cli("restore", str(dump), "--data-dir", str(tmp_path / "kb"))
    assert code != 0 and "private graphs" in output
    kb = KnowledgeBase.open(tmp_path / "kb", base_iri=BASE)
    try:
        assert kb.is_empty()
    finally:
        kb.close()
