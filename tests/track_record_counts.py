"""Independent SPARQL counts for the questions track records answer, one number at a time.

Written apart from ``kb.queries`` (other shapes: one COUNT per question, the derivation rule spelt
out with FILTER EXISTS), so that a test comparing a page with them checks the page, not the query.
"""

from __future__ import annotations

from rdflib import URIRef

from claims.status import Status
from claims.vocab import CK
from kb.knowledge import KnowledgeBase

CLAIMANT_COUNT = """
SELECT ?entity ?status (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; schema:author ?entity ; ck:status ?status .
  FILTER NOT EXISTS { ?claim ck:retracted true }
} GROUP BY ?entity ?status
"""

CLAIMANT_PREDICTION_COUNT = """
SELECT ?entity ?status (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; schema:author ?entity ; ck:status ?status ; ck:claimType ck:prediction .
  FILTER NOT EXISTS { ?claim ck:retracted true }
} GROUP BY ?entity ?status
"""

# A claim a publisher carried: it appeared in, or is quoted from, one of the publisher's sources.
PUBLISHER_COUNT = """
SELECT ?entity ?status (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; ck:status ?status .
  FILTER NOT EXISTS { ?claim ck:retracted true }
  FILTER EXISTS {
    ?source schema:publisher ?entity .
    ?claim schema:appearance|schema:firstAppearance|ck:quote/oa:hasSource ?source .
  }
} GROUP BY ?entity ?status
"""

# ... and reported first: one of those sources derives from no other source carrying the claim
# (a source upstream that derives back from it, a loop, does not count).
PUBLISHER_ORIGIN_COUNT = """
SELECT ?entity ?status (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; ck:status ?status .
  FILTER NOT EXISTS { ?claim ck:retracted true }
  FILTER EXISTS {
    ?source schema:publisher ?entity .
    ?claim schema:appearance|schema:firstAppearance|ck:quote/oa:hasSource ?source .
    FILTER NOT EXISTS {
      ?source prov:wasDerivedFrom+ ?upstream .
      ?claim schema:appearance|schema:firstAppearance|ck:quote/oa:hasSource ?upstream .
      FILTER NOT EXISTS { ?upstream prov:wasDerivedFrom* ?source }
    }
  }
} GROUP BY ?entity ?status
"""

PUBLISHER_PREDICTION_COUNT = PUBLISHER_COUNT.replace(
    "?claim a schema:Claim ; ck:status ?status .",
    "?claim a schema:Claim ; ck:status ?status ; ck:claimType ck:prediction .",
)


def counts(kb: KnowledgeBase, query: str, entity: URIRef) -> dict[str, int]:
    """Claims by status notation (every status, zeros included) for one entity."""
    found = {s.value: 0 for s in Status}
    for row in kb.store.select(query, {"entity": entity}):
        found[Status.from_iri(str(row["status"])).value] = int(str(row["n"]))
    return found


def resolved(by_status: dict[str, int]) -> int:
    return sum(by_status[s.value] for s in (Status.RESOLVED_TRUE, Status.RESOLVED_PARTLY, Status.RESOLVED_FALSE))


__all__ = ["CK", "counts", "resolved"]
