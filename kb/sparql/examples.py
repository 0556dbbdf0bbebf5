"""Example queries about this knowledge base, shown on the SPARQL page and timed by the benchmark.

Each is complete SPARQL (its own PREFIX lines) so that it runs unchanged in any client; IRIs of
this knowledge base are written relative to a ``BASE`` line that names the configured base IRI.
"""

from __future__ import annotations

from dataclasses import dataclass

_PREFIXES = """PREFIX ck: <https://w3id.org/claimkb/vocab#>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class Example:
    key: str
    title: str
    description: str
    body: str  # the query after its BASE and PREFIX lines

    def text(self, base_iri: str) -> str:
        return f"BASE <{base_iri}>\n{_PREFIXES}\n{self.body.strip()}\n"


EXAMPLES: tuple[Example, ...] = (
    Example(
        "claims-by-status",
        "One claimant's claims by status",
        "How Ars Technica's claims stand today (what the evidence gives them), with one claim of each "
        "status: its track record in one query. The same counts for every claimant are on "
        "/track-records, and claims per month by status on /statistics; counting every claim of a large "
        "knowledge base here would read all of them.",
        """
SELECT ?status (COUNT(?claim) AS ?claims) (SAMPLE(?claim) AS ?example) WHERE {
  ?claim schema:author <entities/ars-technica> ; ck:status ?status .
}
GROUP BY ?status
ORDER BY DESC(?claims) ?status
""",
    ),
    Example(
        "predictions-past-deadline",
        "One claimant's predictions past their deadline",
        "What the Financial Times predicted with a deadline that has passed, latest deadline first, and "
        "how each turned out (“due” means no resolution yet). It starts from the claimant, so it stays "
        "quick however many predictions the knowledge base holds; the open predictions coming due, "
        "month by month, are on /statistics.",
        """
SELECT ?claim ?name ?deadline ?status WHERE {
  ?claim schema:author <entities/financial-times> ; ck:claimType ck:prediction ;
         ck:deadline ?deadline ; ck:status ?status ; schema:name ?name .
  FILTER(?deadline < xsd:date(NOW()))
}
ORDER BY DESC(?deadline)
""",
    ),
    Example(
        "derived-from-axios-scoop",
        "Sources derived from the Axios scoop",
        "Every copy, rewrite, translation or report that rests (directly or through others) on the Axios "
        "scoop of 11 October 2022.",
        """
SELECT ?source ?headline ?kind ?from WHERE {
  ?source prov:wasDerivedFrom+ <sources/axios-scoop-2022-10-11> ;
          prov:wasDerivedFrom ?from ;
          schema:headline ?headline .
  OPTIONAL { ?source ck:derivationKind ?kind }
}
ORDER BY ?headline
""",
    ),
    Example(
        "support-origins",
        "Independent origins of each claim's support",
        "For each claim Ars Technica made: how many sources support it and how many independent origins "
        "they trace back to along prov:wasDerivedFrom* (copies, rewrites, translations, reports): where a "
        "chain ends, or for sources deriving from each other in a loop, the loop's first member. Support "
        "is where the claim appeared or is quoted, and evidence that supports or resolves it true or "
        "partly (the rule on /about/status). singleOrigin is true where all the support traces back to "
        "one origin; claims with no support are left out. Over every claim at once this takes minutes on "
        "a large knowledge base: the claim pages and the search's support filter show it for each claim.",
        """
SELECT ?claim ?name (COUNT(DISTINCT ?source) AS ?sources) (COUNT(DISTINCT ?origin) AS ?origins)
       (COUNT(DISTINCT ?origin) = 1 AS ?singleOrigin)
       (GROUP_CONCAT(DISTINCT ?originHeadline; separator=" · ") AS ?originHeadlines)
