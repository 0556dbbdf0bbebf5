"""Publication states: what the public sees of drafts, claims in review and unpublished claims (nothing),
review by a second editor, and changes to many claims at once as one revision.

One app per module: three claims are left unpublished (a draft, one in review, one published and then
unpublished) and one is published as a control, through the real forms and the workflow. Every public
surface is then read anonymously: none may show or count the unpublished ones, and the surfaces that
list claims must show the control (so each check could fail).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Namespace
from rdflib.namespace import PROV

from claims.vocab import CK
from kb.errors import KBError
from kb.interchange.imports.run import import_file
from kb.interchange.releases import make_release
from kb.knowledge import KnowledgeBase
from kb.write.editing import Editor
from kb.write.publishing import Publishing, State
from tests.helpers import REPO, TEST_STORE, AppFactory, csrf_token, login
from webapp.media import get_media_editor

pytestmark = pytest.mark.store  # the routing between graphs is SPARQL updates: on every store

ALICE, BOB = "alice", "bob"
PASSWORDS = {ALICE: "alice's made-up password", BOB: "bob's made-up password"}
CLAIMANT, TOPIC, SOURCE = "tiktok", "e-commerce", "pandaily-us-shop-launch"
# One word of each claim's text no other claim uses: it marks the claim wherever it would show.
HIDDEN = {State.DRAFT: "quokkadraft", State.IN_REVIEW: "quokkareview", State.UNPUBLISHED: "quokkaunpub"}
SHOWN = "quokkapub"
VOID = Namespace("http://rdfs.org/ns/void#")
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DATA = REPO / "tests" / "data"


@dataclass
class Desk:
    app: Flask
    kb: KnowledgeBase
    slugs: dict[str, str]  # marker word -> claim slug
    events: dict[str, str]  # marker word -> its evidence event's slug
    medias: dict[str, str]  # marker word -> the slug of the photo that makes it
    revisions: list[int]  # every revision the setup made
    before: dict[str, Any]  # count surfaces before any unpublished claim existed
    after: dict[str, Any]  # the same once the three are unpublished (and before the control)


def _count_surfaces(client: FlaskClient) -> dict[str, Any]:
    """Figures that count claims, read anonymously (compared before and after the unpublished work)."""
    search = client.get("/search.json?per_page=1").get_json()
    topic = client.get(f"/search.json?topic={TOPIC}&per_page=1").get_json()
    claims = _sparql(client, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim }")
    return {
        "search total": search["total"],
        "search facets": search["facets"],
        "topic total": topic["total"],
        "sparql claims": claims["results"]["bindings"][0]["n"]["value"],
        "statistics": _without_dates(client.get("/statistics.json").get_json()),
        "track records": _without_dates(client.get("/track-records.json").get_json()),
        "claimant track record": _without_dates(client.get(f"/entities/{CLAIMANT}/track-record.json").get_json()),
        "scorecard": _without_dates(client.get(f"/sources/{SOURCE}/scorecard.json").get_json()),
        "void claims": _void_claims(client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text),
    }


def _without_dates(value: Any) -> Any:
    """A JSON answer without the moments it was made (they move with every revision, public or not)."""
    if isinstance(value, dict):
        return {k: _without_dates(v) for k, v in value.items() if k not in ("generated", "modified", "as_of")}
    if isinstance(value, list):
        return [_without_dates(v) for v in value]
    return value


def _void_claims(turtle: str) -> dict[str, int]:
    """The VoID class partitions' entity counts, but those of the revision log and its agents (every
    revision is counted, an unpublished claim's too, without saying what it changed)."""
    graph = Graph().parse(data=turtle, format="turtle")
    counts = {}
    for partition, cls in graph.subject_objects(VOID["class"]):
        if cls not in (CK.Revision, PROV.Activity, PROV.Agent):
            counts[str(cls)] = int(graph.value(partition, VOID.entities))  # type: ignore[arg-type]
    return counts


def _sparql(client: FlaskClient, query: str) -> Any:
    response = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return json.loads(response.text)


