"""Named SPARQL queries: the only place the knowledge base's own SPARQL lives.

Each is prepared text; values reach it through bindings (Oxigraph substitutions, or a VALUES
block on a remote server), never through string formatting. The prefixes of ``claims.vocab.PREFIXES``
are declared by the store. A SELECT projects every variable that a caller binds (Oxigraph's
substitutions require it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

# --- bookkeeping -------------------------------------------------------------------------------

REVISION_COUNT = "SELECT ?kb ?n WHERE { ?kb ck:revisionNumber ?n }"

REVISION_HAS_NONCE = "ASK { ?r a ck:Revision ; dcterms:identifier ?nonce }"

# The revision recorded with a nonce (a host asks after losing the writer's answer).
REVISION_BY_NONCE = """
SELECT ?rev ?n ?time ?agent ?reason WHERE {
  ?rev a ck:Revision ; dcterms:identifier ?nonce ; ck:revisionNumber ?n ; prov:endedAtTime ?time ;
       prov:wasAssociatedWith ?agent ; ck:reason ?reason .
}
"""

# The same for a revision of unpublished work alone, whose who, when and why are in the private log ?log.
REVISION_BY_NONCE_IN_LOG = """
SELECT ?rev ?n ?time ?agent ?reason ?log WHERE {
  ?rev a ck:Revision ; dcterms:identifier ?nonce ; ck:revisionNumber ?n .
  GRAPH ?log { ?rev prov:endedAtTime ?time ; prov:wasAssociatedWith ?agent ; ck:reason ?reason }
}
"""

GRAPH_TRIPLES = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"

EXISTS = "ASK { ?s ?p ?o }"

TYPES_OF = "SELECT ?s ?t WHERE { ?s a ?t }"

# --- unpublished work (kb/write/publishing.py): private graphs, read only by editors' code ---------

# Whether ?s has a triple in graph ?g (with ?s unbound: whether ?g holds anything).
IN_GRAPH = "ASK { GRAPH ?g { ?s ?p ?o } }"

# The same questions asked of the unpublished graph ?u, after the default graph has no answer (two
# queries, not one UNION: Virtuoso answers nothing to a UNION whose other branch binds ?u by VALUES).
VERSION_IN_GRAPH = "SELECT ?s ?u ?v WHERE { GRAPH ?u { ?s ck:version ?v } }"
TYPES_IN_GRAPH = "SELECT ?s ?u ?t WHERE { GRAPH ?u { ?s a ?t } }"
CLAIMS_OF_EVENT_IN_GRAPH = "SELECT ?event ?u ?claim WHERE { GRAPH ?u { ?claim ck:evidence ?event } }"

# Every subject of graph ?g (the unpublished claims and what they own).
SUBJECTS_IN_GRAPH = "SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }"

# The named graphs holding triples about ?s (the revision graphs a claim's history is sealed from).
GRAPHS_OF_SUBJECT = "SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

# Every unpublished claim with its state (?u: the unpublished graph).
UNPUBLISHED_CLAIMS = """
SELECT ?u ?claim ?state WHERE { GRAPH ?u { ?claim ck:publicationState ?state } }
"""

# The desk's private data of every claim (?d: the desk graph): assignee, due date, who asked for review.
DESK_ROWS = """
SELECT ?d ?claim ?p ?o WHERE { GRAPH ?d { ?claim ?p ?o } }
"""

# --- one claim and what surrounds it ------------------------------------------------------------

# Besides what the page shows, it brings the links of other claims to this one as the same claim (the
# page asks for those claims only when there are some) and the publishers of its first appearance
# (with its sources' triples, what the independence section needs when no source derives from another).
CLAIM_NEIGHBOURHOOD = """
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?claim ?p ?o . BIND(?claim AS ?s) }
  UNION { ?s ck:sameClaimAs ?claim . BIND(ck:sameClaimAs AS ?p) BIND(?claim AS ?o) }
  UNION { ?claim ck:evidence ?s . ?s ?p ?o }
  UNION { ?claim ck:quote|ck:evidence/ck:quote ?s . ?s ?p ?o }
  UNION { ?claim ck:quote/oa:hasSelector|ck:evidence/ck:quote/oa:hasSelector ?s . ?s ?p ?o }
  UNION {
    ?claim schema:appearance|schema:firstAppearance|ck:evidence/ck:source|ck:quote/oa:hasSource
           |ck:evidence/ck:quote/oa:hasSource|ck:media/schema:associatedArticle ?s .
    ?s ?p ?o
  }
  UNION { ?claim ck:media|ck:media/schema:review ?s . ?s ?p ?o }
  UNION {
    ?claim schema:author|schema:about|ck:evidence/ck:actor
           |schema:appearance/schema:publisher|schema:firstAppearance/schema:publisher
           |ck:evidence/ck:source/schema:publisher
           |ck:quote/oa:hasSource/schema:publisher ?s .
    ?s ?p ?o
    FILTER(?p IN (rdf:type, schema:name, ck:slug, owl:sameAs))
  }
  UNION { ?claim dcterms:subject ?s . ?s ?p ?o FILTER(?p IN (rdf:type, skos:prefLabel, ck:slug)) }
}
"""

# --- listings and counts -------------------------------------------------------------------------

# Filters bind ?status, ?type and ?claimant; a bound variable only filters in a required pattern.
LIST_CLAIMS = """
SELECT ?claim ?slug ?name ?text ?status ?type ?claimant ?claimantName ?claimed ?deadline WHERE {
  ?claim a schema:Claim ; ck:slug ?slug ; schema:text ?text ; ck:claimType ?type ;
         schema:author ?claimant .
  ?claimant schema:name ?claimantName .
  ?claim ck:status ?status .
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim schema:datePublished ?claimed }
  OPTIONAL { ?claim ck:deadline ?deadline }
  FILTER NOT EXISTS { ?claim ck:retracted true }
}
ORDER BY DESC(?claimed) ?slug
"""

# The claims linked to ?this as the same claim made elsewhere (ck:sameClaimAs, read both ways).
SAME_CLAIMS = """
SELECT DISTINCT ?this ?claim ?slug ?name ?text ?status ?type ?claimant ?claimantName ?claimed ?deadline WHERE {
  { ?this ck:sameClaimAs ?claim } UNION { ?claim ck:sameClaimAs ?this }
  FILTER(?claim != ?this)
  ?claim a schema:Claim ; ck:slug ?slug ; schema:text ?text .
  OPTIONAL { ?claim ck:claimType ?type }
  OPTIONAL { ?claim ck:status ?status }
  OPTIONAL { ?claim schema:author ?claimant . OPTIONAL { ?claimant schema:name ?claimantName } }
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim schema:datePublished ?claimed }
  OPTIONAL { ?claim ck:deadline ?deadline }
  FILTER NOT EXISTS { ?claim ck:retracted true }
}
ORDER BY DESC(?claimed) ?slug
"""

CLAIMS_IN_TOPIC = "SELECT ?topic ?claim WHERE { ?claim dcterms:subject ?topic }"

STATUS_COUNTS = """
SELECT ?status (COUNT(?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; ck:status ?status .
  FILTER NOT EXISTS { ?claim ck:retracted true }
} GROUP BY ?status
"""

FACET_VALUES = """
SELECT ?facet ?value ?slug ?label (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim .
  FILTER NOT EXISTS { ?claim ck:retracted true }
  {
    ?claim schema:author ?value . ?value ck:slug ?slug ; schema:name ?label . BIND("claimant" AS ?facet)
  } UNION {
    ?claim dcterms:subject ?value . ?value ck:slug ?slug ; skos:prefLabel ?label . BIND("topic" AS ?facet)
  }
} GROUP BY ?facet ?value ?slug ?label ORDER BY ?facet ?label
"""

# Predictions past their deadline with no resolution, whose stored status is not yet "due".
PREDICTIONS_TO_MARK_DUE = """
SELECT ?today ?claim WHERE {
  ?claim ck:claimType ck:prediction ; ck:deadline ?deadline ; ck:status ?status .
  FILTER(?deadline < ?today)
  FILTER(?status NOT IN (ck:due, ck:resolved-true, ck:resolved-partly, ck:resolved-false))
  FILTER NOT EXISTS { ?claim ck:retracted true }
}
"""

PREDICTIONS_WITH_DEADLINE = """
SELECT ?claim ?slug ?name ?text ?status ?deadline WHERE {
  ?claim ck:claimType ck:prediction ; ck:deadline ?deadline ; ck:slug ?slug ; schema:text ?text .
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim ck:status ?status }
  FILTER NOT EXISTS { ?claim ck:retracted true }
} ORDER BY ?deadline
"""

# The claims whose deadline is one of a few days, found by one index lookup per day (each day a
# UNION branch with the date as a constant) rather than by scanning every deadline: the home page's
# nearest deadlines cost what they find, whatever the number of predictions. ``deadlines_on`` writes
# the branches from dates (never from text a reader typed).
_DEADLINES_ON = """
SELECT ?claim ?deadline ?status WHERE { %s }
"""

# One prediction's card, for the nearest deadlines (bound: ?claim).
PREDICTION_SUMMARY = """
SELECT ?claim ?slug ?name ?text ?status ?deadline WHERE {
  ?claim ck:claimType ck:prediction ; ck:deadline ?deadline ; ck:slug ?slug ; schema:text ?text .
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim ck:status ?status }
  FILTER NOT EXISTS { ?claim ck:retracted true }
}
"""


def deadlines_on(days: Iterable[date]) -> str:
    """``_DEADLINES_ON`` for these days: a UNION branch per day, its date written by ``date.isoformat``."""
    branches = " UNION ".join(
        f'{{ ?claim ck:deadline "{day.isoformat()}"^^xsd:date . OPTIONAL {{ ?claim ck:status ?status }}'
        f' BIND("{day.isoformat()}"^^xsd:date AS ?deadline) }}'
        for day in days
    )
    return _DEADLINES_ON % (branches or "FILTER(false)")


# --- revisions -------------------------------------------------------------------------------------

RECENT_REVISIONS = """
SELECT ?rev ?n ?time ?agent ?reason WHERE {
  ?rev a ck:Revision ; ck:revisionNumber ?n ; prov:endedAtTime ?time ;
       prov:wasAssociatedWith ?agent ; ck:reason ?reason .
} ORDER BY DESC(?n) LIMIT 20
"""

# The revisions numbered ``numbers`` (the latest ones: revisions are numbered 1, 2, 3…), one UNION
# branch each with the number as a constant, so that the home page's "recently changed" looks up a
# few revisions instead of sorting them all. ``revisions_numbered`` writes the branches from integers.
_REVISIONS_NUMBERED = """
SELECT ?rev ?n ?time ?agent ?reason WHERE { %s }
"""


def revisions_numbered(numbers: Iterable[int]) -> str:
    """``_REVISIONS_NUMBERED`` for these revision numbers (integers, never text a reader typed)."""
    branches = " UNION ".join(
        f"{{ ?rev ck:revisionNumber {int(n)} . ?rev a ck:Revision ; prov:endedAtTime ?time ;"
        f" prov:wasAssociatedWith ?agent ; ck:reason ?reason . BIND({int(n)} AS ?n) }}"
        for n in numbers
    )
    return _REVISIONS_NUMBERED % (branches or "FILTER(false)")


REVISION_CHANGED = """
SELECT ?rev ?changed (SAMPLE(?name) AS ?label) WHERE {
  ?rev ck:changed ?changed .
  OPTIONAL { ?changed schema:name|schema:headline|skos:prefLabel ?name }
} GROUP BY ?rev ?changed
"""

REVISIONS_OF = """
SELECT ?resource ?rev ?n ?time ?agent ?reason WHERE {
  ?rev a ck:Revision ; ck:changed ?resource ; ck:revisionNumber ?n ; prov:endedAtTime ?time ;
       prov:wasAssociatedWith ?agent ; ck:reason ?reason .
} ORDER BY DESC(?n)
"""

# --- sources and entities ----------------------------------------------------------------------------

# A source's page: what it says, the sources up and down its derivation chain, and their publishers,
# one part per query (as one UNION, 5.9 s at a million claims; as four, a few milliseconds).
SOURCE_NEIGHBOURHOOD = {
    "itself": "CONSTRUCT { ?source ?p ?o } WHERE { ?source ?p ?o }",
    "derived from": "CONSTRUCT { ?s ?p ?o } WHERE { ?source prov:wasDerivedFrom+ ?s . ?s ?p ?o }",
    "derived into": "CONSTRUCT { ?s ?p ?o } WHERE { ?s prov:wasDerivedFrom+ ?source . ?s ?p ?o }",
    "publishers": """CONSTRUCT { ?s ?p ?o } WHERE {
  ?source (prov:wasDerivedFrom|^prov:wasDerivedFrom)*/schema:publisher ?s . ?s ?p ?o
}""",
}


# The ways a claim cites a source: it appeared in the source, is quoted from it, or has evidence from
# it. The queries that follow every way, from a claim to its sources or from a source to its claims
# (a source's page, a claim's derivation chains, the index's walk from a changed source, a publisher's
# claims), are built from these patterns, so a new way is added here. The queries of the scorecards and
# track records that count only where a claim appeared or is quoted still write those two out.
def _cites(way: str, source: str = "?source", then: str = "", *, from_claim: bool = False) -> str:
    """The pattern of ``way``, the source named ``source``, written from the side that is bound:
    Oxigraph keeps the written order, so a query with the source bound starts from it, and one with
    the claim bound (``from_claim``) from the claim (the other way, a claim's sources took 30 times
    as long at 1k claims). ``then`` goes right after the source's quote or event, before the claim is
    joined: an OPTIONAL on the event placed after it read every event's quote (1.5 s at 1k claims)."""
    if way == "appeared":
        return f"?claim schema:appearance|schema:firstAppearance {source}{then}"
    link, node, to_source = {
        "quoted": ("ck:quote", "?quote", "oa:hasSource"),
        "evidence": ("ck:evidence", "?event", "ck:source"),
    }[way]
    if from_claim:
        return f"?claim {link} {node} . {node} {to_source} {source}{then}"
    return f"{node} {to_source} {source}{then} . ?claim {link} {node}"


