"""From a search to SPARQL: a query for the public endpoint that returns the same claims.

Facet filters translate exactly, and so do ``status:`` and ``type:`` in the query; the support
facet counts the origins of the claim's supporting sources along ``prov:wasDerivedFrom*`` by the rule
of ``claims.independence``. Full-text
search does not exist in SPARQL, so each word or phrase becomes ``CONTAINS`` over the lower-cased
name, text, quotes and note of the claim (and ``claimant:``, ``about:``, ``publisher:``, ``topic:`` over
the slug and name of what the claim links to), combined with ``&&``, ``||`` and ``!`` as in the
query. That is an approximation: it knows no stemming, spelling correction or relevance, and it
finds a word inside a longer one. Every value is written as an RDF term by Oxigraph's own
serialiser, never pasted in as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from claims import concepts
from claims.independence import NO_SUPPORT, SINGLE_ORIGIN, SUPPORTING_STANCES
from claims.model import Iris
from claims.vocab import CK, PREFIXES
from kb.search import QueryTree
from kb.store import to_ox

_PREFIXES_USED = ("ck", "schema", "dcterms", "oa", "skos", "xsd", "prov")

# Where each linked field's names are, from ?claim; the pattern binds ?linked.
_LINKED_PATHS = {
    "claimant": "?claim schema:author ?linked .",
    "about": "?claim schema:about|ck:evidence/ck:actor ?linked .",
    "publisher": "?claim schema:appearance|schema:firstAppearance|ck:quote/oa:hasSource ?source .\n"
    "      ?source schema:publisher ?linked .",
    "topic": "?claim dcterms:subject ?linked .",
}


# An escaped backslash (``\\``, an even run) followed by ``u`` or ``U``: a parser that expands
# ``\uXXXX`` before reading the query, as SPARQL 1.1 says (rdflib's does), would read the second
# backslash and what follows as an escape. Writing that letter as an eight-digit escape keeps the
# text (a four-digit one could run on into hex digits after it: rdflib reads up to eight).
_ESCAPED_BACKSLASH_THEN_U = re.compile(r"(?<!\\)((?:\\\\)+)([uU])")


def _term(value: URIRef | Literal) -> str:
    text = str(to_ox(value))
    if isinstance(value, Literal):
        text = _ESCAPED_BACKSLASH_THEN_U.sub(lambda m: m.group(1) + f"\\U{ord(m.group(2)):08X}", text)
    return text


def support_origins_pattern() -> list[str]:
    """Lines binding ?origins: how many independent origins each claim's support traces back to.

    ?origin is where a supporting source's derivation chain ends: a source that derives from nothing,
    or, for sources deriving from each other in a loop, the loop's first member in IRI order.
    """
    stances = ", ".join(_term(s.iri) for s in sorted(SUPPORTING_STANCES))
    return [
        "  OPTIONAL {",
        "    SELECT ?claim (COUNT(DISTINCT ?origin) AS ?origins) WHERE {",
        "      { ?claim schema:appearance|schema:firstAppearance ?source }",
        "      UNION { ?claim ck:quote/oa:hasSource ?source }",
        "      UNION {",
        "        ?claim ck:evidence ?event . ?event ck:source ?source ; ck:stance ?stance .",
        f"        FILTER(?stance IN ({stances}))",
        "        FILTER NOT EXISTS { ?event ck:retracted true }",
        "      }",
        "      ?source prov:wasDerivedFrom* ?origin .",
        "      FILTER NOT EXISTS {",
        "        ?origin prov:wasDerivedFrom ?next . FILTER NOT EXISTS { ?next prov:wasDerivedFrom* ?origin } }",
        "      FILTER NOT EXISTS { ?origin prov:wasDerivedFrom+ ?other . FILTER(STR(?other) < STR(?origin)) }",
        "    } GROUP BY ?claim",
        "  }",
    ]


def _field(name: str, value: str) -> str:
    if name in ("status", "type"):
        scheme = concepts.statuses() if name == "status" else concepts.claim_types()
        if value not in scheme:
            return "false"
        predicate = "ck:status" if name == "status" else "ck:claimType"
        return f"EXISTS {{ ?claim {predicate} {_term(CK[value])} }}"
    if name == "year":
        if not (value.isdigit() and len(value) == 4):
            return "false"
        year = _term(Literal(int(value), datatype=XSD.integer))
        return f"EXISTS {{ ?claim schema:datePublished ?claimed FILTER(YEAR(?claimed) = {year}) }}"
    path = _LINKED_PATHS[name]
    return (
        f"EXISTS {{\n      {path}\n      ?linked ck:slug ?slug .\n"
        "      OPTIONAL { ?linked schema:name|skos:prefLabel ?label }\n"
        f'      FILTER(CONTAINS(LCASE(CONCAT(?slug, " ", COALESCE(?label, ""))), {_term(Literal(value))})) }}'
    )


def _expression(tree: QueryTree) -> str:
    kind = tree[0]
    if kind == "text":
        return f"CONTAINS(?words, {_term(Literal(tree[1]))})"
    if kind == "field":
        return _field(tree[1], tree[2]) if tree[1] in ("status", "type", "year", *_LINKED_PATHS) else "true"
    if kind == "not":
        return f"!({_expression(tree[1])})"
    joiner = " && " if kind == "all" else " || "
    return "(" + joiner.join(_expression(child) for child in tree[1]) + ")"


def _has_text(tree: QueryTree) -> bool:
    if tree[0] == "text":
        return True
    if tree[0] == "not":
        return _has_text(tree[1])
    return tree[0] in ("all", "any") and any(_has_text(child) for child in tree[1])


def search_as_sparql(iris: Iris, filters: Mapping[str, str], tree: QueryTree | None = None) -> str:
    """SPARQL listing the claims that match ``filters`` (already validated) and the query ``tree``."""
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in _PREFIXES_USED]
    lines += [
        "",
        "# The claims of a search on claimkb. Filters are exact; words are matched with CONTAINS,",
        "# an approximation of the full-text search (no stemming, spelling correction or ranking).",
        "SELECT ?claim ?name ?status ?date WHERE {",
        "  ?claim a schema:Claim ; schema:text ?text .",
        "  OPTIONAL { ?claim schema:name ?name }",
        "  OPTIONAL { ?claim ck:status ?status }",
        "  OPTIONAL { ?claim schema:datePublished ?date }",
        "  OPTIONAL { ?claim ck:note ?note }",
        "  FILTER NOT EXISTS { ?claim ck:retracted true }",
    ]
    if filters.get("status"):
        lines.append(f"  ?claim ck:status {_term(CK[filters['status']])} .")
    if filters.get("type"):
        lines.append(f"  ?claim ck:claimType {_term(CK[filters['type']])} .")
    if filters.get("claimant"):
        lines.append(f"  ?claim schema:author {_term(iris.entity(filters['claimant']))} .")
    if filters.get("topic"):
        lines.append(f"  ?claim dcterms:subject {_term(iris.topic(filters['topic']))} .")
    if filters.get("publisher"):
        lines.append(
            "  FILTER EXISTS {\n"
            "    ?claim schema:appearance|schema:firstAppearance|ck:quote/oa:hasSource ?source .\n"
            f"    ?source schema:publisher {_term(iris.entity(filters['publisher']))} }}"
        )
    if filters.get("year"):
        year = _term(Literal(int(filters["year"]), datatype=XSD.integer))
        lines.append(f"  FILTER(YEAR(?date) = {year})")
    if filters.get("language"):
        # Claims with no recorded language count as English here (the index detects theirs).
        lines.append("  OPTIONAL { ?claim schema:inLanguage ?language }")
        tag = _term(Literal(filters["language"]))
        lines.append(f'  FILTER(LANGMATCHES(COALESCE(?language, "en"), {tag}))')
    if filters.get("support"):
        lines += support_origins_pattern()
        condition = {NO_SUPPORT: "= 0", SINGLE_ORIGIN: "= 1"}.get(filters["support"], "> 1")
        lines.append(f"  FILTER(COALESCE(?origins, 0) {condition})")
    if tree is not None:
        if _has_text(tree):
            lines += [
                '  OPTIONAL { SELECT ?claim (GROUP_CONCAT(?exact; separator=" ") AS ?quotes) WHERE {',
                "    ?claim ck:quote/oa:hasSelector/oa:exact ?exact } GROUP BY ?claim }",
                '  BIND(LCASE(CONCAT(COALESCE(?name, ""), " ", STR(?text), " ", COALESCE(?quotes, ""), " ",',
                '       COALESCE(?note, ""))) AS ?words)',
            ]
        lines.append(f"  FILTER({_expression(tree)})")
    lines += ["}", "ORDER BY DESC(?date) ?claim"]
    return "\n".join(lines) + "\n"