def _new_claim(client: FlaskClient, word: str) -> str:
    page = client.get("/claims/new")
    response = client.post(
        "/claims/new",
        data={
            "csrf_token": csrf_token(page.text),
            "text": f"TikTok will open a shop on the moon with {word} staff before 2030.",
            "claim_type": "prediction",
            "deadline": "2030-01-01",
            "claimant": CLAIMANT,
            "topics": [TOPIC],
            "matches_seen": "1",
        },
    )
    assert response.status_code == 302, response.text
    return str(response.headers["Location"]).rsplit("/", 1)[1]


def _step(client: FlaskClient, slugs: list[str], operation: str, **more: str) -> Any:
    token = csrf_token(client.get("/desk").text)
    data = {"csrf_token": token, "claims": slugs, "operation": operation, "reason": f"{operation} for the test", **more}
    return client.post("/desk/change", data=data)


@pytest.fixture(scope="module")
def desk(make_module_app: AppFactory) -> Desk:
    app = make_module_app()
    kb: KnowledgeBase = app.extensions["claimkb"]
    for name, password in PASSWORDS.items():
        app.extensions["claimkb_accounts"].add(name, "editor", password)
    alice, bob = app.test_client(), app.test_client()
    login(alice, ALICE, PASSWORDS[ALICE])
    login(bob, BOB, PASSWORDS[BOB])
    first = kb.repository.revision_count()
    before = _count_surfaces(app.test_client())

    slugs = {word: _new_claim(alice, word) for word in [*HIDDEN.values(), SHOWN]}
    editor = Editor(kb)
    events, medias = {}, {}
    for word, slug in slugs.items():
        # Evidence that resolves the prediction, from a seed source: the claim would count in the
        # claimant's track record and the source's scorecard if it were public.
        iri = kb.iris.claim(slug)
        event, _ = editor.add_event(
            slug,
            {
                "stance": "resolves-true",
                "date": "2025-01-02",
                "source": SOURCE,
                "note": f"Evidence for {word}.",
                "version": str(editor.version_of(iri)),
                "reason": "evidence",
            },
            agent=kb.agent(ALICE),
        )
        events[word] = event.rsplit("/", 1)[1]
        # A photo that makes the claim, with its assessment: unpublished with the claim it makes.
        with app.app_context():
            media, _ = get_media_editor().add_media(
                slug,
                {
                    "kind": "ImageObject",
                    "name": f"A photo of the {word} shop",
                    "authenticity": "EditedOrCroppedContent",
                    "version": str(editor.version_of(iri)),
                    "reason": "media",
                },
                agent=kb.agent(ALICE),
            )
        medias[word] = media.rsplit("/", 1)[1]
    review, unpub = slugs[HIDDEN[State.IN_REVIEW]], slugs[HIDDEN[State.UNPUBLISHED]]
    assert _step(alice, [review, unpub, slugs[SHOWN]], "submit").status_code == 302
    assert _step(bob, [unpub], "approve").status_code == 302
    # Seen public once (on oxigraph serve the host's copy of the public data takes it in), so that the
    # checks below show it leaves every public surface when unpublished.
    seen = _sparql(app.test_client(), f"ASK {{ <{kb.iris.claim(unpub)}> ?p ?o }}")
    assert seen["boolean"] is True
    assert _step(bob, [unpub], "unpublish").status_code == 302
    after = _count_surfaces(app.test_client())
    assert _step(bob, [slugs[SHOWN]], "approve").status_code == 302
    revisions = list(range(first + 1, kb.repository.revision_count() + 1))
    return Desk(app, kb, slugs, events, medias, revisions, before, after)


# --- every public surface -------------------------------------------------------------------------


def _pages(desk: Desk, paths: Callable[[Desk], list[str]], accept: str | None = None) -> str:
    client = desk.app.test_client()
    headers = {"Accept": accept} if accept else {}
    bodies = []
    for path in paths(desk):
        with client.get(path, headers=headers) as response:
            assert response.status_code in (200, 404), (path, response.status_code)
            bodies.append(response.text if response.status_code == 200 else "")
    return "\n".join(bodies)


def _hidden_paths(kind: str) -> Callable[[Desk], list[str]]:
    """Pages named by an unpublished claim's slug (or its evidence's): each must answer 404."""

    def paths(desk: Desk) -> list[str]:
        return [kind.format(slug=desk.slugs[w], event=desk.events[w], media=desk.medias[w]) for w in HIDDEN.values()]

    return paths