_WAYS_OF_CITING = ("appeared", "quoted", "evidence")

# A claim as lists show it; the claims joined from an entity or a source, one way per query: the ways
# as branches of one UNION, joined with this, made Oxigraph read every claim's authors, topics, quotes
# or evidence first (a source's page 41 s and an entity's 45 s at a million claims, against 5 and 30 ms).
_CLAIM_SUMMARY = """
  ?claim a schema:Claim ; ck:slug ?slug ; schema:text ?text .
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim ck:status ?status }
"""

# How each claim cites ?source, with the quote where there is one.
_QUOTE_OF = {
    "appeared": "",
    "quoted": " ; oa:hasSelector/oa:exact ?exact",
    "evidence": " . OPTIONAL { ?event ck:quote/oa:hasSelector/oa:exact ?exact }",
}
CLAIMS_CITING_SOURCE = {
    way: f"""
SELECT DISTINCT ?claim ?slug ?name ?text ?status{" ?exact" if _QUOTE_OF[way] else ""} WHERE {{
  {_cites(way, then=_QUOTE_OF[way])} .{_CLAIM_SUMMARY}}}"""
    for way in ("quoted", "appeared", "evidence")
}

# The claims by ?entity, about it, and with it as an actor in their evidence; retracted ones left out.
CLAIMS_OF_ENTITY = {
    role: f"""
SELECT DISTINCT ?claim ?slug ?name ?text ?status WHERE {{
  {pattern} .{_CLAIM_SUMMARY}  FILTER NOT EXISTS {{ ?claim ck:retracted true }}
}} ORDER BY ?slug"""
    for role, pattern in (
        ("by", "?claim schema:author ?entity"),
        ("about", "?claim schema:about ?entity"),
        ("actor", "?event ck:actor ?entity . ?claim ck:evidence ?event"),
    )
}

