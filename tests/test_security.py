"""Security: stored XSS through every text field, CSRF on every state-changing form, SPARQL injection
through every parameter that reaches a query, open redirects after login, session fixation and logout.

Elsewhere: a ClaimReview's text cannot close its JSON-LD script (``test_claimreview``); SERVICE,
file: graphs, private graphs and updates on /sparql (``test_sparql_endpoint``, ``test_sparql_safety``);
a missing or forged CSRF token on the claim form and the login (``test_editor``); session cookie flags
(``test_editor``); API writes need a token, never a cookie (``test_api``).
"""

from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyparsing import ParseResults
from rdflib import Literal
from rdflib.plugins.sparql.parser import parseQuery

from claims.model import Iris
from kb.knowledge import KnowledgeBase
from kb.sparql.safety import PARSER_RECURSION_LIMIT, check_query
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD, csrf_token, login
from tests.hostile import active_content, assert_unchanged, fingerprint, messages, parse, path_segment

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

sys.setrecursionlimit(max(sys.getrecursionlimit(), PARSER_RECURSION_LIMIT))

CLAIM = "fbt-job-listings"
SOURCE = "axios-scoop-2022-10-11"
EVENT = "axios-reports-fbt-listings"
XSS = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>"
MARKDOWN_XSS = (
    "[a](javascript:alert(1)) [b]( JaVaScRiPt:alert(2)) ![c](javascript:alert(3)) "
    "[d](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(4)> [e](vbscript:msgbox(5))"
)


@pytest.fixture
def auth(accounts: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}


# --- stored XSS -------------------------------------------------------------------------------------


def _hostile_records(client: FlaskClient, auth: dict[str, str]) -> dict[str, str]:
    """A claim, source (with a quote), evidence event and entity whose every text field is hostile."""

    def post(url: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
        response = client.post(url, json=body, headers=auth)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()  # type: ignore[no-any-return]

    entity = post("/api/entities", {"name": XSS, "kind": "Person", "note": MARKDOWN_XSS, "reason": XSS})
    claim = post(
        "/api/claims",
        {
            "text": XSS + " hats",
            "name": XSS[:100],
            "claim_type": "statement",
            "claimant": entity["slug"],
            "note": MARKDOWN_XSS,
            "reason": XSS,
        },
    )
    source = post(
        f"/api/claims/{claim['slug']}/sources",
        {
            "headline": XSS,
            "url": "https://example.org/report?q=%3Cscript%3E",
            "note": MARKDOWN_XSS,
            "quote_exact": XSS,
            "quote_prefix": XSS,
            "quote_suffix": XSS,
            "version": claim["version"],
            "reason": XSS,
        },
    )
    version = client.get(f"/api/claims/{claim['slug']}").get_json()["version"]
    event = post(
        f"/api/claims/{claim['slug']}/events",
        {
            "date": "2024-05-06",
            "stance": "denies",
            "title": XSS,
            "actor": entity["slug"],
            "source": source["slug"],
            "quote_exact": XSS,
            "note": MARKDOWN_XSS,
            "version": version,
            "reason": XSS,
        },
    )
    return {"claim": claim["slug"], "source": source["slug"], "event": event["slug"], "entity": entity["slug"]}


def test_no_text_field_can_put_script_on_any_page(
    client: FlaskClient, editor_client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str]
) -> None:
    """Every page that shows the hostile records, to readers and to editors, has no active content."""
    slugs = _hostile_records(client, auth)
    newest = kb.repository.revision_count()
    query = 'SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "onerror")) } LIMIT 50'
    public = [
        "/",
        "/claims",
        f"/claims/{slugs['claim']}",
        f"/claims/{slugs['claim']}?as_of=2024-12-31",
        f"/claims/{slugs['claim']}/history",
        f"/sources/{slugs['source']}",
        f"/entities/{slugs['entity']}",
        f"/events/{slugs['event']}",
        "/entities",
        "/changes",
        f"/revisions/{newest}",
        "/search?q=hats",
        "/search?q=onerror",
        "/search?q=" + XSS,
        "/sparql?" + "&".join(["format=html", "query=" + query.replace(" ", "+").replace("&", "%26")]),
    ]
    editor_pages = [
        f"/claims/{slugs['claim']}/edit",
        f"/sources/{slugs['source']}/edit",
        f"/events/{slugs['event']}/edit",
        f"/entities/{slugs['entity']}/edit",
        f"/claims/{slugs['claim']}/evidence/new",
        "/claims/new",
    ]
    shown = 0
    for who, urls in ((client, public), (editor_client, editor_pages)):
        for url in urls:
            response = who.get(url, headers={"Accept": "text/html"})
            assert response.status_code == 200, (url, response.status_code)
            assert active_content(response.text) == [], url
            shown += XSS[:30] in "".join(parse(response.text).itertext())  # shown, as text
    assert shown >= len(public) + len(editor_pages) - 4  # a few pages (home, search for "hats") may not list it