# (surface, the paths read, the Accept header, whether the published control must show there)
SURFACES: list[tuple[str, Callable[[Desk], list[str]], str | None, bool]] = [
    ("claim page", _hidden_paths("/claims/{slug}"), None, False),
    ("claim API", _hidden_paths("/api/claims/{slug}"), None, False),
    ("linked data (claim)", _hidden_paths("/claims/{slug}"), "text/turtle", False),
    ("linked data (evidence)", _hidden_paths("/events/{event}"), "text/turtle", False),
    ("linked data (media)", _hidden_paths("/media/{media}"), "text/turtle", False),
    ("claim history", _hidden_paths("/claims/{slug}/history"), None, False),
    ("claim feed", _hidden_paths("/feeds/claims/{slug}.atom"), None, False),
    ("search", lambda d: ["/search?q=moon", "/search?q=shop+moon&sort=date"], None, True),
    ("search JSON", lambda d: ["/search.json?q=moon&per_page=100"], None, True),
    ("claim listing", lambda d: ["/claims", f"/topics/{TOPIC}", "/"], None, True),
    ("claimant page", lambda d: [f"/entities/{CLAIMANT}"], None, True),
    ("source page", lambda d: [f"/sources/{SOURCE}"], None, True),
    (
        "feeds",
        lambda d: ["/feeds/changes.atom", f"/feeds/entities/{CLAIMANT}.atom", f"/feeds/topics/{TOPIC}.atom"],
        None,
        True,
    ),
    ("ClaimReview feed", lambda d: ["/claimreview.json"], None, True),
    ("claims CSV", lambda d: ["/claims.csv"], None, True),
    ("dump (N-Quads)", lambda d: ["/dump.nq"], None, True),
    ("dump (TriG)", lambda d: ["/dump.trig"], None, True),
    (
        "changes and revisions",
        lambda d: ["/changes", "/revisions", *(f"/revisions/{n}" for n in d.revisions)],
        None,
        True,
    ),
    ("revisions as linked data", lambda d: [f"/revisions/{n}" for n in d.revisions], "text/turtle", True),
    ("track records", lambda d: ["/track-records.json", f"/entities/{CLAIMANT}/track-record.json"], None, False),
    (
        "claimant's claims in its track record",
        lambda d: [f"/entities/{CLAIMANT}/track-record/claimant/claims"],
        None,
        True,
    ),
    ("scorecard", lambda d: [f"/sources/{SOURCE}/scorecard.json", f"/sources/{SOURCE}/scorecard"], None, False),
    ("statistics", lambda d: ["/statistics.json"], None, False),
    ("VoID", lambda d: ["/.well-known/void"], "text/turtle", False),
]


@pytest.mark.parametrize(("surface", "paths", "accept", "lists_claims"), SURFACES, ids=[s[0] for s in SURFACES])
def test_unpublished_claims_never_show(
    desk: Desk, surface: str, paths: Callable[[Desk], list[str]], accept: str | None, lists_claims: bool
) -> None:
    body = _pages(desk, paths, accept)
    for state, word in HIDDEN.items():
        assert word not in body, f"the {state.label} claim shows on {surface}"
        assert desk.slugs[word] not in body, f"the {state.label} claim's address shows on {surface}"
    if lists_claims:
        assert SHOWN in body or desk.slugs[SHOWN] in body, f"the published claim is missing from {surface}"


@pytest.mark.parametrize(
    "figure",
    sorted(
        [
            "search total",
            "search facets",
            "topic total",
            "sparql claims",
            "statistics",
            "track records",
            "claimant track record",
            "scorecard",
            "void claims",
        ]
    ),
)
def test_unpublished_claims_never_count(desk: Desk, figure: str) -> None:
    assert desk.after[figure] == desk.before[figure], f"{figure} counts unpublished claims"


def test_counts_move_once_a_claim_is_published(desk: Desk) -> None:
    now = _count_surfaces(desk.app.test_client())
    assert now["search total"] > desk.before["search total"]
    assert now["sparql claims"] != desk.before["sparql claims"]