SOURCES_OF_PUBLISHER = """
SELECT ?entity ?source ?slug ?headline ?date WHERE {
  ?source schema:publisher ?entity ; ck:slug ?slug ; schema:headline ?headline .
  OPTIONAL { ?source schema:datePublished ?date }
} ORDER BY ?date ?slug
"""

LABELS = """
SELECT ?s ?label ?slug ?type WHERE {
  ?s ck:slug ?slug ; a ?type .
  OPTIONAL { ?s schema:name|skos:prefLabel|schema:headline ?label }
}
"""

# The two types as VALUES, not a FILTER over every typed resource: at 100k claims 11 ms instead of 1.6 s.
ALL_ENTITIES = """
SELECT DISTINCT ?entity ?slug ?name WHERE {
  VALUES ?type { schema:Organization schema:Person }
  ?entity a ?type ; ck:slug ?slug ; schema:name ?name .
} ORDER BY LCASE(?name)
"""

ALL_TOPICS = """
SELECT ?topic ?slug ?label WHERE { ?topic a skos:Concept ; ck:slug ?slug ; skos:prefLabel ?label . }
ORDER BY ?label
"""

CLAIMS_OF_MEDIA = "SELECT ?media ?claim WHERE { ?claim ck:media ?media }"

# --- search ------------------------------------------------------------------------------------------
# What the search index holds for each claim. Each query is run either for every claim (a rebuild)
# or with ?claim bound (one revision's changes), and grouped by claim in Python.

SEARCH_CLAIM_FIELDS = """
SELECT ?claim ?slug ?name ?text ?type ?status ?claimed ?deadline ?note ?retracted ?language WHERE {
  ?claim a schema:Claim ; ck:slug ?slug .
  OPTIONAL { ?claim schema:text ?text }
  OPTIONAL { ?claim schema:inLanguage ?language }
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim ck:claimType ?type }
  OPTIONAL { ?claim ck:status ?status }
  OPTIONAL { ?claim schema:datePublished ?claimed }
  OPTIONAL { ?claim ck:deadline ?deadline }
  OPTIONAL { ?claim ck:note ?note }
  OPTIONAL { ?claim ck:retracted ?retracted }
}
"""

SEARCH_CLAIM_QUOTES = """
SELECT DISTINCT ?claim ?exact WHERE {
  ?claim a schema:Claim .
  { ?claim ck:quote ?quote } UNION { ?claim ck:evidence ?event . ?event ck:quote ?quote }
  ?quote oa:hasSelector ?selector . ?selector oa:exact ?exact .
}
"""

# Who and what a claim links to, one role per query (a UNION of all four made Oxigraph join
# far more rows than it returns): its claimant; the entities it is about, or that act in its
# evidence; the publishers of the sources it appeared in or is quoted from; its topics.
SEARCH_CLAIM_CLAIMANTS = """
SELECT ?claim ?agent ?slug ?label WHERE {
  ?claim a schema:Claim ; schema:author ?agent . ?agent ck:slug ?slug .
  OPTIONAL { ?agent schema:name ?label }
}
"""

SEARCH_CLAIM_ABOUT = """
SELECT DISTINCT ?claim ?agent ?slug ?label WHERE {
  ?claim a schema:Claim .
  { ?claim schema:about ?agent } UNION { ?claim ck:evidence ?event . ?event ck:actor ?agent }
  ?agent ck:slug ?slug .
  OPTIONAL { ?agent schema:name ?label }
}
"""

SEARCH_CLAIM_PUBLISHERS = """
SELECT DISTINCT ?claim ?agent ?slug ?label WHERE {
  ?claim a schema:Claim .
  { ?claim schema:appearance ?source } UNION { ?claim schema:firstAppearance ?source }
  UNION { ?claim ck:quote ?quote . ?quote oa:hasSource ?source }
  ?source schema:publisher ?agent . ?agent ck:slug ?slug .
  OPTIONAL { ?agent schema:name ?label }
}
"""

SEARCH_CLAIM_TOPICS = """
SELECT ?claim ?agent ?slug ?label WHERE {
  ?claim a schema:Claim ; dcterms:subject ?agent . ?agent ck:slug ?slug .
  OPTIONAL { ?agent skos:prefLabel ?label }
}
"""

SEARCH_CLAIM_EVENTS = """
SELECT ?claim ?eventName ?eventNote WHERE {
  ?claim a schema:Claim ; ck:evidence ?event .
  OPTIONAL { ?event schema:name ?eventName }
  OPTIONAL { ?event ck:note ?eventNote }
}
"""

# What points at a resource (?o), and whether it is a claim: the search index walks these links
# back from a changed source, quote, event or entity to the claims that show it.
SEARCH_REFERRERS = """
SELECT ?o ?s ?isClaim WHERE {
  ?s ?p ?o . FILTER(?p != rdf:type)
  OPTIONAL { ?s a schema:Claim . BIND(true AS ?isClaim) }
}
"""

