"""VoID and DCAT descriptions of the data set: the live one (``/.well-known/void``) and each release.

One graph says both: the data set is a ``void:Dataset`` and a ``dcat:Dataset`` with its title,
licence, publisher, dates, statistics (triples, claims, entities, sources, the classes and
properties used, as VoID partitions), its SPARQL endpoint and its downloads (``dcat:Distribution``
with size and SHA-256 checksum for a release). Statistics come from SPARQL aggregates over the
public current state (``kb.queries.VOID_*``). Every node is an IRI, so that the same description
serialises to the same bytes (blank node labels would differ from run to run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from claims.vocab import CK, SCHEMA
from kb import queries
from kb.knowledge import KnowledgeBase

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT namespace predates it


@dataclass(frozen=True)
class Distribution:
    """One download: its address, media type and, for a release's files, size and SHA-256."""

    name: str
    url: str
    media_type: str
    title: str
    byte_size: int | None = None
    sha256: str | None = None


@dataclass
class Statistics:
    triples: int
    subjects: int
    objects: int
    entities: int  # resources with a page (a slug)
    classes: dict[str, int]  # class IRI -> instances
    properties: dict[str, int]  # property IRI -> triples
    last_modified: datetime | None
    named: dict[str, int] = field(default_factory=dict)  # "claims", "sources", "people and organisations"

    def counts(self) -> dict[str, int]:
        return {
            "triples": self.triples,
            "claims": self.named.get("claims", 0),
            "entities": self.entities,
            "people_and_organisations": self.named.get("people and organisations", 0),
            "sources": self.named.get("sources", 0),
            "classes": len(self.classes),
            "properties": len(self.properties),
        }


def _int(value: object) -> int:
    return int(str(value)) if value is not None else 0


def statistics(kb: KnowledgeBase) -> Statistics:
    """The live data set's statistics (cached until the next revision)."""
    return kb.cache.get(("void-statistics",), lambda: _statistics(kb))


def _statistics(kb: KnowledgeBase) -> Statistics:
    distinct = kb.store.select(queries.VOID_DISTINCT)[0]
    classes = {str(r["class"]): _int(r["n"]) for r in kb.store.select(queries.VOID_CLASSES)}
    last = kb.store.select(queries.VOID_LAST_MODIFIED)
    last_time = last[0].get("last") if last else None
    python = last_time.toPython() if isinstance(last_time, Literal) else None
    return Statistics(
        triples=_int(kb.store.select(queries.VOID_TRIPLES)[0]["n"]),
        subjects=_int(distinct["subjects"]),
        objects=_int(distinct["objects"]),
        entities=_int(kb.store.select(queries.VOID_ENTITIES)[0]["n"]),
        classes=classes,
        properties={str(r["p"]): _int(r["n"]) for r in kb.store.select(queries.VOID_PROPERTIES)},
        last_modified=python if isinstance(python, datetime) else None,
        named={
            "claims": classes.get(str(SCHEMA.Claim), 0),
            "sources": classes.get(str(SCHEMA.NewsArticle), 0) + classes.get(str(SCHEMA.CreativeWork), 0),
            "people and organisations": classes.get(str(SCHEMA.Person), 0) + classes.get(str(SCHEMA.Organization), 0),
        },
    )