def test_a_release_holds_no_unpublished_claim(desk: Desk, tmp_path: Path) -> None:
    """A data release (every file of it) carries the published control claim and none of the others."""
    made = make_release(
        desk.kb, "2026.12", tmp_path, issued=date(2026, 12, 6), publisher="claimkb", licence=LICENCE, endpoint="x"
    )
    files = sorted(p for p in made.directory.iterdir() if p.is_file())
    assert len(files) >= 5
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        for state, word in HIDDEN.items():
            assert word not in text and desk.slugs[word] not in text, f"the {state.label} claim is in {path.name}"
    everything = "".join(p.read_bytes().decode("utf-8", "replace") for p in files)
    assert SHOWN in everything


def test_public_sparql_sees_no_unpublished_triple_in_any_graph(desk: Desk) -> None:
    client = desk.app.test_client()
    words = " || ".join(f'CONTAINS(STR(?o), "{w}")' for w in [*HIDDEN.values(), SHOWN])
    default = _sparql(client, f"SELECT ?o WHERE {{ ?s ?p ?o FILTER({words}) }}")
    found = " ".join(b["o"]["value"] for b in default["results"]["bindings"])
    assert SHOWN in found and not any(word in found for word in HIDDEN.values())
    response = client.get(
        "/sparql",
        query_string={"query": f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o FILTER({words}) }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    # Virtuoso holding unpublished work: GRAPH ?g must name its graphs (oxigraph serve's public queries
    # run on the host's copy of the public graphs, kb.sparql.replica, which needs no such rule).
    if response.status_code == 403 and TEST_STORE == "virtuoso":
        assert "FROM NAMED" in response.text
        return
    graphs = {b["g"]["value"] for b in json.loads(response.text)["results"]["bindings"]}
    assert graphs and not any("/private/" in g for g in graphs)
    refused = client.get(
        "/sparql",
        query_string={"query": f"SELECT * WHERE {{ GRAPH <{desk.kb.repository.unpublished_graph}> {{ ?s ?p ?o }} }}"},
    )
    assert refused.status_code == 403


# --- editors see their work ---------------------------------------------------------------------


def test_editors_see_unpublished_claims_and_their_state(desk: Desk) -> None:
    client = desk.app.test_client()
    login(client, ALICE, PASSWORDS[ALICE])
    for state, word in HIDDEN.items():
        page = client.get(f"/claims/{desk.slugs[word]}")
        assert page.status_code == 200 and word in page.text
        assert f'data-state="{state.value}"' in page.text
        assert page.headers["Cache-Control"] == "private, no-store"
    desk_page = client.get("/desk?q=quokkareview")
    assert HIDDEN[State.IN_REVIEW] in desk_page.text and HIDDEN[State.DRAFT] not in desk_page.text
    drafts = client.get("/desk?state=draft")
    assert HIDDEN[State.DRAFT] in drafts.text and HIDDEN[State.UNPUBLISHED] not in drafts.text


def test_editors_see_an_unpublished_claims_history_and_the_public_does_not(desk: Desk) -> None:
    client, reader = desk.app.test_client(), desk.app.test_client()
    login(client, ALICE, PASSWORDS[ALICE])
    reasons = {
        State.DRAFT: ["Added a draft claim", "evidence"],
        State.IN_REVIEW: ["Added a draft claim", "submit for the test"],
        # Published once and then unpublished: its sealed public record shows too.
        State.UNPUBLISHED: ["Added a draft claim", "approve for the test", "unpublish for the test"],
    }
    for state, word in HIDDEN.items():
        path = f"/claims/{desk.slugs[word]}/history"
        assert reader.get(path).status_code == 404
        page = client.get(path)
        assert page.status_code == 200 and word in page.text
        assert page.headers["Cache-Control"] == "private, no-store"
        shown = page.text.replace("&#39;", "'")
        for reason in reasons[state]:
            assert reason in shown, (state, reason)
    assert client.get("/claims/no-such-claim/history").status_code == 404


# --- review by a second editor ------------------------------------------------------------------


def test_publishing_needs_a_second_editor(desk: Desk) -> None:
    kb = desk.kb
    alice, bob = desk.app.test_client(), desk.app.test_client()
    login(alice, ALICE, PASSWORDS[ALICE])
    login(bob, BOB, PASSWORDS[BOB])
    slug = _new_claim(alice, "quokkaselfie")
    count = kb.repository.revision_count()
    refused = _step(alice, [slug], "publish")  # straight to published: not while review is required
    assert refused.status_code == 403 and "second editor" in refused.text
    assert _step(alice, [slug], "submit").status_code == 302
    count = kb.repository.revision_count()
    self_approved = _step(alice, [slug], "approve")
    assert self_approved.status_code == 403 and "another editor must approve" in self_approved.text
    assert kb.repository.revision_count() == count
    assert desk.app.test_client().get(f"/claims/{slug}").status_code == 404
    assert _step(bob, [slug], "approve").status_code == 302
    assert desk.app.test_client().get(f"/claims/{slug}").status_code == 200
    newest = kb.recent_changes(1)[0]
    assert newest.agent_name == BOB and newest.reason == "approve for the test"
    assert [c[0] for c in newest.changed if c[1] == "claims"] == [kb.iris.claim(slug)]


def test_a_small_desk_publishes_alone(desk: Desk) -> None:
    kb = desk.kb
    publishing = Publishing(kb, review_required=False)
    slug = (
        Editor(kb)
        .create_claim(
            {
                "text": "TikTok will sell quokkasolo hats.",
                "claim_type": "statement",
                "claimant": CLAIMANT,
                "matches_seen": True,
            },
            agent=kb.agent(ALICE),
            as_draft=True,
        )[0]
        .rsplit("/", 1)[1]
    )
    info = publishing.transition([slug], "publish", agent=kb.agent(ALICE), reason="checked alone")
    assert info is not None and publishing.state(kb.iris.claim(slug)) is State.PUBLISHED


@pytest.mark.parametrize(
    ("operation", "more", "status", "words"),
    [
        ("approve", {}, 409, "is draft"),  # a draft is sent for review first
        ("fly", {}, 422, "Unknown action"),
        ("assign", {"assignee": "nobody-here"}, 422, "not an active editor"),
        ("assign", {"assignee": ALICE, "due": "tomorrow"}, 422, "due date must look like"),
        ("submit", {"reason": ""}, 422, "Say why"),
    ],
)
def test_bad_changes_are_refused_and_write_nothing(
    desk: Desk, operation: str, more: dict[str, str], status: int, words: str
) -> None:
    bob = desk.app.test_client()
    login(bob, BOB, PASSWORDS[BOB])
    count = desk.kb.repository.revision_count()
    response = _step(bob, [desk.slugs[HIDDEN[State.DRAFT]]], operation, **more)
    assert response.status_code == status and words in response.text, response.text
    assert desk.kb.repository.revision_count() == count


def test_unknown_claim_and_missing_csrf_write_nothing(desk: Desk) -> None:
    bob = desk.app.test_client()
    login(bob, BOB, PASSWORDS[BOB])
    count = desk.kb.repository.revision_count()
    assert _step(bob, [desk.slugs[HIDDEN[State.DRAFT]], "no-such-claim"], "submit").status_code == 404
    no_token = bob.post(
        "/desk/change", data={"claims": [desk.slugs[HIDDEN[State.DRAFT]]], "operation": "submit", "reason": "x"}
    )
    assert no_token.status_code == 400
    assert desk.app.test_client().post("/desk/change", data={"operation": "submit"}).status_code in (400, 403)
    assert desk.kb.repository.revision_count() == count
    # After a change, the desk sends the editor back to a page of this site only.
    moved = _step(bob, [desk.slugs[HIDDEN[State.DRAFT]]], "assign", assignee=BOB, next="/\\evil.example/")
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/desk")


# --- many claims at once ---------------------------------------------------------------------------


def test_bulk_assignment_and_state_change_are_one_revision_each(desk: Desk) -> None:
    kb = desk.kb
    alice, bob = desk.app.test_client(), desk.app.test_client()
    login(alice, ALICE, PASSWORDS[ALICE])
    login(bob, BOB, PASSWORDS[BOB])
    slugs = [_new_claim(alice, f"quokkabulk{n}") for n in range(3)]
    count = kb.repository.revision_count()
    assigned = _step(bob, slugs, "assign", assignee=ALICE, due="2020-01-01")
    assert assigned.status_code == 302 and kb.repository.revision_count() == count + 1
    assert _step(bob, slugs, "submit").status_code == 302
    assert kb.repository.revision_count() == count + 2
    items = {i.slug: i for i in Publishing(kb).desk()}
    assert all(items[s].assignee == ALICE and items[s].state is State.IN_REVIEW for s in slugs)
    page = bob.get(f"/desk?assignee={ALICE}&state=in-review").text
    assert all(s in page for s in slugs)
    overdue = re.search(r'<tr data-editor="alice">.*?data-group="overdue">(\d+)', page, re.S)
    assert overdue and int(overdue.group(1)) >= 3
    # Bob sent them for review, so alice may approve: all three in one revision; assignments stay private.
    assert _step(alice, slugs, "approve").status_code == 302
    assert kb.repository.revision_count() == count + 3
    public = desk.app.test_client()
    assert all(public.get(f"/claims/{s}").status_code == 200 for s in slugs)
    with public.get("/dump.nq") as dump:
        assert "assignee" not in dump.text and "quokkabulk" in dump.text


# --- imports ----------------------------------------------------------------------------------------


def test_an_import_can_land_as_drafts(desk: Desk) -> None:
    kb = desk.kb
    public = desk.app.test_client()
    searched = public.get("/search.json?q=cheese+bridges").get_json()
    report = import_file(kb, "liar", DATA / "liar-sample.tsv", as_draft=True)
    assert report.imported
    drafts = {i.slug: i for i in Publishing(kb).desk() if i.slug.startswith("liar-")}
    assert len(drafts) == report.imported and all(i.state is State.DRAFT for i in drafts.values())
    assert all(public.get(f"/claims/{slug}").status_code == 404 for slug in drafts)
    # The same claims found, none of the drafts (scores may move a little: the index's segments are merged).
    found = public.get("/search.json?q=cheese+bridges").get_json()
    assert [hit["slug"] for hit in found["results"]] == [hit["slug"] for hit in searched["results"]]
    assert found["total"] == searched["total"] and not set(drafts) & {hit["slug"] for hit in found["results"]}
    again = import_file(kb, "liar", DATA / "liar-sample.tsv", as_draft=True)
    assert again.imported == 0 and again.unchanged == report.imported  # the drafts are recognised as held


def test_workflow_revisions_are_undone_by_the_workflow_not_by_revert(desk: Desk) -> None:
    kb = desk.kb
    approval = desk.revisions[-1]  # the control's publication
    count = kb.repository.revision_count()
    with pytest.raises(KBError) as refused:
        Editor(kb).revert(approval, {"reason": "undo"}, agent=kb.agent(BOB))
    assert refused.value.status == 409 and "workflow" in refused.value.message
    assert kb.repository.revision_count() == count


def test_unpublishing_seals_the_public_history_and_publishing_again_restores_it(desk: Desk) -> None:
    kb, public = desk.kb, desk.app.test_client()
    publishing, agent = Publishing(kb, review_required=False), kb.agent(ALICE)
    data = {"text": "TikTok will sell quokkaseal hats.", "claim_type": "statement", "claimant": CLAIMANT}
    slug = Editor(kb).create_claim({**data, "matches_seen": True}, agent=agent, as_draft=True)[0].rsplit("/", 1)[1]
    first = publishing.transition([slug], "publish", agent=agent, reason="first publication")
    assert first is not None and slug in public.get(f"/revisions/{first.number}").text
    publishing.transition([slug], "unpublish", agent=agent, reason="legal hold")
    assert public.get(f"/claims/{slug}/history").status_code == 404
    assert "quokkaseal" not in public.get(f"/revisions/{first.number}").text
    with public.get("/dump.nq") as dump:
        assert "quokkaseal" not in dump.text
    publishing.transition([slug], "reopen", agent=agent, reason="cleared")
    publishing.transition([slug], "publish", agent=agent, reason="second publication")
    history = public.get(f"/claims/{slug}/history").text
    assert "second publication" in history and "first publication" in history
    assert "quokkaseal" in public.get(f"/revisions/{first.number}").text