# What the revision log says changed after revision ?after (the index catches up from it).
SEARCH_CHANGED_SINCE = """
SELECT ?after ?n ?changed WHERE {
  ?rev a ck:Revision ; ck:revisionNumber ?n .
  OPTIONAL { ?rev ck:changed ?changed }
  FILTER(?n > ?after)
}
"""

# What the revisions after ?after changed that only the private log ?log names (an unpublished claim
# must leave the index, which reads only the public graph).
SEARCH_CHANGED_SINCE_IN_LOG = """
SELECT ?after ?log ?n ?changed WHERE {
  ?rev a ck:Revision ; ck:revisionNumber ?n .
  GRAPH ?log { ?rev ck:changed ?changed }
  FILTER(?n > ?after)
}
"""

# What one revision (?rev bound) changed, by the revision's own IRI: an index lookup, whatever the
# length of the log (the catch-up of the search and names indexes after a save asks this).
CHANGED_BY_REVISION = """
SELECT ?n ?changed WHERE {
  ?rev a ck:Revision ; ck:revisionNumber ?n .
  OPTIONAL { ?rev ck:changed ?changed }
}
"""

# The same from the private log ?log (what an unpublished claim's revision changed).
CHANGED_BY_REVISION_IN_LOG = "SELECT ?changed WHERE { GRAPH ?log { ?rev ck:changed ?changed } }"

# The nonce of revision ?n: it identifies a store's history (an index built from another is rebuilt).
SEARCH_ORIGIN = "SELECT ?n ?nonce WHERE { ?rev a ck:Revision ; ck:revisionNumber ?n ; dcterms:identifier ?nonce }"

# --- editors' accounts as older versions kept them ---------------------------------------------
# Accounts used to live in a private named graph of the store (passed in as ?g); they now live in the
# accounts database (kb/accounts.py), and these two queries only read the old graph to move it there.

LEGACY_ACCOUNTS = """
SELECT ?g ?account ?name ?role ?disabled ?hash ?sessionsFrom WHERE {
  GRAPH ?g { ?account a <https://w3id.org/claimkb/accounts#Account> ;
      <https://w3id.org/claimkb/accounts#name> ?name ;
      <https://w3id.org/claimkb/accounts#role> ?role ;
      <https://w3id.org/claimkb/accounts#disabled> ?disabled
    OPTIONAL { ?account <https://w3id.org/claimkb/accounts#passwordHash> ?hash }
    OPTIONAL { ?account <https://w3id.org/claimkb/accounts#sessionsValidFrom> ?sessionsFrom } }
} ORDER BY ?name
"""

LEGACY_DIGESTS = """
SELECT ?g ?name ?digest WHERE {
  GRAPH ?g { ?account <https://w3id.org/claimkb/accounts#tokenDigest> ?digest ;
      <https://w3id.org/claimkb/accounts#name> ?name }
}
"""

# Named graphs whose IRI starts with ?prefix (the private ones: {base}private/…). ``GRAPH ?g {}`` lists
# the graphs without reading them on Oxigraph; Virtuoso finds none that way, but answers the second
# form from its graph index.
GRAPHS_STARTING_WITH = """
SELECT DISTINCT ?g ?prefix WHERE { GRAPH ?g { } FILTER(STRSTARTS(STR(?g), STR(?prefix))) }
"""
GRAPHS_WITH_TRIPLES_STARTING_WITH = """
SELECT DISTINCT ?g ?prefix WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), STR(?prefix))) }
"""

# What a revision wrote besides its added and removed triples (for the public endpoint's copy of an
# oxigraph serve, kb.sparql.replica): its own record, the new version of each resource it changed,
# and its agent.
REPLICA_REVISION_STATE = """
SELECT ?rev ?s ?p ?o WHERE {
  { ?rev ?p ?o . BIND(?rev AS ?s) }
  UNION { ?rev ck:changed ?s . ?s ck:version ?o . BIND(ck:version AS ?p) }
  UNION { ?rev prov:wasAssociatedWith ?s . ?s a ?o . BIND(rdf:type AS ?p) }
}
"""

# A revision's entry in the private log ?log (its real reason, private graphs and the unpublished
# resources it changed); none for a revision that touched no unpublished work. For the public replica.
REPLICA_PRIVATE_RECORD = "SELECT ?p ?o WHERE { GRAPH ?log { ?rev ?p ?o } }"

# The subjects of graph ?g (a revision's private added or removed graph), each with whether the
# default graph describes it now (?public). For the public replica: publishing and unpublishing change
# public graphs that no public record names. (One graph per query: Oxigraph does not carry bound
# graph names into the branches of a UNION, and such a query reads every graph.)
REPLICA_SUBJECTS_IN_GRAPH = """
SELECT DISTINCT ?s ?public WHERE { GRAPH ?g { ?s ?p ?o } BIND(EXISTS { ?s ?anyP ?anyO } AS ?public) }
"""

# What the public graphs hold now about ?s (for the public replica): its default-graph triples, its
# triples in the revision graphs (named under ?history) and the public log's revisions naming it.
# The filter stands in the outer group, where the bound ?history is seen.
REPLICA_PUBLIC_STATE_OF = """
SELECT ?g ?x ?p ?o WHERE {
  { ?s ?p ?o BIND(?s AS ?x) }
  UNION { GRAPH ?g { ?s ?p ?o } BIND(?s AS ?x) }
  UNION { ?x ck:changed ?s BIND(ck:changed AS ?p) BIND(?s AS ?o) }
  FILTER(!BOUND(?g) || STRSTARTS(STR(?g), STR(?history)))
}
"""

# A label for any described resource (claims, sources, entities, topics, events, concepts).
LABEL_OF = """
SELECT ?s ?p ?label WHERE {
  ?s ?p ?label FILTER(?p IN (schema:name, skos:prefLabel, schema:headline, schema:text, oa:exact))
}
"""

REFERRERS = "SELECT ?o ?s WHERE { ?s ?p ?o }"

# Later revisions that touched the same subject and property (a revert must not undo them silently).
LATER_REVISIONS_TOUCHING = """
SELECT ?after ?s ?p ?n WHERE {
  ?rev a ck:Revision ; ck:revisionNumber ?n ; ck:addedGraph|ck:removedGraph ?g .
  FILTER(?n > ?after)
  GRAPH ?g { ?s ?p ?o }
} ORDER BY ?n
"""

# Editors' history of an unpublished claim (kb/read/history.py): the revisions that changed ?resource,
# as the public log names them, and as a private log graph ?log names them (the private log, or the
# sealed record of a claim unpublished after it was public).
REVISIONS_CHANGING = "SELECT ?resource ?n WHERE { ?rev ck:changed ?resource ; ck:revisionNumber ?n }"
REVISIONS_CHANGING_IN_LOG = """
SELECT ?resource ?log ?n WHERE { ?rev ck:revisionNumber ?n . GRAPH ?log { ?rev ck:changed ?resource } }
"""
# What the public log (or, with GRAPH_TRIPLES, a private log ?g) says of revision ?rev.
REVISION_META = "SELECT ?rev ?p ?o WHERE { ?rev ?p ?o }"

