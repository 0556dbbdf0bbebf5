"""Sources that outlive link rot: archived copies and content hashes in the forms and the API, and
link checks against a real HTTP server on loopback (never the internet)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from commands import main
from kb.accounts import Accounts
from kb.watch.links import LinkChecker, LinkChecks, in_turn
from tests.helpers import EDITOR_NAME, AppFactory, csrf_token, login
from tests.link_server import Seen, link_server

SEED_SOURCE = "axios-scoop-2022-10-11"
ARCHIVE = "https://web.archive.org/web/2022/https://example.org/made-up-for-this-test"  # never fetched
HASH = "sha256:" + "ab" * 32
AGENT = "claimkb-linkcheck/1.0 (+http://localhost:5000/; test)"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Seen]]:
    with link_server() as found:
        yield found


@pytest.fixture(scope="module")
def outcomes(server: tuple[str, Seen]) -> dict[str, object]:
    """One run of the checker over every kind of answer, 0.1 s apart per host, 1 s timeout."""
    base, _seen = server
    paths = ["/ok", "/old", "/temporary", "/missing", "/removed", "/moved-then-gone", "/error", "/hang"]
    paths += ["/slow-body", "/private/page"]
    took: dict[str, float] = {}
    found: dict[str, object] = {}
    with LinkChecker(user_agent=AGENT, timeout=1.0, interval=0.1) as checker:
        for path in paths:
            started = time.monotonic()
            found[path] = checker.check(base + path)
            took[path] = time.monotonic() - started
    found["took"] = took
    return found


def test_each_answer_gets_its_outcome(server: tuple[str, Seen], outcomes: dict) -> None:
    base, _ = server
    state = {path: (o.state, o.status, o.moved_to) for path, o in outcomes.items() if path != "took"}
    assert state["/ok"] == ("alive", 200, None)
    assert state["/old"] == ("moved", 200, base + "/new")
    assert state["/temporary"] == ("alive", 200, None)  # a temporary redirect is not a move
    assert state["/missing"] == ("gone", 404, None)
    assert state["/removed"] == ("gone", 410, None)
    assert state["/moved-then-gone"] == ("gone", 404, None)
    assert state["/error"] == ("failed", 503, None)  # a server error is not proof it is gone
    assert state["/hang"] == ("failed", None, None)
    assert outcomes["/hang"].detail == "no answer within 1 s"
    assert state["/slow-body"] == ("alive", 200, None)
    assert state["/private/page"][0] == "blocked"
    assert outcomes["/private/page"].detail == "robots.txt disallows it"


def test_the_checker_is_polite(server: tuple[str, Seen], outcomes: dict) -> None:
    _, seen = server
    with seen.lock:
        requests = list(seen.requests)
    # robots.txt once, then the pages; never the page robots.txt disallows
    assert [p for p, _, _ in requests].count("/robots.txt") == 1
    assert "/private/page" not in [p for p, _, _ in requests]
    assert all(ua == AGENT for _, _, ua in requests)
    # one host: each request at least the interval after the previous one ended (so after it began)
    times = [t for _, t, _ in requests]
    assert all(later - earlier >= 0.09 for earlier, later in zip(times, times[1:], strict=False))
    # the slow body is not waited for, and the hanging request stops at the timeout
    assert outcomes["took"]["/slow-body"] < 1.0
    assert 0.9 <= outcomes["took"]["/hang"] < 3.0


def test_hosts_take_turns() -> None:
    urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1", "http://b/2"]
    assert in_turn(urls) == ["http://a/1", "http://b/1", "http://c/1", "http://a/2", "http://b/2", "http://a/3"]


@pytest.fixture(scope="module")
def app(make_module_app: AppFactory) -> Flask:
    app = make_module_app()
    app.extensions["claimkb_accounts"].add(EDITOR_NAME, "editor", "made-up test password")
    return app


@pytest.fixture(scope="module")
def editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def test_seed_sources_record_no_archived_copy(app: Flask, editor: FlaskClient) -> None:
    kb = app.extensions["claimkb"]
    assert not kb.store.select("SELECT ?s WHERE { ?s schema:archivedAt ?a }")
    page = app.test_client().get(f"/sources/{SEED_SOURCE}")
    assert "No archived copy is recorded." in page.text
    assert "Add one" not in page.text  # only editors are offered to add one
    assert "Add one" in editor.get(f"/sources/{SEED_SOURCE}").text


def _edit_source(editor: FlaskClient, slug: str, **changes: str) -> object:
    values = editor.get(f"/api/sources/{slug}").json
    form = {k: v for k, v in values.items() if isinstance(v, str) and k != "slug"}
    form.update(changes, version=str(values["version"]), reason="Archived copy found", action="save")
    page = editor.get(f"/sources/{slug}/edit")
    return editor.post(f"/sources/{slug}/edit", data={**form, "csrf_token": csrf_token(page.text)})


def test_api_takes_an_archived_copy_and_a_hash_and_refuses_bad_ones(app: Flask) -> None:
    accounts: Accounts = app.extensions["claimkb_accounts"]
    token = accounts.create_token(EDITOR_NAME)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    slug = "ars-technica-2022-10"
    before = client.get(f"/api/sources/{slug}").json
    assert before["archived_at"] == "" and before["content_hash"] == ""
    bad = {**before, "archived_at": "ftp://example.org/x", "content_hash": "md5:1234", "reason": "test"}
    refused = client.put(f"/api/sources/{slug}", json=bad, headers=auth)
    assert refused.status_code == 422
    assert set(refused.json["error"]["details"]["fields"]) == {"archived_at", "content_hash"}
    assert client.get(f"/api/sources/{slug}").json["version"] == before["version"]  # nothing written
    good = {**before, "archived_at": ARCHIVE, "content_hash": HASH.upper().replace("SHA256:", ""), "reason": "test"}
    saved = client.put(f"/api/sources/{slug}", json=good, headers=auth)
    assert saved.status_code == 200, saved.json
    assert saved.json["archived_at"] == ARCHIVE
    assert saved.json["content_hash"] == HASH  # stored normalised
    spec = client.get("/api/openapi.json").json["components"]["schemas"]["SourceEdit"]["properties"]
    assert {"archived_at", "content_hash"} <= set(spec)


def test_a_gone_source_offers_its_archived_copy(app: Flask, editor: FlaskClient, server: tuple[str, Seen]) -> None:
    base, _ = server
    slug = SEED_SOURCE
    response = _edit_source(editor, slug, url=base + "/removed", archived_at=ARCHIVE, content_hash=HASH)
    assert response.status_code == 302, response.text
    checks = LinkChecks(app.extensions["claimkb_accounts"])
    with LinkChecker(user_agent=AGENT, timeout=1.0, interval=0.0) as checker:
        for outcome in checker.check_all([base + "/removed"]):
            checks.record(outcome)
    page = editor.get(f"/sources/{slug}").text
    assert "The original is gone" in page and "410" in page
    assert f'href="{ARCHIVE}"' in page and HASH in page
    claim = editor.get("/claims/own-us-fulfilment-centres").text
    assert "(gone, checked" in claim and f'href="{ARCHIVE}"' in claim
    report = app.test_client().get("/reports/broken-links").text
    assert f"/sources/{slug}" in report and "gone" in report and "archived copy" in report


def test_check_links_command(tmp_path: Path, server: tuple[str, Seen]) -> None:
    base, _ = server
    data = tmp_path / "data"
    env = {"CLAIMKB_BASE_IRI": "http://localhost:5000/", "CLAIMKB_STORE": "oxigraph", "CLAIMKB_ACCOUNTS_DB": ""}
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--no-seed", "--data-dir", str(data)], env=env).exit_code == 0
    ttl = tmp_path / "sources.ttl"
    lines = ["@prefix schema: <http://schema.org/> . @prefix ck: <https://w3id.org/claimkb/vocab#> ."]
    for name in ("ok", "old", "missing"):
        lines.append(
            f'<http://localhost:5000/sources/{name}> a schema:NewsArticle ; ck:slug "{name}" ; '
            f'schema:headline "Page {name}" ; schema:url <{base}/{name}> .'
        )
    ttl.write_text("\n".join(lines))
    loaded = runner.invoke(main, ["load", str(ttl), "--data-dir", str(data)], env=env)
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(main, ["check-links", "--data-dir", str(data), "--interval", "0", "--timeout", "1"], env=env)
    assert result.exit_code == 0, result.output
    assert f"gone     {base}/missing" in result.output
    assert f"moved    {base}/old → {base}/new" in result.output
    assert "1 alive, 1 gone, 1 moved." in result.output
    from claims.model import Iris

    accounts = Accounts.open(None, data, Iris("http://localhost:5000/"))
    try:
        recorded = LinkChecks(accounts).get(f"{base}/missing")
        assert recorded is not None and recorded.state == "gone" and recorded.checked_at > time.time() - 60
    finally:
        accounts.close()