def describe(
    kb: KnowledgeBase,
    dataset: URIRef,
    *,
    title: str,
    publisher: str,
    licence: str,
    endpoint: str,
    distributions: list[Distribution],
    stats: Statistics | None = None,
    version: str | None = None,
    issued: date | None = None,
    homepage: str | None = None,
) -> Graph:
    """The VoID + DCAT description of the data set ``dataset`` (a release when ``version`` is given)."""
    stats = stats or statistics(kb)
    here = str(dataset).split("#", 1)[0]  # the document: its parts are fragments of it
    graph = Graph()
    for prefix, namespace in (
        ("void", VOID),
        ("dcat", DCAT),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("schema", SCHEMA),
        ("ck", CK),
        ("owl", OWL),
    ):
        graph.bind(prefix, namespace, override=True, replace=True)
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(title, lang="en")))
    add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Claims from the news with their claimants, the sources they appeared in (with exact quotes), "
                "dated evidence and derived statuses, as RDF; the dumps also hold every revision's added and "
                "removed triples as named graphs. Statistics describe the current state (the default graph).",
                lang="en",
            ),
        )
    )
    add((dataset, DCTERMS.license, URIRef(licence)))
    organisation = URIRef(f"{here}#publisher")
    add((dataset, DCTERMS.publisher, organisation))
    add((organisation, RDF.type, FOAF.Organization))
    add((organisation, FOAF.name, Literal(publisher)))
    if homepage:
        add((dataset, FOAF.homepage, URIRef(homepage)))
        add((organisation, FOAF.homepage, URIRef(homepage)))
    if version:
        add((dataset, OWL.versionInfo, Literal(version)))
        add((dataset, DCAT_VERSION, Literal(version)))
    if issued:
        add((dataset, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    if stats.last_modified:
        add((dataset, DCTERMS.modified, Literal(stats.last_modified)))
    add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    service = URIRef(f"{here}#sparql")
    sparql = URIRef(f"{here}#distribution-sparql")
    add((dataset, DCAT.distribution, sparql))
    add((sparql, RDF.type, DCAT.Distribution))
    add((sparql, DCTERMS.title, Literal("SPARQL endpoint (live data)", lang="en")))
    add((sparql, DCAT.accessURL, URIRef(endpoint)))
    add((sparql, DCAT.accessService, service))
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, Literal("SPARQL 1.1 query endpoint", lang="en")))
    add((service, DCAT.endpointURL, URIRef(endpoint)))
    add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    add((service, DCAT.servesDataset, dataset))
    add((dataset, VOID.vocabulary, URIRef(str(CK))))
    add((dataset, VOID.vocabulary, URIRef(str(SCHEMA))))
    add((dataset, VOID.uriSpace, Literal(kb.iris.base)))
    add((dataset, VOID.triples, Literal(stats.triples)))
    add((dataset, VOID.entities, Literal(stats.entities)))
    add((dataset, VOID.distinctSubjects, Literal(stats.subjects)))
    add((dataset, VOID.distinctObjects, Literal(stats.objects)))
    add((dataset, VOID.classes, Literal(len(stats.classes))))
    add((dataset, VOID.properties, Literal(len(stats.properties))))
    for index, (cls, n) in enumerate(sorted(stats.classes.items())):
        part = URIRef(f"{here}#class-{index}")
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], URIRef(cls)))
        add((part, VOID.entities, Literal(n)))
    for index, (prop, n) in enumerate(sorted(stats.properties.items())):
        part = URIRef(f"{here}#property-{index}")
        add((dataset, VOID.propertyPartition, part))
        add((part, VOID.property, URIRef(prop)))
        add((part, VOID.triples, Literal(n)))
    for dist in distributions:
        node = URIRef(f"{here}#distribution-{dist.name}")
        add((dataset, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, Literal(dist.title, lang="en")))
        add((node, DCAT.downloadURL, URIRef(dist.url)))
        add((node, DCAT.accessURL, URIRef(dist.url)))
        add((node, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{dist.media_type}")))
        add((node, DCTERMS.license, URIRef(licence)))
        if dist.media_type.startswith(("application/trig", "application/n-quads", "application/ld+json")):
            add((dataset, VOID.dataDump, URIRef(dist.url)))
        if dist.byte_size is not None:
            add((node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger)))
        if dist.sha256:
            checksum = URIRef(f"{here}#checksum-{dist.name}")
            add((node, SPDX.checksum, checksum))
            add((checksum, RDF.type, SPDX.Checksum))
            add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            add((checksum, SPDX.checksumValue, Literal(dist.sha256, datatype=XSD.hexBinary)))
    add((dataset, RDFS.label, Literal(title, lang="en")))
    return graph