REVISION_INFO = """
SELECT ?rev ?n ?time ?agent ?reason ?revertOf WHERE {
  ?rev a ck:Revision ; ck:revisionNumber ?n ; prov:endedAtTime ?time ;
       prov:wasAssociatedWith ?agent ; ck:reason ?reason .
  OPTIONAL { ?rev ck:revertOf ?revertOf }
}
"""

ALL_SOURCES_BRIEF = """
SELECT ?source ?slug ?headline WHERE {
  ?source a ?type ; ck:slug ?slug ; schema:headline ?headline .
  FILTER(?type IN (schema:NewsArticle, schema:CreativeWork))
  FILTER NOT EXISTS { ?source ck:retracted true }
} ORDER BY LCASE(?headline)
"""


# --- sparql and linked data ------------------------------------------------------------------------

# A resource's own triples, and those of the quotes and selectors that hang from it (an event's
# quote, a quote's selector), so that one document describes it fully.
RESOURCE_DESCRIPTION = """
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?resource ?p ?o . BIND(?resource AS ?s) }
  UNION { ?resource ck:quote|oa:hasSelector|ck:quote/oa:hasSelector|schema:review ?s . ?s ?p ?o }
}
"""

# Entities and topics are also described by the claims that point at them (incoming links).
RESOURCE_INCOMING = """
CONSTRUCT { ?s ?p ?resource } WHERE {
  ?s ?p ?resource .
  FILTER(?p IN (schema:author, schema:about, dcterms:subject, ck:actor, schema:publisher))
}
"""

CLAIMS_OF_EVENT_OR_QUOTE = """
SELECT ?resource ?claim ?slug WHERE {
  ?claim ck:evidence|ck:quote|ck:evidence/ck:quote ?resource ; ck:slug ?slug .
} ORDER BY ?slug
"""

# --- interop (ClaimReview, exports, feeds) ---------------------------------------------------------

# When each resource was first and last changed: the ClaimReview's datePublished and dateModified.
REVISION_TIMES = """
SELECT ?resource (MIN(?time) AS ?first) (MAX(?time) AS ?last) WHERE {
  ?rev a ck:Revision ; ck:changed ?resource ; prov:endedAtTime ?time .
} GROUP BY ?resource
"""

# What the ClaimReview DataFeed says of every claim (several rows for a claimant with several types).
REVIEW_CLAIMS = """
SELECT ?claim ?slug ?text ?name ?language ?status ?claimed ?claimant ?claimantSlug ?claimantName ?claimantType ?wikidata
WHERE {
  ?claim a schema:Claim ; ck:slug ?slug ; schema:text ?text ; ck:status ?status ; schema:author ?claimant .
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim schema:inLanguage ?language }
  OPTIONAL { ?claim schema:datePublished ?claimed }
  OPTIONAL { ?claimant schema:name ?claimantName }
  OPTIONAL { ?claimant ck:slug ?claimantSlug }
  OPTIONAL { ?claimant a ?claimantType FILTER(?claimantType IN (schema:Person, schema:Organization)) }
  OPTIONAL { ?claimant owl:sameAs ?wikidata FILTER(STRSTARTS(STR(?wikidata), "http://www.wikidata.org/entity/")) }
  FILTER NOT EXISTS { ?claim ck:retracted true }
} ORDER BY ?claim
"""

# Where every claim appeared, for the ClaimReview DataFeed.
REVIEW_APPEARANCES = """
SELECT ?claim ?how ?source ?slug ?headline ?url ?news WHERE {
  { ?claim schema:firstAppearance ?source BIND("first" AS ?how) }
  UNION { ?claim schema:appearance ?source BIND("other" AS ?how) }
  ?source schema:headline ?headline .
  OPTIONAL { ?source ck:slug ?slug }
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source a schema:NewsArticle BIND(true AS ?news) }
} ORDER BY ?claim ?source
"""

CLAIM_TABLE = """
SELECT ?claim ?text ?claimantName ?type ?status ?claimed ?deadline (COUNT(DISTINCT ?source) AS ?sources) WHERE {
  ?claim a schema:Claim ; schema:text ?text ; ck:claimType ?type ; schema:author ?claimant .
  OPTIONAL { ?claimant schema:name ?claimantName }
  OPTIONAL { ?claim ck:status ?status }
  OPTIONAL { ?claim schema:datePublished ?claimed }
  OPTIONAL { ?claim ck:deadline ?deadline }
  OPTIONAL {
    ?claim schema:appearance|schema:firstAppearance|ck:quote/oa:hasSource|ck:evidence/ck:source ?source
  }
  FILTER NOT EXISTS { ?claim ck:retracted true }
} GROUP BY ?claim ?text ?claimantName ?type ?status ?claimed ?deadline ORDER BY ?claim
"""

# The latest revisions (site-wide feed).
FEED_REVISIONS = """
SELECT ?rev ?n ?time ?agent ?reason WHERE {
  ?rev a ck:Revision ; ck:revisionNumber ?n ; prov:endedAtTime ?time ;
       prov:wasAssociatedWith ?agent ; ck:reason ?reason .
} ORDER BY DESC(?n) LIMIT 50
"""

# Revisions that changed an entity, or a claim by or about it.
FEED_REVISIONS_OF_ENTITY = """
SELECT DISTINCT ?entity ?rev ?n ?time ?agent ?reason WHERE {
  { ?rev ck:changed ?entity } UNION { ?rev ck:changed ?claim . ?claim schema:author|schema:about ?entity }
  ?rev a ck:Revision ; ck:revisionNumber ?n ; prov:endedAtTime ?time ;
       prov:wasAssociatedWith ?agent ; ck:reason ?reason .
} ORDER BY DESC(?n) LIMIT 50
"""

# Revisions that changed a topic, or a claim on it.
FEED_REVISIONS_OF_TOPIC = """
SELECT DISTINCT ?topic ?rev ?n ?time ?agent ?reason WHERE {
  { ?rev ck:changed ?topic } UNION { ?rev ck:changed ?claim . ?claim dcterms:subject ?topic }
  ?rev a ck:Revision ; ck:revisionNumber ?n ; prov:endedAtTime ?time ;
       prov:wasAssociatedWith ?agent ; ck:reason ?reason .
} ORDER BY DESC(?n) LIMIT 50
"""

# --- independence ----------------------------------------------------------------------------------
# The sources behind a claim and their derivation chains (the rule is in claims.independence). Each
# is run with ?claim bound (one claim page, one revision's search documents) or for every claim.

