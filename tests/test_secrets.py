"""No secret on any public surface, on this pass's store (embedded Oxigraph, or a real ``oxigraph serve``).

An admin and an editor do everything that leaves a secret behind — passwords set (one from a one-time
link), logins failed and succeeded, a logout, API tokens made and used, an edit through the API — and
then the store itself, ``/sparql``, every ``/dump.*``, ``claimkb export`` and (on the server pass) the
server's own query endpoint are searched for any of it: password hashes, token values and digests,
link digests, logout times, account records. The public data keeps only the editor's agent IRI and
name, as revisions show them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rdflib.namespace import PROV, RDF, RDFS
from sqlalchemy import select

from commands import main
from kb.accounts import accounts_table, links_table, tokens_table
from kb.sparql.formats import DUMP_FORMATS
from kb.store.remote import RemoteSparqlStore
from tests.helpers import csrf_token, login

pytestmark = pytest.mark.store  # on the embedded store and again on each SPARQL server

PASSWORDS = {"admin": "made-up admin password 1", "editor": "made-up editor password 2"}
EVERYTHING = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def _secrets(app: Any, tokens: list[str]) -> set[str]:
    """Every secret the accounts database holds, and the values that only it should know."""
    accounts = app.extensions["claimkb_accounts"]
    with accounts.engine.connect() as db:
        hashes = set(db.execute(select(accounts_table.c.password_hash)).scalars()) - {None}
        sessions = {str(v) for v in db.execute(select(accounts_table.c.sessions_from)).scalars() if v}
        digests = set(db.execute(select(tokens_table.c.digest)).scalars())
        links = set(db.execute(select(links_table.c.digest)).scalars())
    assert len(hashes) == 2 and len(digests) == 2 and links and sessions, "everything was exercised"
    return {*hashes, *sessions, *digests, *links, *tokens, *PASSWORDS.values(), "argon2", "accounts#", "/private/"}


def _leaks(text: str, secrets: set[str]) -> list[str]:
    return [secret[:20] for secret in secrets if secret in text]


def test_no_secret_reaches_the_store_its_endpoints_or_its_dumps(make_app: Any, tmp_path: Path) -> None:
    app = make_app()
    kb = app.extensions["claimkb"]
    accounts = app.extensions["claimkb_accounts"]
    accounts.add("sec-admin", "admin", PASSWORDS["admin"])
    accounts.add("sec-editor", "editor", None)
    client = app.test_client()
    assert login(client, "sec-admin", "a wrong password!").status_code == 401
    assert login(client, "sec-admin", PASSWORDS["admin"]).status_code == 302
    secret = accounts.password_link("sec-editor", actor="sec-admin")
    path = f"/account/password/{secret}"
    form = client.get(path)
    done = client.post(
        path,
        data={"csrf_token": csrf_token(form.text), "password": PASSWORDS["editor"], "confirm": PASSWORDS["editor"]},
    )
    assert done.status_code == 302
    editor = app.test_client()
    assert login(editor, "sec-editor", PASSWORDS["editor"]).status_code == 302
    assert editor.post("/logout", data={"csrf_token": csrf_token(editor.get("/").text)}).status_code == 302
    tokens = [accounts.create_token("sec-editor"), accounts.create_token("sec-admin")]
    claim = client.get("/api/claims/us-shop-before-holidays").get_json()
    edited = client.put(
        "/api/claims/us-shop-before-holidays",
        json={**_editable(claim), "version": claim["version"], "reason": "Test of public traces"},
        headers={"Authorization": f"Bearer {tokens[0]}"},
    )
    assert edited.status_code == 200, edited.text
    secrets = _secrets(app, tokens)

    # The store itself: only the agent's IRI and name, as every revision shows its author.
    quads = list(kb.store.quads())
    text = "\n".join(" ".join(str(t) for t in quad if t is not None) for quad in quads)
    assert not _leaks(text, secrets)
    agent = kb.iris.agent("sec-editor")
    described = {(p, o) for s, p, o, g in quads if s == agent}
    assert {p for p, o in described} <= {RDF.type, RDFS.label}, described
    assert {str(o) for p, o in described if p == RDF.type} <= {str(PROV.Agent), str(PROV.Person)}
    assert any(o == agent for s, p, o, g in quads), "the revision names its author"
    assert not any(s == kb.iris.agent("sec-admin") or o == kb.iris.agent("sec-admin") for s, p, o, g in quads)

    # The public SPARQL endpoint and every dump.
    everything = client.get("/sparql", query_string={"query": EVERYTHING, "format": "tsv"})
    assert everything.status_code == 200 and "sec-editor" in everything.text
    assert not _leaks(everything.text, secrets)
    for fmt in DUMP_FORMATS:
        with client.get(f"/dump.{fmt.suffix}") as dump:
            assert dump.status_code == 200, fmt.name
            assert not _leaks(dump.get_data(as_text=True), secrets), fmt.name

    # The SPARQL server's own query endpoint, which anyone reaching the server can ask.
    if isinstance(kb.store, RemoteSparqlStore):
        direct = httpx.post(
            kb.store.endpoints["query"],
            data={"query": EVERYTHING},
            headers={"Accept": "text/tab-separated-values"},
            timeout=30,
        )
        assert direct.status_code == 200 and "sec-editor" in direct.text
        assert not _leaks(direct.text, secrets)

    # claimkb export (the embedded store opens in one process at a time: the site stops first).
    kb.close()
    app.extensions.pop("claimkb")
    env = {"CLAIMKB_STORE": app.config["CLAIMKB"]["store"]}
    for fmt in DUMP_FORMATS:
        output = tmp_path / f"export.{fmt.suffix}"
        result = CliRunner(env=env).invoke(
            main, ["export", "--format", fmt.name, "--output", str(output), "--data-dir", app.config["DATA_DIR"]]
        )
        assert result.exit_code == 0, result.output
        exported = output.read_text()
        assert "sec-editor" in exported or fmt.name == "turtle"
        assert not _leaks(exported, secrets), fmt.name


def _editable(claim: dict[str, Any]) -> dict[str, Any]:
    """The claim's editable fields as the API returned them, with a changed note."""
    fields = {k: v for k, v in claim.items() if k in ("text", "name", "claim_type", "claimant", "date", "deadline")}
    return {**fields, "note": "Edited by a test of public traces."}
