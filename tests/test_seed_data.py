"""The vocabulary documents and the seed data set: they parse, conform to the shapes, cite only verified
URLs, quote the seed text exactly, and yield the statuses our research found (real rdflib and pyshacl)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from claims.status import Stance, Status, TimelineEntry, derive_status
from claims.validation import check_shapes
from claims.vocab import CK, CK_IRI, OA, SCHEMA

CLAIMS_DIR = Path(__file__).resolve().parents[1] / "claims"
ONTOLOGY = CLAIMS_DIR / "ontology.ttl"
SCHEMES = CLAIMS_DIR / "schemes.ttl"
SHAPES = CLAIMS_DIR / "shapes.ttl"
SEED = CLAIMS_DIR / "seed" / "tiktok-shop-2022.ttl"
TTL_FILES = [ONTOLOGY, SCHEMES, SHAPES, SEED]

SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"
FACTS = SHARED_SEED / "FACTS.md"
ARTICLE = SHARED_SEED / "article.txt"

BASE = "http://localhost:5000/"
SEED_TEXT_SOURCE = URIRef(BASE + "sources/techstory-tiktok-fulfilment-rewrite")
TODAY = date(2026, 11, 26)

# What the evidence must yield, per FACTS.md section B (claim 8 is split into substance and timing;
# the last claim is the PSBJ finding that the article states in its own paragraph).
EXPECTED_STATUS = {
    "fbt-job-listings": Status.SUPPORTED,
    "hiring-seattle-los-angeles": Status.SUPPORTED,
    "seattle-170-staff": Status.DISPUTED,
    "shop-abroad-shopify-feature": Status.SUPPORTED,
    "own-us-fulfilment-centres": Status.RESOLVED_PARTLY,
    "tiktok-focus-existing-markets": Status.RESOLVED_FALSE,
    "us-shop-before-holidays": Status.RESOLVED_PARTLY,
    "uk-shop-struggling": Status.SUPPORTED,
    "ft-uk-report-in-october": Status.DISPUTED,
    "meta-live-shopping-shutdown": Status.RESOLVED_TRUE,
    "amazon-four-years": Status.DISPUTED,
    "seattle-staff-from-amazon-meta": Status.SUPPORTED,
}

URL_RE = re.compile(r"https?://[^\s<>\"')\]]+")
PREFIX_RE = re.compile(r"^\s*@prefix\s+[\w-]*:\s*<([^>]+)>", re.MULTILINE)


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=BASE)


@pytest.fixture(scope="module")
def seed() -> Graph:
    return _parse(SEED)


@pytest.fixture(scope="module")
def schemes() -> Graph:
    return _parse(SCHEMES)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse(SHAPES)


def _validate(data: Graph, schemes: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    conforms, report, text = validate(data + schemes, shacl_graph=shapes, inference="none")
    assert isinstance(report, Graph)
    return bool(conforms), report, str(text)


def _claims(seed: Graph) -> list[URIRef]:
    return sorted(c for c in seed.subjects(RDF.type, SCHEMA.Claim) if isinstance(c, URIRef))


def _slug(node: URIRef) -> str:
    return str(node).rsplit("/", 1)[-1]


# --- the documents parse -------------------------------------------------------------------------


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_turtle_file_parses(path: Path) -> None:
    assert len(_parse(path)) > 0


def test_seed_has_no_base_and_uses_relative_iris() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(@base|BASE)\b", text, re.MULTILINE | re.IGNORECASE)
    assert BASE not in text
    graph = _parse(SEED)
    assert (URIRef(BASE + "claims/us-shop-before-holidays"), RDF.type, SCHEMA.Claim) in graph


def test_seed_stores_no_derived_status_or_version(seed: Graph) -> None:
    assert not list(seed.triples((None, CK.status, None)))
    assert not list(seed.triples((None, CK.version, None)))


# --- the vocabulary is closed --------------------------------------------------------------------


def _ck_terms(graph: Graph) -> set[str]:
    terms = set()
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(CK_IRI):
                terms.add(str(node)[len(CK_IRI) :])
    return terms


def _defined_in_vocab_py() -> set[str]:
    return set(CK.__annotations__) | set(CK._extras)


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_every_ck_term_used_is_defined_in_vocab_py(path: Path) -> None:
    undefined = _ck_terms(_parse(path)) - _defined_in_vocab_py()
    assert not undefined, f"ck: terms not defined in claims/vocab.py: {sorted(undefined)}"


def test_every_vocab_term_is_described_in_ontology_or_schemes() -> None:
    described = _parse(ONTOLOGY) + _parse(SCHEMES)
    missing = [
        name
        for name in sorted(_defined_in_vocab_py())
        if described.value(CK[name], RDFS.label) is None and described.value(CK[name], SKOS.prefLabel) is None
    ]
    assert not missing, f"terms of claims/vocab.py without a label in ontology.ttl or schemes.ttl: {missing}"


def test_status_crosswalk(schemes: Graph) -> None:
    expected = {
        "resolved-false": (1, "FALSE"),
        "denied": (2, "FALSE"),
        "disputed": (3, "MIXTURE"),
        "resolved-partly": (3, "MIXTURE"),
        "supported": (4, "TRUE"),
        "resolved-true": (5, "TRUE"),
        "unverified": (None, "OTHER"),
        "due": (None, "OTHER"),
    }
    for status in Status:
        concept = status.iri
        rating, label = expected[status.value]
        value = schemes.value(concept, CK.ratingValue)
        assert (value.toPython() if value is not None else None) == rating, status
        assert str(schemes.value(concept, CK.claimsKGLabel)) == label, status
        assert schemes.value(concept, CK.ratingLabel) is not None, status
        assert str(schemes.value(concept, SKOS.notation)) == status.value
        assert (concept, SKOS.topConceptOf, CK.StatusScheme) in schemes
        assert schemes.value(concept, SKOS.definition) is not None


def test_every_stance_has_a_concept_with_a_note(schemes: Graph) -> None:
    for stance in Stance:
        assert (stance.iri, SKOS.inScheme, CK.StanceScheme) in schemes, stance
        assert schemes.value(stance.iri, SKOS.note) is not None, stance


# --- the seed conforms to the shapes -------------------------------------------------------------


def test_seed_conforms_to_shapes(seed: Graph, schemes: Graph, shapes: Graph) -> None:
    conforms, _report, text = _validate(seed, schemes, shapes)
    assert conforms, text


def test_shapes_report_a_claim_without_text_and_a_prediction_without_deadline(schemes: Graph, shapes: Graph) -> None:
    bad = Graph().parse(
        data="""
        @prefix ck: <https://w3id.org/claimkb/vocab#> .
        @prefix schema: <http://schema.org/> .
        <entities/someone> a schema:Organization ; ck:slug "someone" ; schema:name "Someone" .
        <claims/no-text> a schema:Claim ;
            ck:slug "no-text" ;
            ck:claimType ck:statement ;
            schema:author <entities/someone> .
        <claims/no-deadline> a schema:Claim ;
            ck:slug "no-deadline" ;
            schema:text "Something will happen." ;
            ck:claimType ck:prediction ;
            schema:author <entities/someone> .
        """,
        format="turtle",
        publicID=BASE,
    )
    conforms, _report, text = _validate(bad, schemes, shapes)
    assert not conforms
    # The messages as an editor gets them, each beside the property it is about.
    results = {(v.focus, v.path): v.message for v in check_shapes(bad, shapes)}
    no_text = (BASE + "claims/no-text", "text")
    no_deadline = (BASE + "claims/no-deadline", "deadline")
    assert no_text in results, text
    assert "schema:text" in results[no_text]
    assert no_deadline in results, text
    assert "ck:deadline" in results[no_deadline]
    assert len(results) == 2, text
    # A prediction with a deadline, and a statement without one, both conform.
    fixed = bad + Graph()
    fixed.add((URIRef(BASE + "claims/no-deadline"), CK.deadline, Literal(date(2030, 1, 1))))
    assert [v.focus for v in check_shapes(fixed, shapes)] == [BASE + "claims/no-text"]


def test_shapes_report_a_bad_slug_and_an_unknown_status(schemes: Graph, shapes: Graph) -> None:
    bad = Graph().parse(
        data="""
        @prefix ck: <https://w3id.org/claimkb/vocab#> .
        @prefix schema: <http://schema.org/> .
        <entities/someone> a schema:Organization ; ck:slug "someone" ; schema:name "Someone" .
        <claims/x> a schema:Claim ;
            ck:slug "Not A Slug" ;
            schema:text "Something is so." ;
            ck:claimType ck:statement ;
            ck:status ck:maybe ;
            schema:author <entities/someone> .
        """,
        format="turtle",
        publicID=BASE,
    )
    conforms, report, text = _validate(bad, schemes, shapes)
    assert not conforms
    paths = {report.value(r, SH.resultPath) for r in report.subjects(RDF.type, SH.ValidationResult)}
    assert paths == {CK.slug, CK.status}, text


# --- the claims are complete ---------------------------------------------------------------------


def test_seed_has_the_claims_of_facts_md(seed: Graph) -> None:
    assert {_slug(c) for c in _claims(seed)} == set(EXPECTED_STATUS)


def test_every_claim_has_evidence_a_claimant_and_a_seed_quote(seed: Graph) -> None:
    for claim in _claims(seed):
        assert list(seed.objects(claim, CK.evidence)), f"{claim} has no evidence event"
        assert seed.value(claim, SCHEMA.author) is not None, f"{claim} has no claimant"
        quotes = list(seed.objects(claim, CK.quote))
        assert quotes, f"{claim} has no quote"
        sources = {seed.value(q, OA.hasSource) for q in quotes}
        assert SEED_TEXT_SOURCE in sources, f"{claim} has no quote from the seed text"
        name = seed.value(claim, SCHEMA.name)
        assert name is not None and len(str(name)) < 75, f"{claim}: short name missing or too long"


def test_prediction_has_a_deadline(seed: Graph) -> None:
    predictions = list(seed.subjects(CK.claimType, CK.prediction))
    assert predictions
    for claim in predictions:
        assert seed.value(claim, CK.deadline) == Literal(date(2022, 12, 25))


def test_dates_with_month_or_year_precision_start_the_period(seed: Graph) -> None:
    for event in seed.subjects(RDF.type, CK.EvidenceEvent):
        day = seed.value(event, DCTERMS.date).toPython()
        precision = str(seed.value(event, CK.datePrecision) or "day")
        if precision in ("month", "year"):
            assert day.day == 1, event
        if precision == "year":
            assert day.month == 1, event


def test_events_yield_the_statuses_of_facts_md(seed: Graph) -> None:
    for claim in _claims(seed):
        timeline = [
            TimelineEntry(
                when=seed.value(event, DCTERMS.date).toPython(),
                stance=Stance(str(seed.value(event, CK.stance))[len(CK_IRI) :]),
                retracted=bool(seed.value(event, CK.retracted)),
            )
            for event in seed.objects(claim, CK.evidence)
        ]
        deadline = seed.value(claim, CK.deadline)
        status = derive_status(
            timeline,
            is_prediction=(claim, CK.claimType, CK.prediction) in seed,
            deadline=deadline.toPython() if deadline is not None else None,
            today=TODAY,
        )
        assert status is EXPECTED_STATUS[_slug(claim)], claim


# --- facts and quotes come from the research notes and the seed text ----------------------------


def _urls(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    namespaces = set(PREFIX_RE.findall(text))
    without_prefixes = PREFIX_RE.sub("", text)
    return {u for u in URL_RE.findall(without_prefixes) if not any(u.startswith(ns) for ns in namespaces)}


def test_every_url_in_the_seed_appears_in_facts_md() -> None:
    if not FACTS.is_file():
        pytest.skip(f"research notes not found at {FACTS} (the shared folder beside the repository)")
    facts = FACTS.read_text(encoding="utf-8")
    urls = _urls(SEED)
    assert len(urls) > 30
    unknown = sorted(u for u in urls if u not in facts)
    assert not unknown, f"URLs not in FACTS.md: {unknown}"


def test_every_schema_url_is_a_url_of_facts_md(seed: Graph) -> None:
    if not FACTS.is_file():
        pytest.skip(f"research notes not found at {FACTS} (the shared folder beside the repository)")
    facts = FACTS.read_text(encoding="utf-8")
    for source, url in seed.subject_objects(SCHEMA.url):
        assert str(url) in facts, source


def test_seed_quotes_are_exact_substrings_of_the_seed_text(seed: Graph) -> None:
    if not ARTICLE.is_file():
        pytest.skip(f"seed text not found at {ARTICLE} (the shared folder beside the repository)")
    article = ARTICLE.read_text(encoding="utf-8")
    quotes = list(seed.subjects(OA.hasSource, SEED_TEXT_SOURCE))
    assert len(quotes) >= len(EXPECTED_STATUS)
    for quote in quotes:
        selector = _words_selector(seed, quote)
        exact = str(seed.value(selector, OA.exact))
        assert exact in article, f"{quote}: {exact!r} is not in article.txt"
        position = [s for s in seed.objects(quote, OA.hasSelector) if (s, OA.start, None) in seed]
        assert len(position) == 1, f"{quote}: no place in the text (oa:TextPositionSelector)"
        start, end = (seed.value(position[0], p).toPython() for p in (OA.start, OA.end))
        assert article[start:end] == exact, f"{quote}: oa:start/oa:end do not select its words in article.txt"
        prefix = seed.value(selector, OA.prefix)
        suffix = seed.value(selector, OA.suffix)
        assert (str(prefix) if prefix is not None else "") + exact + (
            str(suffix) if suffix is not None else ""
        ) in article, f"{quote}: prefix/exact/suffix do not match article.txt"


def test_quotes_from_other_sources_are_words_recorded_in_facts_md(seed: Graph) -> None:
    if not FACTS.is_file() or not ARTICLE.is_file():
        pytest.skip(f"research notes or seed text not found in {SHARED_SEED} (the shared folder beside the repository)")
    facts = FACTS.read_text(encoding="utf-8")
    for quote, source in seed.subject_objects(OA.hasSource):
        if source == SEED_TEXT_SOURCE:
            continue
        exact = str(seed.value(_words_selector(seed, quote), OA.exact))
        assert exact in facts, f"{quote}: {exact!r} is not recorded in FACTS.md"


def _words_selector(seed: Graph, quote: object) -> object:
    """The quote's TextQuoteSelector (a seed quote may also have a TextPositionSelector)."""
    (selector,) = (s for s in seed.objects(quote, OA.hasSelector) if (s, OA.exact, None) in seed)
    return selector


def test_shapes_check_focus_nodes_of_any_iri_scheme(shapes: Graph) -> None:
    # pyshacl would read "ck:x" as a CURIE and check another node; such IRIs are filtered instead.
    for iri in ("ck:no-text", "tag:example.org,2026:no-text", BASE + "claims/no-text"):
        bad = Graph()
        node = URIRef(iri)
        bad.add((node, RDF.type, SCHEMA.Claim))
        bad.add((node, CK.slug, Literal("no-text")))
        bad.add((node, CK.claimType, CK.statement))
        violations = check_shapes(bad, shapes, focus={node})
        assert ("text", iri) in {(v.path, v.focus) for v in violations}, iri
        assert check_shapes(bad, shapes, focus={URIRef(BASE + "claims/other")}) == []