# Every source a claim rests on, with how: where it appeared, its quotes' sources, and its evidence
# (with the stance and date; withdrawn evidence left out).
INDEPENDENCE_SOURCES = """
SELECT ?claim ?source ?role ?stance ?date WHERE {
  ?claim a schema:Claim .
  { ?claim schema:appearance ?source . BIND("appearance" AS ?role) }
  UNION { ?claim schema:firstAppearance ?source . BIND("appearance" AS ?role) }
  UNION { ?claim ck:quote ?quote . ?quote oa:hasSource ?source . BIND("quote" AS ?role) }
  UNION {
    ?claim ck:evidence ?event . ?event ck:source ?source ; ck:stance ?stance .
    OPTIONAL { ?event dcterms:date ?date }
    FILTER NOT EXISTS { ?event ck:retracted true }
    BIND("evidence" AS ?role)
  }
}
"""

# The derivation chains of those sources: the sources a claim cites (?claim bound), then from each
# (?start bound) every source on its chain (itself included), what it derives from, and how to name
# it. As one query, rdflib's engine (the naive design of bench/) took minutes a claim at 1k claims.
INDEPENDENCE_STARTS = f"""
SELECT DISTINCT ?start WHERE {{
  ?claim a schema:Claim .
  {" UNION ".join("{ " + _cites(way, "?start", from_claim=True) + " }" for way in _WAYS_OF_CITING)}
}}
"""
INDEPENDENCE_CHAIN = """
SELECT DISTINCT ?source ?parent ?slug ?headline ?publisherName WHERE {
  ?start prov:wasDerivedFrom* ?source .
  OPTIONAL { ?source prov:wasDerivedFrom ?parent }
  OPTIONAL { ?source ck:slug ?slug }
  OPTIONAL { ?source schema:headline ?headline }
  OPTIONAL { ?source schema:publisher ?publisher . ?publisher schema:name ?publisherName }
}
"""

# A change to ?source's derivation can change the origins of every claim resting on it, however far
# down the chain they cite it: the sources derived from it (itself included), then the claims citing
# each, one way per query. The three ways as one UNION joined with the claims made Oxigraph read every
# claim's quotes and evidence: 13 s a source at a million claims, against about a millisecond.
SOURCES_DERIVED_FROM = "SELECT DISTINCT ?start WHERE { ?start prov:wasDerivedFrom* ?source }"
CLAIMS_ON_SOURCE = {
    way: f"SELECT DISTINCT ?claim WHERE {{ {_cites(way, '?start')} . ?claim a schema:Claim }}"
    for way in _WAYS_OF_CITING
}

# --- scorecards and quote drift --------------------------------------------------------------------

# The claims an article makes: those that appeared in it or are quoted from it. (Nothing is joined
# after the union: Oxigraph then starts from the join and reads every claim.)
SCORECARD_CLAIMS = """
SELECT DISTINCT ?source ?claim WHERE {
  { ?claim schema:appearance ?source } UNION { ?claim schema:firstAppearance ?source }
  UNION { ?quote oa:hasSource ?source . ?claim ck:quote ?quote }
}
"""

# The revision that first recorded each quote of a source: the article order of quotes whose
# place in the text is unknown.
QUOTES_FIRST_RECORDED = """
SELECT ?source ?quote (MIN(?n) AS ?first) WHERE {
  ?quote oa:hasSource ?source .
  ?rev ck:addedGraph ?added ; ck:revisionNumber ?n .
  GRAPH ?added { ?quote oa:hasSource ?source }
} GROUP BY ?source ?quote
"""

# Every tracked article (a source that claims appeared in or are quoted from), with its claim count.
SCORECARD_SOURCES = """
SELECT ?source ?slug ?headline ?date (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  { ?claim schema:appearance|schema:firstAppearance ?source }
  UNION { ?claim ck:quote ?quote . ?quote oa:hasSource ?source }
  ?claim a schema:Claim .
  FILTER NOT EXISTS { ?claim ck:retracted true }
  ?source ck:slug ?slug ; schema:headline ?headline .
  OPTIONAL { ?source schema:datePublished ?date }
} GROUP BY ?source ?slug ?headline ?date ORDER BY DESC(?claims) LCASE(?headline)
"""

# The quotes of claims (their own, and those of their counted evidence): the passages quote drift
# compares. Run for every claim, or with ?claim bound. (Written union first: Oxigraph answers this
# shape in a fraction of the time of the same patterns in another order.)
QUOTED_PASSAGES = """
SELECT ?claim ?slug ?name ?text ?status ?quote ?source ?exact WHERE {
  { ?claim ck:quote ?quote }
  UNION { ?claim ck:evidence ?event . ?event ck:quote ?quote FILTER NOT EXISTS { ?event ck:retracted true } }
  ?quote oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector oa:exact ?exact .
  ?claim a schema:Claim ; ck:slug ?slug ; schema:text ?text .
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim ck:status ?status }
  FILTER NOT EXISTS { ?claim ck:retracted true }
}
"""

# Every derivation link (a rebuild of the search index reads them once for all claims), or (with
# ?source bound) those of one source.
DERIVATION_LINKS = """
SELECT ?source ?parent ?kind WHERE {
  ?source prov:wasDerivedFrom ?parent .
  OPTIONAL { ?source ck:derivationKind ?kind }
}
"""

# The claims quoted in a source derived from another: the only ones whose quotes can drift.
CLAIMS_QUOTED_IN_DERIVED_SOURCES = """
SELECT DISTINCT ?claim WHERE {
  ?source prov:wasDerivedFrom ?parent .
  ?quote oa:hasSource ?source .
  { ?claim ck:quote ?quote } UNION { ?event ck:quote ?quote . ?claim ck:evidence ?event }
}
"""

SOURCE_LABEL = """
SELECT ?source ?slug ?headline ?publisherName WHERE {
  ?source ck:slug ?slug ; schema:headline ?headline .
  OPTIONAL { ?source schema:publisher ?publisher . ?publisher schema:name ?publisherName }
}
"""

# --- suggestions ---

# The source already recorded at an address (a pasted article that is tracked already).
SOURCE_BY_URL = """
SELECT ?source ?url WHERE {
  ?source schema:url ?url ; ck:slug ?slug .
  FILTER NOT EXISTS { ?source ck:retracted true }
} ORDER BY ?source LIMIT 1
"""

# Entities by their name, to reuse a named speaker rather than create a namesake.
ENTITY_BY_NAME = """
SELECT ?entity ?lname WHERE {
  ?entity a ?type ; schema:name ?name ; ck:slug ?slug .
  FILTER(?type IN (schema:Organization, schema:Person))
  FILTER(LCASE(STR(?name)) = ?lname)
} ORDER BY ?entity LIMIT 1
"""


# --- track records and statistics (issue 18) -------------------------------------------------------
# Counts for track records (kb/read/track_records.py) and the statistics page (kb/read/statistics.py).
# Retracted claims are never counted. Claims are recognised by their ck:claimType (only claims have
# one): on Oxigraph, `?claim a schema:Claim` with a bound claimant makes a count 40 times slower.
# Retracted claims and evidence are left out with MINUS rather than FILTER NOT EXISTS: the same
# answer here (?claim / ?event is always bound), and Oxigraph evaluates it as one anti-join instead of
# a lookup per row (the publishers' counts 4 times, the claimants' 1.6 times faster at 10k claims).

