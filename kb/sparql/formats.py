"""Result and RDF formats of the SPARQL endpoint and linked data: media types, suffixes, negotiation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name (``format=`` parameter), media type and file suffix."""

    name: str
    media_type: str
    suffix: str
    label: str


# SELECT and ASK results, in the order a client without preference gets them (JSON first).
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", "SPARQL JSON"),
    Format("xml", "application/sparql-results+xml", "srx", "SPARQL XML"),
    Format("csv", "text/csv", "csv", "CSV"),
    Format("tsv", "text/tab-separated-values", "tsv", "TSV"),
)

# CONSTRUCT and DESCRIBE results and linked-data descriptions (Turtle first).
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", "Turtle"),
    Format("jsonld", "application/ld+json", "jsonld", "JSON-LD"),
    Format("ntriples", "application/n-triples", "nt", "N-Triples"),
    Format("rdfxml", "application/rdf+xml", "rdf", "RDF/XML"),
)

# Whole-dataset dumps (named graphs included), plus Turtle of the default graph alone.
DUMP_FORMATS: tuple[Format, ...] = (
    Format("trig", "application/trig", "trig", "TriG"),
    Format("nquads", "application/n-quads", "nq", "N-Quads"),
    Format("jsonld", "application/ld+json", "jsonld", "JSON-LD"),
    Format("turtle", "text/turtle", "ttl", "Turtle (default graph only)"),
)

# Other names clients use for the same formats in ``format=`` (SPARQLWrapper sends these).
_ALIASES = {
    "srj": "json",
    "application/sparql-results+json": "json",
    "application/json": "json",
    "srx": "xml",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "ttl": "turtle",
    "text/turtle": "turtle",
    "json-ld": "jsonld",
    "application/ld+json": "jsonld",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "application/n-triples": "ntriples",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf/xml": "rdfxml",
    "application/rdf+xml": "rdfxml",
}

# Media types some clients send for the same thing (older or more general names).
_MEDIA_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "application/json+ld": "application/ld+json",
}

_OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_OX_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def ox_results_format(fmt: Format) -> ox.QueryResultsFormat:
    return _OX_RESULTS[fmt.name]


def ox_rdf_format(fmt: Format) -> ox.RdfFormat:
    return _OX_RDF[fmt.name]


def content_type(fmt: Format) -> str:
    """The Content-Type header: text formats say their charset."""
    if fmt.media_type.startswith("text/"):
        return f"{fmt.media_type}; charset=utf-8"
    return fmt.media_type


# For graph results, the generic names mean their RDF syntax (SPARQLWrapper sends format=xml).
_GRAPH_ALIASES = {"xml": "rdfxml", "application/xml": "rdfxml", "json": "jsonld", "application/json": "jsonld"}


def by_name(name: str, formats: Iterable[Format]) -> Format | None:
    """The format a ``format=`` parameter (short name, suffix or media type) names, if any."""
    formats = tuple(formats)
    wanted = name.strip().lower()
    if any(f.name == "rdfxml" for f in formats):
        wanted = _GRAPH_ALIASES.get(wanted, wanted)
    wanted = _ALIASES.get(wanted, wanted)
    return next((f for f in formats if wanted in (f.name, f.suffix, f.media_type)), None)


def by_suffix(suffix: str, formats: Iterable[Format]) -> Format | None:
    return next((f for f in formats if f.suffix == suffix), None)


def media_offers(formats: Iterable[Format]) -> dict[str, Format]:
    """Every media type a client may ask for, mapped to the format it gets (aliases included).

    Our own media types come first so that, for ``*/*``, the first format of ``formats`` wins.
    """
    formats = tuple(formats)
    offers = {f.media_type: f for f in formats}
    for alias, media in _MEDIA_ALIASES.items():
        target = next((f for f in formats if f.media_type == media), None)
        if target is not None:
            offers.setdefault(alias, target)
    return offers
