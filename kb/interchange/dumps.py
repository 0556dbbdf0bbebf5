"""Dumps of the whole public dataset (current state and revision history) and restoring them.

A dump holds the default graph and every named graph that is not private. TriG, N-Quads and
JSON-LD carry the named graphs (the revision history); Turtle carries the default graph alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from claims.vocab import CK, PREFIXES
from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from kb.sparql.formats import DUMP_FORMATS, Format, by_name, ox_rdf_format
from kb.store import OxigraphStore, to_ox

_OX_DUMP = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


def dump_format(name: str) -> Format:
    fmt = by_name(name, DUMP_FORMATS)
    if fmt is None:
        raise KBError(f"“{name}” is not a dump format; use one of: " + ", ".join(f.name for f in DUMP_FORMATS))
    return fmt


def public_quads(kb: KnowledgeBase) -> Iterator[ox.Quad]:
    """Every quad of the store outside private graphs, as Oxigraph quads."""
    for s, p, o, g in kb.store.quads():
        if g is not None and kb.iris.is_private(str(g)):
            continue
        graph = ox.NamedNode(str(g)) if g is not None else ox.DefaultGraph()
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)  # type: ignore[arg-type]  # stored subjects are never literals


def export(kb: KnowledgeBase, fmt: Format, output: IO[bytes]) -> None:
    """Write the public dataset to ``output``; Turtle gets the default graph only."""
    export_quads(public_quads(kb), fmt, output)


def export_quads(quads: Iterable[ox.Quad], fmt: Format, output: IO[bytes]) -> None:
    """Write ``quads`` in ``fmt``, in the order given (a release passes them sorted, for stable bytes)."""
    quads = iter(quads)
    if fmt.name == "turtle":
        triples = (
            ox.Triple(q.subject, q.predicate, q.object) for q in quads if isinstance(q.graph_name, ox.DefaultGraph)
        )
        ox.serialize(triples, output, format=ox_rdf_format(fmt), prefixes=PREFIXES)
        return
    ox.serialize(quads, output, format=_OX_DUMP[fmt.name], prefixes=PREFIXES if fmt.name == "trig" else None)


def export_to_file(kb: KnowledgeBase, fmt: Format, path: Path) -> None:
    """Write a dump to ``path``; readers (and concurrent writers) never see half a file."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as output:
        try:
            export(kb, fmt, output)
        except BaseException:
            Path(output.name).unlink()
            raise
    Path(output.name).replace(path)


def restore(kb: KnowledgeBase, path: Path, rdf_format: str | None = None) -> int:
    """Load a dump (with its revision graphs) into an empty knowledge base; returns the quad count.

    The dump must have been made from a knowledge base with the same base IRI (its revision
    counter sits on that IRI), and may not hold private graphs.
    """
    if not kb.is_empty():
        raise KBError(
            "The knowledge base is not empty; a dump is restored into an empty one "
            "(use a new --data-dir), and new data is added with `claimkb load`."
        )
    if not isinstance(kb.store, OxigraphStore):
        raise KBError("Restoring a dump needs the embedded store; load it into your SPARQL server directly.")
    if not path.is_file():
        raise KBError(f"{path}: no such file", status=404)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) if rdf_format is None else None
    if rdf_format is not None:
        named = by_name(rdf_format, DUMP_FORMATS)
        fmt = ox_rdf_format(named) if named else None
    if fmt is None:
        raise KBError(f"{path}: say which format it is with --format (trig, nquads, jsonld or turtle)")
    # One pass, in Oxigraph's bulk loader: the dump is written straight into the (empty) store, then
    # checked there; a dump that fails a check is cleared out again, leaving the store empty as it was.
    # (It used to be parsed once in Python to check it first: more time than the load itself.)
    # No local names the native store: a traceback kept by the caller would keep it (and its lock) open.
    try:
        kb.store.native.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError) as error:
        kb.store.native.clear()
        raise KBError(f"{path} is not valid {fmt.name}: {error}", title="Parse error") from error
    problem = _restored_problem(kb, path)
    if problem:
        kb.store.native.clear()
        raise KBError(problem)
    kb.store.flush()
    return len(kb.store.native)


def _restored_problem(kb: KnowledgeBase, path: Path) -> str | None:
    """Why the restored dump cannot stay: no revision counter of ours, or a private graph."""
    assert isinstance(kb.store, OxigraphStore)
    counter = ox.NamedNode(str(CK.revisionNumber))
    home = ox.NamedNode(kb.iris.base)
    if next(iter(kb.store.native.quads_for_pattern(home, counter, None, None)), None) is None:
        return (
            f"{path} is not a dump of a knowledge base with base IRI {kb.iris.base}: it has no revision "
            "counter on that IRI. Restore it into a knowledge base created with the dump's base IRI "
            "(CLAIMKB_BASE_IRI)."
        )
    graphs = kb.store.native.named_graphs()
    private = {g.value for g in graphs if isinstance(g, ox.NamedNode) and kb.iris.is_private(g.value)}
    if private:
        return f"{path} holds private graphs ({', '.join(sorted(private))}); a public dump never does."
    return None