# Claims of each claimant by status and type; ?claimant may be bound (one entity's page).
TRACK_CLAIMANT_COUNTS = """
SELECT ?claimant ?status ?type (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim schema:author ?claimant ; ck:status ?status ; ck:claimType ?type .
  MINUS { ?claim ck:retracted true }
} GROUP BY ?claimant ?status ?type
"""

# The claims of one claimant (?claimant bound), for the lists behind the numbers and for as_of.
TRACK_CLAIMANT_CLAIMS = """
SELECT ?claimant ?claim ?slug ?name ?text ?status ?type ?claimed ?deadline WHERE {
  ?claim schema:author ?claimant ; ck:claimType ?type ; ck:slug ?slug ; schema:text ?text .
  OPTIONAL { ?claim ck:status ?status }
  OPTIONAL { ?claim schema:name ?name }
  OPTIONAL { ?claim schema:datePublished ?claimed }
  OPTIONAL { ?claim ck:deadline ?deadline }
  MINUS { ?claim ck:retracted true }
}
"""

# The claims of one publisher (?publisher bound), one way per query. Joined after a UNION, Oxigraph
# starts from the join and reads every claim; with the UNION in a subquery (as TRACK_PUBLISHER_COUNTS
# below, for every publisher at once) it still finds every publisher's pairs first: 18 s for one
# entity's page at a million claims, against milliseconds.
TRACK_PUBLISHER_CLAIMS_OF = {
    way: f"""
SELECT DISTINCT ?publisher ?claim ?slug ?name ?text ?status ?type ?claimed ?deadline WHERE {{
  ?source schema:publisher ?publisher . {_cites(way)} .
  ?claim ck:claimType ?type ; ck:slug ?slug ; schema:text ?text .
  MINUS {{ ?claim ck:retracted true }}
  OPTIONAL {{ ?claim ck:status ?status }}
  OPTIONAL {{ ?claim schema:name ?name }}
  OPTIONAL {{ ?claim schema:datePublished ?claimed }}
  OPTIONAL {{ ?claim ck:deadline ?deadline }}
}}"""
    for way in ("appeared", "quoted")
}

# Just the (publisher, claim) pairs, every one (a track record as of a past day reads them all).
TRACK_PUBLISHER_PAIRS = """
SELECT ?publisher ?claim WHERE {
  {
    SELECT DISTINCT ?publisher ?claim WHERE {
      { ?source schema:publisher ?publisher . ?claim schema:appearance ?source }
      UNION { ?source schema:publisher ?publisher . ?claim schema:firstAppearance ?source }
      UNION { ?source schema:publisher ?publisher . ?quote oa:hasSource ?source . ?claim ck:quote ?quote }
    }
  }
}
"""

# Their claims counted by status and type, for every publisher at once.
TRACK_PUBLISHER_COUNTS = """
SELECT ?publisher ?status ?type (COUNT(?claim) AS ?n) WHERE {
  {
    SELECT DISTINCT ?publisher ?claim WHERE {
      { ?source schema:publisher ?publisher . ?claim schema:appearance ?source }
      UNION { ?source schema:publisher ?publisher . ?claim schema:firstAppearance ?source }
      UNION { ?source schema:publisher ?publisher . ?quote oa:hasSource ?source . ?claim ck:quote ?quote }
    }
  }
  ?claim ck:status ?status ; ck:claimType ?type .
  MINUS { ?claim ck:retracted true }
} GROUP BY ?publisher ?status ?type
"""

# Which sources derive from which, any number of steps (the pairs are few beside claims): the
# start of telling a publisher's own reports from its repeats (claims.track_record).
TRACK_DERIVATION_PAIRS = """
SELECT DISTINCT ?down ?up WHERE { ?down prov:wasDerivedFrom ?parent . ?parent prov:wasDerivedFrom* ?up . }
"""

# The claims one source (?source bound) carries: where they appeared, or are quoted from it.
TRACK_CLAIMS_CARRIED_BY = """
SELECT DISTINCT ?source ?claim WHERE {
  { ?claim schema:appearance ?source } UNION { ?claim schema:firstAppearance ?source }
  UNION { ?claim ck:quote ?quote . ?quote oa:hasSource ?source }
}
"""

# The sources carrying one claim (?claim bound), with their publishers.
TRACK_CARRIERS_OF = """
SELECT DISTINCT ?claim ?source ?publisher WHERE {
  { ?claim schema:appearance ?source } UNION { ?claim schema:firstAppearance ?source }
  UNION { ?claim ck:quote ?quote . ?quote oa:hasSource ?source }
  OPTIONAL { ?source schema:publisher ?publisher }
}
"""

# One claim's status and type (retracted claims have none here).
TRACK_CLAIM_STATUS = """
SELECT ?claim ?status ?type WHERE {
  ?claim ck:status ?status ; ck:claimType ?type .
  MINUS { ?claim ck:retracted true }
}
"""

# Names and slugs of the entities that made or published claims (found first: an EXISTS test on
# every slugged resource, claims included, took twice as long).
TRACK_ENTITY_NAMES = """
SELECT ?entity ?slug ?name WHERE {
  { SELECT DISTINCT ?entity WHERE { { ?claim schema:author ?entity } UNION { ?source schema:publisher ?entity } } }
  ?entity ck:slug ?slug ; schema:name ?name .
}
"""

# The evidence of claims that bears on status as known on ?asOf (bound): the status rule is applied
# to these in Python (claims.status), as on the claim pages with ?as_of=.
TRACK_EVENTS_UNTIL = """
SELECT ?asOf ?claim ?event ?date ?stance WHERE {
  ?claim ck:evidence ?event . ?event dcterms:date ?date ; ck:stance ?stance .
  FILTER(?date <= ?asOf)
  MINUS { ?event ck:retracted true }
}
"""

# Every claim with what the status rule needs (type, deadline) and the date it was made.
TRACK_ALL_CLAIMS = """
SELECT ?claim ?claimant ?type ?claimed ?deadline WHERE {
  ?claim ck:claimType ?type ; schema:author ?claimant .
  OPTIONAL { ?claim schema:datePublished ?claimed }
  OPTIONAL { ?claim ck:deadline ?deadline }
  MINUS { ?claim ck:retracted true }
}
"""

# The same evidence, for the claims of one claimant or of one publisher's sources (both bound).
TRACK_CLAIMANT_EVENTS_UNTIL = """
SELECT ?asOf ?claimant ?claim ?event ?date ?stance WHERE {
  ?claim schema:author ?claimant ; ck:evidence ?event . ?event dcterms:date ?date ; ck:stance ?stance .
  FILTER(?date <= ?asOf)
  MINUS { ?event ck:retracted true }
}
"""

