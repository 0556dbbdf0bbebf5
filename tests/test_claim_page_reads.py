"""The claim page's shortcuts: the independence section read from the page's own neighbourhood graph
(the same answer as the two independence queries), and the rendered page kept for readers (never for an
editor, and not past a revision or a link check)."""

from __future__ import annotations

import re
import time
from datetime import date

from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV

from claims import schema_files
from claims.model import Iris
from claims.vocab import CK, SCHEMA
from kb import queries
from kb.knowledge import KnowledgeBase
from kb.read import independence
from kb.store import OxigraphStore
from kb.watch.links import LinkChecks, Outcome
from tests.helpers import login

BASE = "http://localhost:5000/"
AS_OF = (None, date(2022, 10, 20), date(2023, 6, 1))


def seed_kb(graph: Graph) -> KnowledgeBase:
    store = OxigraphStore(None)  # in memory: these tests read only what the store answers
    store.bulk_load((s, p, o, None) for s, p, o in graph)
    return KnowledgeBase(store, Iris(BASE))


def seed_claims(kb: KnowledgeBase, graph: Graph) -> list[URIRef]:
    return sorted(URIRef(str(s)) for s in graph.subjects(CK.slug, None) if (s, None, SCHEMA.Claim) in graph)


def test_independence_from_the_neighbourhood_is_what_the_queries_say() -> None:
    graph = Graph().parse(schema_files.SEED, format="turtle", publicID=BASE)
    graph.remove((None, PROV.wasDerivedFrom, None))  # no chains: every claim takes the shortcut
    events = sorted(URIRef(str(e)) for e in graph.subjects(CK.stance, None))
    graph.add((events[0], CK.retracted, Literal(True)))  # withdrawn evidence counts on neither side
    kb = seed_kb(graph)
    claims = seed_claims(kb, graph)
    assert len(claims) > 5
    for claim in claims:
        neighbourhood = kb.store.construct(queries.CLAIM_NEIGHBOURHOOD, {"claim": claim})
        for as_of in AS_OF:
            found = independence.from_neighbourhood(neighbourhood, claim, as_of)
            assert found is not None
            assert found == independence._claim_independence(kb, claim, as_of), (claim, as_of)
    kb.close()


def test_a_claim_whose_sources_derive_from_others_is_left_to_the_queries() -> None:
    graph = Graph().parse(schema_files.SEED, format="turtle", publicID=BASE)
    kb = seed_kb(graph)
    answers = [
        independence.from_neighbourhood(kb.store.construct(queries.CLAIM_NEIGHBOURHOOD, {"claim": c}), c)
        for c in seed_claims(kb, graph)
    ]
    assert None in answers  # the seed's chains lead out of the claims' own sources
    kb.close()


def test_a_reader_gets_the_kept_page_an_editor_a_fresh_one_and_a_revision_a_new_one(app: Flask) -> None:
    client = app.test_client()
    slug = "hiring-seattle-los-angeles"
    first = client.get(f"/claims/{slug}")
    assert first.status_code == 200 and b"Add evidence" not in first.data
    assert client.get(f"/claims/{slug}").data == first.data

    editor = app.test_client()
    app.extensions["claimkb_accounts"].add("page-editor", "editor", "a made-up test password")
    login(editor, "page-editor", "a made-up test password")
    assert b"Add evidence" in editor.get(f"/claims/{slug}").data
    assert b"Add evidence" not in client.get(f"/claims/{slug}").data

    token = app.extensions["claimkb_accounts"].create_token("page-editor")
    values = client.get(f"/api/claims/{slug}").get_json()
    values.update(name="A name given after the page was kept", reason="test: the kept page must go")
    saved = client.put(f"/api/claims/{slug}", json=values, headers={"Authorization": f"Bearer {token}"})
    assert saved.status_code == 200, saved.data
    assert b"A name given after the page was kept" in client.get(f"/claims/{slug}").data


def test_a_kept_page_says_what_a_later_link_check_found(app: Flask) -> None:
    """A link check is not a revision: the page a reader gets next says what it found all the same."""
    client = app.test_client()
    slug = "own-us-fulfilment-centres"
    before = client.get(f"/claims/{slug}").get_data(as_text=True)
    assert "(gone, checked" not in before
    url = re.findall(r'class="external" href="([^"]+)"', before)[0]
    now = time.time()
    LinkChecks(app.extensions["claimkb_accounts"]).record(
        Outcome(url=url, state="gone", status=410, moved_to=None, detail="", checked_at=now, since=now)
    )
    assert "(gone, checked" in client.get(f"/claims/{slug}").get_data(as_text=True)
