"""The claimkb vocabulary: our own terms, in one closed namespace, plus the standard ones we reuse.

The namespace IRI is fixed and independent of where a site is deployed; the site serves the
ontology document (``claims/ontology.ttl``) at ``/vocab``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

CK_IRI = "https://w3id.org/claimkb/vocab#"


class CK(DefinedNamespace):
    """Terms minted by claimkb where no standard vocabulary has one.

    ``_fail = True`` makes a typo (``CK.stauts``) raise instead of minting a new IRI.
    """

    _NS = Namespace(CK_IRI)
    _fail = True
    _extras = [
        "resolves-true",
        "resolves-partly",
        "resolves-false",
        "resolved-true",
        "resolved-partly",
        "resolved-false",
    ]

    # classes
    EvidenceEvent: URIRef  # a dated event in the world that bears on a claim
    Revision: URIRef  # one recorded change to the knowledge base (a prov:Activity)
    ClaimType: URIRef  # a kind of claim (statement, prediction, rumour, ...)
    Stance: URIRef  # how an evidence event bears on a claim
    Status: URIRef  # where a claim stands, derived from its evidence
    Quote: URIRef  # an oa:SpecificResource: a passage of a source, selected by a TextQuoteSelector

    # concept schemes
    ClaimTypeScheme: URIRef
    StanceScheme: URIRef
    StatusScheme: URIRef

    # claim properties
    claimType: URIRef
    status: URIRef  # the status derived from the evidence, stored so that SPARQL can filter on it
    deadline: URIRef  # xsd:date by which a prediction says something will happen
    quote: URIRef  # claim or event -> ck:Quote
    evidence: URIRef  # claim -> ck:EvidenceEvent
    note: URIRef  # Markdown text written by an editor
    slug: URIRef  # the readable last segment of the resource's IRI
    version: URIRef  # xsd:integer, raised by every revision that touches the resource
    retracted: URIRef  # xsd:boolean: the resource is withdrawn but kept
    sameClaimAs: URIRef  # claim -> claim: the same claim, made elsewhere (symmetric; not owl:sameAs)
    media: URIRef  # claim -> schema:MediaObject: a photo, video or audio clip that makes the claim

    # evidence event properties
    stance: URIRef
    actor: URIRef  # who acted or spoke in the event (an entity)
    source: URIRef  # the document that reports the event
    datePrecision: URIRef  # "day" (default), "month" or "year": how much of dcterms:date is known

    # source properties
    derivationKind: URIRef  # "copy", "rewrite", "translation" or "report": how prov:wasDerivedFrom holds
    contentHash: URIRef  # "sha256:<hex>" of the text (UTF-8) the source's quotes were taken from

    # status crosswalk
    ratingValue: URIRef  # xsd:integer on the published 1-5 ClaimReview scale
    claimsKGLabel: URIRef  # ClaimsKG's normalised label: TRUE, FALSE, MIXTURE or OTHER
    ratingLabel: URIRef  # the ClaimReview alternateName shown to readers

    # revisions
    revisionNumber: URIRef  # xsd:integer: position in the knowledge base's revision log
    reason: URIRef  # why the change was made
    addedGraph: URIRef  # named graph holding the triples the revision added
    removedGraph: URIRef  # named graph holding the triples the revision removed
    changed: URIRef  # a resource whose description the revision changed
    revertOf: URIRef  # the revision this revision undoes

    # the newsroom's workflow (kept in private graphs only: see kb/write/publishing.py)
    PublicationState: URIRef  # draft, in review, published or unpublished
    publicationState: URIRef  # claim -> ck:PublicationState (absent: published)
    reviewRequestedBy: URIRef  # claim -> agent who sent it for review (may not approve it)
    assignee: URIRef  # claim -> agent it is assigned to
    assignmentDue: URIRef  # xsd:date the assignment is due
    draft: URIRef
    inReview: URIRef
    published: URIRef
    unpublished: URIRef

    # claim types
    statement: URIRef
    prediction: URIRef
    rumour: URIRef
    denial: URIRef
    attribution: URIRef

    # stances
    supports: URIRef
    denies: URIRef
    disputes: URIRef
    retracts: URIRef
    context: URIRef

    # statuses
    unverified: URIRef
    supported: URIRef
    disputed: URIRef
    denied: URIRef
    due: URIRef


SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "ck": CK_IRI,
    "schema": str(SCHEMA),
    "oa": str(OA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
}

__all__ = ["CK", "CK_IRI", "OA", "PREFIXES", "SCHEMA", "WD", "DCTERMS", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD"]