TRACK_PUBLISHER_EVENTS_UNTIL = """
SELECT ?asOf ?publisher ?claim ?event ?date ?stance WHERE {
  {
    SELECT DISTINCT ?publisher ?claim WHERE {
      { ?source schema:publisher ?publisher . ?claim schema:appearance ?source }
      UNION { ?source schema:publisher ?publisher . ?claim schema:firstAppearance ?source }
      UNION { ?source schema:publisher ?publisher . ?quote oa:hasSource ?source . ?claim ck:quote ?quote }
    }
  }
  ?claim ck:evidence ?event . ?event dcterms:date ?date ; ck:stance ?stance .
  FILTER(?date <= ?asOf)
  MINUS { ?event ck:retracted true }
}
"""

# --- statistics (issue 18) ---
# Claims per month by one dimension. The month is when a claim was first recorded (its first
# revision) or when it was made (schema:datePublished); a claim with several topics or languages
# counts once under each. These texts are also shown, as they are, on the statistics page: each
# reproduces its chart on the public endpoint.

_STATS_MONTH = {
    "recorded": """{
    SELECT ?claim (MIN(?time) AS ?first) WHERE {
      ?claim a schema:Claim . ?revision ck:changed ?claim ; prov:endedAtTime ?time .
    } GROUP BY ?claim
  }
  BIND(SUBSTR(STR(?first), 1, 7) AS ?month)""",
    "claimed": """?claim a schema:Claim .
  OPTIONAL { ?claim schema:datePublished ?made }
  BIND(COALESCE(SUBSTR(STR(?made), 1, 7), "undated") AS ?month)""",
}

_STATS_DIMENSION = {
    "status": "?claim ck:status ?value .",
    "type": "?claim ck:claimType ?value .",
    "topic": 'OPTIONAL { ?claim dcterms:subject ?topic }\n  BIND(COALESCE(?topic, "no topic") AS ?value)',
    "language": (
        'OPTIONAL { ?claim schema:inLanguage ?language }\n  BIND(COALESCE(STR(?language), "not recorded") AS ?value)'
    ),
}

STATS_BY_MONTH = {
    (basis, dimension): f"""SELECT ?month ?value (COUNT(DISTINCT ?claim) AS ?claims) WHERE {{
  {month}
  {pattern}
  MINUS {{ ?claim ck:retracted true }}
}} GROUP BY ?month ?value ORDER BY ?month ?value
"""
    for basis, month in _STATS_MONTH.items()
    for dimension, pattern in _STATS_DIMENSION.items()
}

# Open predictions whose deadline is ?today or later, by the month of their deadline.
STATS_PREDICTIONS_COMING_DUE = """SELECT ?today ?month (COUNT(?claim) AS ?claims) WHERE {
  ?claim ck:claimType ck:prediction ; ck:deadline ?deadline ; ck:status ?status .
  FILTER(?deadline >= ?today)
  FILTER(?status NOT IN (ck:due, ck:resolved-true, ck:resolved-partly, ck:resolved-false))
  MINUS { ?claim ck:retracted true }
  BIND(SUBSTR(STR(?deadline), 1, 7) AS ?month)
} GROUP BY ?today ?month ORDER BY ?month
"""

# Claimants by their checked claims (any status but unverified), by status.
STATS_MOST_CHECKED = """SELECT ?claimant ?name ?status (COUNT(?claim) AS ?claims) WHERE {
  ?claim a schema:Claim ; schema:author ?claimant ; ck:status ?status .
  FILTER(?status != ck:unverified)
  MINUS { ?claim ck:retracted true }
  ?claimant schema:name ?name .
} GROUP BY ?claimant ?name ?status ORDER BY ?claimant
"""

# --- VoID and releases (issue 18) ---
# Statistics of the public current state (the default graph; private graphs are named graphs and
# never counted).

VOID_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

VOID_DISTINCT = """
SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }
"""

VOID_CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class"

VOID_PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"

# Resources with a page of their own (a slug): claims, sources, entities, topics, events, quotes.
VOID_ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ck:slug ?slug }"

VOID_LAST_MODIFIED = "SELECT (MAX(?time) AS ?last) WHERE { ?revision a ck:Revision ; prov:endedAtTime ?time }"


# --- link checks (kb/links.py) ---------------------------------------------------------------------

# Every source with a web address, with its archived copy if one is recorded.
SOURCE_ADDRESSES = """
SELECT ?source ?slug ?headline ?url ?archived WHERE {
  ?source ck:slug ?slug ; schema:headline ?headline ; schema:url ?url .
  OPTIONAL { ?source schema:archivedAt ?archived }
  FILTER NOT EXISTS { ?source ck:retracted true }
} ORDER BY ?slug
"""


# --- names index (kb/names: the editors' pickers) -----------------------------------------------------
# What the names index holds of every entity and source, or of one (?s bound); grouped by ?s in Python.

NAMES_OF_ENTITIES = """
SELECT ?s ?slug ?type ?p ?name ?withdrawn WHERE {
  ?s a ?type ; ck:slug ?slug ; ?p ?name .
  FILTER(?type IN (schema:Organization, schema:Person))
  FILTER(?p IN (schema:name, schema:alternateName))
  OPTIONAL { ?s ck:retracted ?withdrawn }
}
"""

NAMES_OF_SOURCES = """
SELECT ?s ?slug ?headline ?url ?date ?publisher ?publisherName ?withdrawn WHERE {
  ?s a ?type ; ck:slug ?slug ; schema:headline ?headline .
  FILTER(?type IN (schema:NewsArticle, schema:CreativeWork))
  OPTIONAL { ?s schema:url ?url }
  OPTIONAL { ?s schema:datePublished ?date }
  OPTIONAL { ?s schema:publisher ?publisher . OPTIONAL { ?publisher schema:name ?publisherName } }
  OPTIONAL { ?s ck:retracted ?withdrawn }
}
"""

# Entities and sources called exactly ?lname (lower case): the fallback of kb.names.StoreNames.
ENTITIES_NAMED = """
SELECT ?s ?lname ?slug ?name ?type WHERE {
  ?s a ?type ; ck:slug ?slug ; schema:name|schema:alternateName ?alias ; schema:name ?name .
  FILTER(?type IN (schema:Organization, schema:Person))
  FILTER(LCASE(STR(?alias)) = ?lname)
  FILTER NOT EXISTS { ?s ck:retracted true }
} ORDER BY ?slug LIMIT 10
"""

SOURCES_NAMED = """
SELECT ?s ?lname ?slug ?headline WHERE {
  ?s a ?type ; ck:slug ?slug ; schema:headline ?headline .
  FILTER(?type IN (schema:NewsArticle, schema:CreativeWork))
  OPTIONAL { ?s schema:url ?url }
  FILTER(LCASE(STR(?headline)) = ?lname || LCASE(STR(?url)) = ?lname)
  FILTER NOT EXISTS { ?s ck:retracted true }
} ORDER BY ?slug LIMIT 10
"""
