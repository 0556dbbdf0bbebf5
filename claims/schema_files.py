"""Where the vocabulary's documents live: the ontology, the concept schemes, the SHACL shapes and the seed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph

HERE = Path(__file__).resolve().parent
ONTOLOGY = HERE / "ontology.ttl"
SCHEMES = HERE / "schemes.ttl"
SHAPES = HERE / "shapes.ttl"
VOID_SHAPES = HERE / "void-shapes.ttl"  # the VoID + DCAT descriptions of the data set (releases)
CROSSWALK = HERE / "crosswalk.ttl"
SEED = HERE / "seed" / "tiktok-shop-2022.ttl"


@cache
def _parsed(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def ontology() -> Graph:
    """The ontology document (a fresh copy each call: callers may add to it)."""
    return _copy(_parsed(ONTOLOGY))


def schemes() -> Graph:
    """The SKOS concept schemes: claim types, stances and statuses with their crosswalk."""
    return _copy(_parsed(SCHEMES))


def schemes_graph() -> Graph:
    """The concept schemes, shared: for readers only (the shape checks read it beside the data)."""
    return _parsed(SCHEMES)


def crosswalk() -> Graph:
    """Other fact-checkers' verdict labels (LIAR, AVeriTeC) mapped onto our statuses."""
    return _parsed(CROSSWALK)


def shapes() -> Graph:
    return _parsed(SHAPES)


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    for triple in graph:
        copy.add(triple)
    return copy