def test_markdown_links_cannot_run_script(editor_client: FlaskClient) -> None:
    """javascript:, data: and vbscript: links in a note lose their href; http(s) links keep theirs."""
    page = editor_client.get("/claims/new")
    response = editor_client.post(
        "/editor/preview",
        data={"csrf_token": csrf_token(page.text), "note": MARKDOWN_XSS + " [ok](https://example.org/)"},
    )
    assert response.status_code == 200
    hrefs = [a.get("href") for a in parse(response.text).iter("a")]
    assert "https://example.org/" in hrefs
    assert all(h is None or h.startswith("https://") for h in hrefs), hrefs
    assert active_content(response.text) == []


def test_json_ld_block_keeps_hostile_text_inside(client: FlaskClient, auth: dict[str, str]) -> None:
    """The ClaimReview JSON-LD of a claim whose text closes scripts parses back to that very text."""
    slugs = _hostile_records(client, auth)
    html = client.get(f"/claims/{slugs['claim']}").text
    scripts = [s for s in parse(html).iter("script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1 and len([s for s in parse(html).iter("script") if not s.get("src")]) == 1
    review = json.loads(scripts[0].text)
    assert review["itemReviewed"]["text"] == XSS + " hats"


def test_sparql_results_never_link_to_script(client: FlaskClient) -> None:
    """A result IRI a query makes up (javascript:, data:) is shown as text, never as a link."""
    query = (
        'SELECT ?x ?y WHERE { BIND(IRI("javascript:alert(document.cookie)") AS ?x) '
        'BIND(IRI("data:text/html,<script>alert(1)</script>") AS ?y) }'
    )
    for form in (query, "CONSTRUCT { <http://example.org/s> <javascript:alert(1)> <javascript:alert(2)> } WHERE {}"):
        response = client.get("/sparql", query_string={"query": form, "format": "html"})
        assert response.status_code == 200
        assert active_content(response.text) == []
        assert "javascript:alert" in "".join(parse(response.text).itertext())


# --- CSRF --------------------------------------------------------------------------------------------

STATE_CHANGING = [
    "/claims/new",
    f"/claims/{CLAIM}/edit",
    f"/claims/{CLAIM}/sources/new",
    f"/sources/{SOURCE}/edit",
    f"/claims/{CLAIM}/evidence/new",
    f"/events/{EVENT}/edit",
    "/entities/new",
    "/entities/tiktok/edit",
    f"/claims/{CLAIM}/retract",
    f"/sources/{SOURCE}/retract",
    f"/events/{EVENT}/retract",
    "/entities/tiktok/retract",
    "/revisions/1/revert",
    "/editor/preview",
    "/logout",
    "/login",
]


@pytest.mark.parametrize("url", STATE_CHANGING)
def test_every_state_changing_form_needs_this_sessions_csrf_token(
    app: Flask, editor_client: FlaskClient, kb: KnowledgeBase, url: str
) -> None:
    other = app.test_client()  # a second browser: its token is valid, but not for this session
    foreign = csrf_token(other.get("/login").text)
    data = {
        "text": "Forged (test)",
        "name": "Forged",
        "claim_type": "statement",
        "claimant": "tiktok",
        "headline": "Forged",
        "date": "2024-01-01",
        "stance": "supports",
        "kind": "Organization",
        "reason": "Forged",
        "version": "1",
        "note": "x",
        "password": EDITOR_PASSWORD,
    }
    before = fingerprint(kb)
    for token in (None, "", "forged", foreign):
        body = data if token is None else {**data, "csrf_token": token}
        response = editor_client.post(url, data=body)
        assert response.status_code == 400, (url, token, response.status_code)
        assert "CSRF" in " ".join(messages(response.text).get("error-message", []))
    assert_unchanged(kb, before, f"a forged POST to {url}")
    assert editor_client.get("/claims/new").status_code == 200  # still logged in: logout was refused too


# --- SPARQL injection --------------------------------------------------------------------------------

INJECTIONS = [
    '" } ; DROP ALL ; #',
    "' } ; DROP ALL ; #",
    '""") } } ; DELETE WHERE { ?s ?p ?o } #',
    "> } ; CLEAR ALL ; <",
    '\\" } SERVICE <http://evil.example/> { ?s ?p ?o } #',
]


def _literals(tree: Any) -> set[str]:
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Literal):
            found.add(str(node))
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
    return found


@pytest.mark.parametrize("payload", INJECTIONS)
def test_no_parameter_reaches_a_query_as_code(client: FlaskClient, kb: KnowledgeBase, payload: str) -> None:
    """Slugs, filters, facets, as_of, search words and pages: a 4xx or a page, never 500, store unchanged."""
    before = fingerprint(kb)
    quoted = path_segment(payload)
    for url, params in [
        (f"/claims/{quoted}", {}),
        (f"/claims/{CLAIM}", {"as_of": payload}),
        (f"/claims/{CLAIM}/history", {}),
        ("/claims", {"status": payload, "type": payload, "claimant": payload, "topic": payload, "page": payload}),
        (f"/entities/{quoted}", {}),
        (f"/sources/{quoted}", {}),
        (f"/topics/{quoted}", {}),
        (f"/revisions/{quoted}", {}),
        (f"/api/claims/{quoted}", {}),
        (f"/api/claims/{quoted}/history", {}),
        ("/search", {"q": payload, "status": payload, "claimant": payload, "publisher": payload, "page": payload}),
        ("/search", {"q": f"claimant:{payload} topic:{payload}", "year": payload, "sort": payload}),
        (f"/feeds/claims/{quoted}.atom", {}),
    ]:
        response = client.get(url, query_string=params)
        assert response.status_code in (200, 308, 400, 404), (url, response.status_code)
    assert_unchanged(kb, before, "injection attempts")


def _words(tree: Any) -> set[str]:
    """The words and phrases of a search's query tree (``["text", "..."]`` leaves)."""
    if isinstance(tree, list) and len(tree) == 2 and tree[0] == "text":
        return {tree[1]}
    if isinstance(tree, list):
        return set().union(*(_words(child) for child in tree))
    return set()


@pytest.mark.parametrize("payload", INJECTIONS)
def test_open_as_sparql_carries_words_and_filters_as_literals(
    client: FlaskClient, kb: KnowledgeBase, payload: str
) -> None:
    """The search's SPARQL keeps a hostile word as one literal, and runs read-only on /sparql."""
    before = fingerprint(kb)
    found = client.get("/search.json", query_string={"q": f'"{payload}" tiktok', "claimant": payload}).get_json()
    words = _words(found["query_tree"])
    assert "tiktok" in words and len(words) >= 2
    assert words <= _literals(parseQuery(found["sparql"]))  # each word is a literal, nothing else
    assert check_query(found["sparql"], Iris("http://localhost:5000/")).kind == "select"
    link = [a.get("href") for a in parse(client.get("/search", query_string={"q": payload}).text).iter("a")]
    sparql_links = [h for h in link if h and h.startswith("/sparql?")]
    assert sparql_links, "no Open as SPARQL link"
    response = client.get(sparql_links[0], headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "results" in response.get_json()
    assert_unchanged(kb, before, "running a search's SPARQL")


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"query": "ASK {}", "named-graph-uri": "file:///etc/passwd"}, 403),
        ({"query": "ASK {}", "default-graph-uri": "http://localhost:5000/private/accounts"}, 403),
        ({"query": "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"}, 403),
        ({"query": "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }"}, 403),
        ({"query": "LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <http://localhost:5000/x>"}, 403),
        ({"query": "SELECT * WHERE { ?s ?p ?o }", "update": "DROP ALL"}, 403),
    ],
)
def test_endpoint_reaches_no_file_network_or_private_graph(
    client: FlaskClient, kb: KnowledgeBase, params: dict[str, str], status: int
) -> None:
    before = fingerprint(kb)
    response = client.get("/sparql", query_string=params, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == status and response.get_data(as_text=True).strip()
    assert_unchanged(kb, before, "a refused query")


# --- logging in: redirects, fixation, logout ----------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "/\\/evil.example",
        "/%5Cevil.example",
        " //evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "///evil.example",
    ],
)
def test_login_never_redirects_off_the_site(app: Flask, accounts: Any, target: str) -> None:
    client = app.test_client()
    page = client.get("/login", query_string={"next": target})
    hidden = [i.get("value") for i in parse(page.text).iter("input") if i.get("name") == "next"]
    assert hidden == [target]  # carried as a value, escaped
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(page.text), "name": EDITOR_NAME, "password": EDITOR_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    # What a browser would make of it: a path on this site, with no second slash or backslash first.
    assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
    assert not urlsplit(location.replace("\\", "/")).netloc and "\t" not in location


