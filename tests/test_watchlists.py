"""Watchlists and reminders: following, the personal page and private feed, and reminder mails sent
once through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from commands import main
from kb.accounts import Accounts
from kb.knowledge import KnowledgeBase
from kb.watch.mail import Mailer, SmtpServer
from kb.watch.reminders import send_reminders
from kb.watch.watchlists import Watchlists
from kb.write.editing import Editor
from tests.helpers import AppFactory, csrf_token, login, wait_until
from tests.mail_server import Mailbox, smtp_server

PASSWORD = "made-up test password"
TOPIC = "logistics"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[str, Mailbox]]:
    with smtp_server() as found:
        yield found


@pytest.fixture(scope="module")
def app(make_module_app: AppFactory, smtp: tuple[str, Mailbox]) -> Flask:
    app = make_module_app(smtp_url=smtp[0], mail_from="desk@claims.example.org")
    accounts: Accounts = app.extensions["claimkb_accounts"]
    for name in ("alice", "bob", "carol"):
        accounts.add(name, "editor", PASSWORD)
    kb: KnowledgeBase = app.extensions["claimkb"]
    editor = Editor(kb)
    today = kb.today()
    # Predictions to follow: due in 3 days (on the topic), in 30 days, and one whose deadline passed.
    for slug_text, days, topics in (
        ("Example Org will open a shop in Lisbon.", 3, [TOPIC]),
        ("Example Org will open a shop in Porto.", 30, []),
        ("Example Org will open a shop in Braga.", -2, []),
    ):
        editor.create_claim(
            {
                "text": slug_text,
                "claim_type": "prediction",
                "deadline": (today + timedelta(days=days)).isoformat(),
                **_claimant(kb),
                "topics": topics,
                "reason": "A made-up prediction for the watchlist tests",
            },
            agent=kb.agent("alice"),
        )
    return app


def _claimant(kb: KnowledgeBase) -> dict[str, str]:
    """Example Org: made by the first claim, named by the others."""
    if "example-org" in dict(kb.entities()):
        return {"claimant": "example-org"}
    return {"new_claimant_name": "Example Org"}


def _client(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, name, PASSWORD).status_code == 302
    return client


def _post(client: FlaskClient, path: str, data: dict[str, str], page: str = "/watchlist") -> object:
    token = csrf_token(client.get(page).text)
    return client.post(path, data={**data, "csrf_token": token})


def _follow(client: FlaskClient, kind: str, slug: str, action: str = "follow") -> object:
    return _post(client, "/watchlist/follow", {"kind": kind, "slug": slug, "action": action})


def test_following_from_a_page_and_the_watchlist(app: Flask) -> None:
    alice = _client(app, "alice")
    page = alice.get("/claims/example-org-will-open-a-shop-in-porto")
    assert ">Follow</button>" in page.text
    followed = _post(
        alice,
        "/watchlist/follow",
        {"kind": "claim", "slug": "example-org-will-open-a-shop-in-porto", "next": "/claims/x"},
        page="/claims/example-org-will-open-a-shop-in-porto",
    )
    assert followed.status_code == 302 and followed.headers["Location"] == "/claims/x"
    assert ">Unfollow</button>" in alice.get("/claims/example-org-will-open-a-shop-in-porto").text
    assert _follow(alice, "topic", TOPIC).status_code == 302
    assert _follow(alice, "entity", "example-org").status_code == 302
    assert ">Unfollow</button>" in alice.get("/entities/example-org").text
    # an open redirect is refused: back to the watchlist instead
    away = _post(alice, "/watchlist/follow", {"kind": "topic", "slug": TOPIC, "next": "//evil.example/"})
    assert away.headers["Location"] == "/watchlist"

    page = alice.get("/watchlist").text
    assert "Example Org will open a shop in Porto." in page  # followed
    lisbon, braga = page.find("shop in Lisbon"), page.find("shop in Braga")
    assert 0 <= braga < lisbon  # passed deadline first, then in 3 days; 30 days is beyond the week
    assert "in 3 days" in page and "passed 2 days ago" in page
    due_section = page.split('id="due"')[1].split('id="changes"')[0]
    assert "Porto" not in due_section
    assert "A made-up prediction for the watchlist tests" in page  # what changed
    assert "Reminders go to" not in page  # no address yet


def test_bad_follows_are_refused_and_change_nothing(app: Flask) -> None:
    bob = _client(app, "bob")
    assert _follow(bob, "claim", "no-such-claim").status_code == 404
    assert _follow(bob, "planet", "mars").status_code == 422
    assert _follow(bob, "topic", "no-such-topic").status_code == 404
    no_csrf = bob.post("/watchlist/follow", data={"kind": "topic", "slug": TOPIC})
    assert no_csrf.status_code == 400
    assert Watchlists(app.extensions["claimkb_accounts"]).follows("bob") == []
    visitor = app.test_client()
    assert visitor.post("/watchlist/follow", data={"kind": "topic", "slug": TOPIC}).status_code in (400, 403)
    assert visitor.get("/watchlist").status_code == 302  # to the login page
    refused = _post(bob, "/watchlist/settings", {"email": "not an address", "days": "7"})
    assert refused.status_code == 422 and "must look like" in refused.text
    assert _post(bob, "/watchlist/settings", {"email": "", "days": "0"}).status_code == 422


def test_private_feed_needs_its_secret(app: Flask) -> None:
    carol = _client(app, "carol")
    assert _follow(carol, "topic", TOPIC).status_code == 302
    made = _post(carol, "/watchlist/feed-token", {"action": "new"})
    url = re.search(r"<code>(http://[^<]+/watchlist/feed\.atom\?token=[^<]+)</code>", made.text)
    assert url, made.text
    feed_path = url.group(1).replace("http://localhost", "")
    visitor = app.test_client()  # a feed reader: no session
    response = visitor.get(feed_path.replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert response.headers["Cache-Control"] == "private, no-store"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Coming due in 3 days: Example Org will open a shop in Lisbon."
    assert any(t.startswith("Revision ") for t in titles)
    secret = feed_path.split("token=", 1)[1]
    basic = visitor.get("/watchlist/feed.atom", auth=("carol", secret))
    assert basic.status_code == 200 and feedparser.parse(basic.data).entries[0].title == titles[0]
    assert visitor.get("/watchlist/feed.atom", auth=("alice", secret)).status_code == 404
    assert visitor.get("/watchlist/feed.atom").status_code == 404
    assert visitor.get("/watchlist/feed.atom?token=guessed").status_code == 404
    # a new address stops the old one
    _post(carol, "/watchlist/feed-token", {"action": "new"})
    assert visitor.get(feed_path.replace("&amp;", "&")).status_code == 404
    stored = app.extensions["claimkb_accounts"].engine.connect()
    try:
        digests = [r[0] for r in stored.exec_driver_sql("SELECT feed_digest FROM watch_settings")]
    finally:
        stored.close()
    assert all(d is None or re.fullmatch("[0-9a-f]{64}", d) for d in digests)  # only digests are kept


def test_reminders_go_once(app: Flask, smtp: tuple[str, Mailbox]) -> None:
    _url, mailbox = smtp
    alice = _client(app, "alice")
    saved = _post(alice, "/watchlist/settings", {"email": "alice@claims.example.org", "days": "7"})
    assert saved.status_code == 302
    assert "Reminders go to" in alice.get("/watchlist").text
    kb: KnowledgeBase = app.extensions["claimkb"]
    lists = Watchlists(app.extensions["claimkb_accounts"])
    mailer = Mailer.from_settings(app.config["CLAIMKB"]["smtp_url"], "desk@claims.example.org")
    assert mailer is not None
    report = send_reminders(kb, lists, mailer, site="https://claims.example.org/")
    assert (report.mails, report.reminders) == (1, 2)
    [message] = mailbox.to("alice@claims.example.org")
    assert message["Subject"] == "2 predictions you follow are coming due"
    assert message["From"] == "desk@claims.example.org"
    body = message.get_payload(decode=True).decode()
    assert "https://claims.example.org/claims/example-org-will-open-a-shop-in-lisbon" in body
    assert "Braga" in body and "Porto" not in body
    # run again, and twice at once: nothing more is sent
    again = send_reminders(kb, lists, mailer, site="https://claims.example.org/")
    assert (again.mails, again.skipped) == (0, 2)
    threads = [
        threading.Thread(target=send_reminders, args=(kb, lists, mailer), kwargs={"site": "x/"}) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(mailbox.to("alice@claims.example.org")) == 1


def test_a_failed_send_is_tried_again(app: Flask, smtp: tuple[str, Mailbox]) -> None:
    _url, mailbox = smtp
    bob = _client(app, "bob")
    assert _follow(bob, "claim", "example-org-will-open-a-shop-in-lisbon").status_code == 302
    assert _post(bob, "/watchlist/settings", {"email": "bob@claims.example.org", "days": "5"}).status_code == 302
    kb: KnowledgeBase = app.extensions["claimkb"]
    lists = Watchlists(app.extensions["claimkb_accounts"])
    from tests.oxigraph_server import free_port

    nowhere = Mailer(SmtpServer("smtp", "127.0.0.1", free_port()), "desk@claims.example.org")
    failed = send_reminders(kb, lists, nowhere, site="x/")
    assert failed.mails == 0 and failed.failures and failed.failures[0].startswith("bob: ")
    working = Mailer.from_settings(app.config["CLAIMKB"]["smtp_url"], "desk@claims.example.org")
    assert working is not None
    assert send_reminders(kb, lists, working, site="x/").mails >= 1
    assert len(mailbox.to("bob@claims.example.org")) == 1


def test_the_page_says_when_no_mail_is_sent(make_app: AppFactory) -> None:
    app = make_app(smtp_url="")
    app.extensions["claimkb_accounts"].add("dora", "editor", PASSWORD)
    page = _client(app, "dora").get("/watchlist").text
    assert "This site sends no e-mail" in page and "CLAIMKB_SMTP_URL" in page


def test_remind_command(tmp_path: Path, seeded_template: Path, smtp: tuple[str, Mailbox]) -> None:
    url, mailbox = smtp
    data = tmp_path / "data"
    shutil.copytree(seeded_template, data)
    kb = KnowledgeBase.open(data, base_iri="http://localhost:5000/")
    try:
        Editor(kb).create_claim(
            {
                "text": "Example Org will open a shop in Faro.",
                "claim_type": "prediction",
                "deadline": (kb.today() + timedelta(days=1)).isoformat(),
                "new_claimant_name": "Example Org",
                "reason": "A made-up prediction for the remind command",
            },
            agent=kb.agent("erin"),
        )
        accounts = Accounts.open(None, data, kb.iris)
        accounts.add("erin", "editor", PASSWORD)
        lists = Watchlists(accounts)
        lists.follow("erin", "entity", "example-org")
        lists.set_settings("erin", "erin@claims.example.org", 7)
        accounts.close()
    finally:
        kb.close()
    env = {"CLAIMKB_BASE_IRI": "http://localhost:5000/", "CLAIMKB_STORE": "oxigraph", "CLAIMKB_ACCOUNTS_DB": ""}
    runner = CliRunner()
    off = runner.invoke(main, ["remind", "--data-dir", str(data)], env={**env, "CLAIMKB_SMTP_URL": ""})
    assert off.exit_code == 1 and "CLAIMKB_SMTP_URL is not set" in off.output
    args = ["remind", "--data-dir", str(data)]
    first = runner.invoke(main, args, env={**env, "CLAIMKB_SMTP_URL": url})
    assert first.exit_code == 0, first.output
    assert "Sent 1 mail(s) reminding of 1 prediction(s)" in first.output
    second = runner.invoke(main, args, env={**env, "CLAIMKB_SMTP_URL": url})
    assert "Sent 0 mail(s)" in second.output and "1 reminded of before" in second.output
    [message] = mailbox.to("erin@claims.example.org")
    assert message["Subject"] == "Prediction coming due: Example Org will open a shop in Faro."


def test_one_holder_of_a_lease(app: Flask) -> None:
    lists = Watchlists(app.extensions["claimkb_accounts"])
    assert lists.lease("test-job", "host-a", 60)
    assert not lists.lease("test-job", "host-b", 60)
    assert lists.lease("test-job", "host-a", 60)  # its holder renews it
    assert lists.lease("other-job", "host-b", 0.0)
    assert lists.lease("other-job", "host-a", 60)  # an expired lease is free


def test_smtp_urls() -> None:
    server = SmtpServer.from_url("smtps://desk%40example.org:s%3Acret@mail.example.org")
    assert (server.scheme, server.host, server.port, server.user, server.password) == (
        "smtps",
        "mail.example.org",
        465,
        "desk@example.org",
        "s:cret",
    )
    assert "s:cret" not in str(server)
    assert SmtpServer.from_url("smtp://127.0.0.1:2525").port == 2525
    with pytest.raises(Exception, match="CLAIMKB_SMTP_URL must look like"):
        SmtpServer.from_url("http://mail.example.org")


def test_the_server_sends_reminders_on_its_schedule(make_app: AppFactory, smtp: tuple[str, Mailbox]) -> None:
    url, mailbox = smtp
    app = make_app(smtp_url=url, remind_every="0.005")  # every 0.3 s
    kb: KnowledgeBase = app.extensions["claimkb"]
    accounts: Accounts = app.extensions["claimkb_accounts"]
    accounts.add("fran", "editor", PASSWORD)
    lists = Watchlists(accounts)
    lists.set_settings("fran", "fran@claims.example.org", 3)
    Editor(kb).create_claim(
        {
            "text": "Example Org will open a shop in Coimbra.",
            "claim_type": "prediction",
            "deadline": (kb.today() + timedelta(days=2)).isoformat(),
            "new_claimant_name": "Example Org",
            "reason": "A made-up prediction for the schedule",
        },
        agent=kb.agent("fran"),
    )
    lists.follow("fran", "claim", "example-org-will-open-a-shop-in-coimbra")
    wait_until(lambda: mailbox.to("fran@claims.example.org"), 20, "the scheduled reminder")

    def lease_until() -> float:
        with accounts.engine.connect() as connection:
            return float(connection.exec_driver_sql("SELECT until FROM job_leases WHERE name='remind'").scalar())

    first = lease_until()
    wait_until(lambda: lease_until() > first, 20, "another scheduled round")
    second = lease_until()
    wait_until(lambda: lease_until() > second, 20, "a third scheduled round")
    assert len(mailbox.to("fran@claims.example.org")) == 1
    stop = app.extensions["claimkb_remind_stop"]
    assert kb.close_hooks[0] == stop.set  # closing the app stops the schedule first