WHERE {
  ?claim schema:author <entities/ars-technica> .
  OPTIONAL { ?claim schema:name ?name }
  FILTER NOT EXISTS { ?claim ck:retracted true }
  # the supporting sources
  { ?claim schema:appearance|schema:firstAppearance ?source }
  UNION { ?claim ck:quote/oa:hasSource ?source }
  UNION {
    ?claim ck:evidence ?event . ?event ck:source ?source ; ck:stance ?stance .
    FILTER(?stance IN (ck:supports, ck:resolves-true, ck:resolves-partly))
    FILTER NOT EXISTS { ?event ck:retracted true }
  }
  # where each one's derivation chain ends
  ?source prov:wasDerivedFrom* ?origin .
  FILTER NOT EXISTS {  # nothing leads out of the origin (but back into a loop it is part of)
    ?origin prov:wasDerivedFrom ?next . FILTER NOT EXISTS { ?next prov:wasDerivedFrom* ?origin } }
  FILTER NOT EXISTS { ?origin prov:wasDerivedFrom+ ?other . FILTER(STR(?other) < STR(?origin)) }
  OPTIONAL { ?origin schema:headline ?originHeadline }
}
GROUP BY ?claim ?name
ORDER BY ?origins ?claim
""",
    ),
    Example(
        "claims-by-claimant",
        "Claims by one claimant",
        "What the Financial Times claimed, with each claim's status.",
        """
SELECT ?claim ?name ?claimed ?status WHERE {
  ?claim schema:author <entities/financial-times> ; schema:name ?name ; ck:status ?status .
  OPTIONAL { ?claim schema:datePublished ?claimed }
}
ORDER BY ?claimed
""",
    ),
    Example(
        "claim-timeline",
        "The timeline of one claim",
        "The dated evidence on “TikTok Shop will launch in the US before the 2022 holidays”: "
        "what happened, its stance, and the source that reports it.",
        """
SELECT ?date ?stance ?event ?title ?source WHERE {
  <claims/us-shop-before-holidays> ck:evidence ?event .
  ?event dcterms:date ?date ; ck:stance ?stance ; schema:name ?title .
  OPTIONAL { ?event ck:source ?source }
}
ORDER BY ?date
""",
    ),
    Example(
        "known-on-date",
        "What was known about a claim on a given date",
        "The evidence dated up to 1 December 2022 (when it happened in the world), withdrawn entries "
        "left out. The status rule applied to these events gives the status of that day; the claim "
        "page shows it with ?as_of=2022-12-01.",
        """
SELECT ?date ?stance ?event ?title WHERE {
  <claims/us-shop-before-holidays> ck:evidence ?event .
  ?event dcterms:date ?date ; ck:stance ?stance ; schema:name ?title .
  FILTER(?date <= "2022-12-01"^^xsd:date)
  FILTER NOT EXISTS { ?event ck:retracted true }
}
ORDER BY ?date
""",
    ),
    Example(
        "recorded-by-date",
        "What the knowledge base had recorded about a claim by a given time",
        "The other clock: the claim's description as our revisions had recorded it by a moment "
        "(prov:endedAtTime), from each revision's added and removed named graphs: a value is kept "
        "when the last revision that touched it by then added it. It starts from the claim's own "
        "triples in those graphs, so it reads the claim's history, however many revisions there are "
        "(revision n is <revisions/n>).",
        """
SELECT ?property ?value (IRI(CONCAT(STR(<revisions/>), STR(MAX(?addedIn)))) AS ?revision) WHERE {
  BIND(NOW() AS ?moment)  # or a past moment, e.g. "2026-01-01T00:00:00Z"^^xsd:dateTime
  GRAPH ?changes { <claims/us-shop-before-holidays> ?property ?value }
  { ?changed ck:addedGraph ?changes ; ck:revisionNumber ?addedIn ; prov:endedAtTime ?time }
  UNION { ?changed ck:removedGraph ?changes ; ck:revisionNumber ?removedIn ; prov:endedAtTime ?time }
  FILTER(?time <= ?moment)
}
GROUP BY ?property ?value
HAVING (MAX(COALESCE(?addedIn, 0)) > MAX(COALESCE(?removedIn, 0)))  # added last, not removed since
ORDER BY ?property
""",
    ),
)


def example(key: str) -> Example | None:
    return next((e for e in EXAMPLES if e.key == key), None)
