"""The SPARQL 1.1 Service Description of the public endpoint (what a machine gets without a query)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kb.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

_FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle,
    "jsonld": FORMATS["JSON-LD"],
    "ntriples": FORMATS["N-Triples"],
    "rdfxml": FORMATS["RDF_XML"],
}


def service_description(endpoint: str, *, timeout: float, max_rows: int, void: str | None = None) -> Graph:
    """The service's description; ``void`` is the address of the data set's VoID description, if any."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("dcterms", DCTERMS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        graph.add((service, SD.resultFormat, _FORMAT_IRIS[fmt.name]))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Read-only SPARQL 1.1 query endpoint of a claimkb knowledge base. No updates, no SERVICE, "
                "no loading from the network or files; graph names in FROM or default-graph-uri only select "
                f"graphs stored here. Each query may run {timeout:g} s and return {max_rows} rows (or triples); "
                "a truncated result carries the header X-Claimkb-Truncated: true.",
                lang="en",
            ),
        )
    )
    dataset = BNode()
    default_graph = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    if void:
        # Where the data set is described (VoID + DCAT: statistics, licence, releases).
        graph.add((service, RDFS.seeAlso, URIRef(void)))
        graph.add((dataset, RDFS.seeAlso, URIRef(void)))
    graph.add(
        (
            default_graph,
            DCTERMS.description,
            Literal(
                "The current state: claims, sources, quotes, evidence events, entities, topics and revisions. "
                "Each revision's added and removed triples are the named graphs <revisions/N/added> and "
                "<revisions/N/removed>.",
                lang="en",
            ),
        )
    )
    return graph