def test_login_keeps_a_safe_next_path(app: Flask, accounts: Any) -> None:
    client = app.test_client()
    page = client.get("/login", query_string={"next": f"/claims/{CLAIM}/edit?x=1"})
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.text),
            "name": EDITOR_NAME,
            "password": EDITOR_PASSWORD,
            "next": f"/claims/{CLAIM}/edit?x=1",
        },
    )
    assert response.headers["Location"] == f"/claims/{CLAIM}/edit?x=1"


def test_login_starts_a_fresh_session(app: Flask, accounts: Any) -> None:
    """Nothing planted in a session before login survives it, and the cookie changes."""
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    planted = client.get_cookie("session")
    assert planted is not None
    assert login(client).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.value != planted.value
    with client.session_transaction() as session:
        assert "planted" not in session and session["user"] == EDITOR_NAME


def test_logout_ends_the_session(app: Flask, editor_client: FlaskClient) -> None:
    home = editor_client.get("/")
    response = editor_client.post("/logout", data={"csrf_token": csrf_token(home.text)})
    assert response.status_code == 302
    with editor_client.session_transaction() as session:
        assert "user" not in session
    assert editor_client.get("/claims/new").status_code == 302
    assert editor_client.post("/claims/new", data={}).status_code in (400, 403)


def test_a_copied_session_cookie_stops_working_at_logout(app: Flask, editor_client: FlaskClient) -> None:
    """Session cookies live in the browser: logging out records that their sessions have ended."""
    stolen = editor_client.get_cookie("session")
    assert stolen is not None
    home = editor_client.get("/")
    assert editor_client.post("/logout", data={"csrf_token": csrf_token(home.text)}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen.value)
    assert replay.get("/claims/new").status_code == 302  # sent to the login page
    assert login(replay).status_code == 302 and replay.get("/claims/new").status_code == 200  # a new login works
