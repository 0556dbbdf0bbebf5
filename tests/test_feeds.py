"""Atom feeds of changes, parsed back with feedparser."""

from __future__ import annotations

from pathlib import Path

import feedparser
import html5lib
from flask.testing import FlaskClient

from kb.interchange.imports.run import import_file
from kb.knowledge import KnowledgeBase

DATA = Path(__file__).parent / "data"
NS = {"h": "http://www.w3.org/1999/xhtml"}


def _feed(client: FlaskClient, url: str):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_site_feed_lists_revisions_newest_first(client: FlaskClient, kb: KnowledgeBase) -> None:
    import_file(kb, "liar", DATA / "liar-sample.tsv")
    feed = _feed(client, "/feeds/changes.atom")
    assert [e.id for e in feed.entries] == [str(kb.iris.revision(n)) for n in (2, 1)]
    newest = feed.entries[0]
    assert newest.title.startswith("Revision 2: Imported LIAR file liar-sample.tsv")
    assert newest.author == "import-liar"
    assert "liar-9001" in newest.summary
    assert newest.link.startswith("http://localhost/claims/liar-")
    assert newest.updated_parsed is not None
    assert feed.feed.title == "claimkb: All changes"


def test_claim_feed_follows_the_claim_history(client: FlaskClient, kb: KnowledgeBase) -> None:
    import_file(kb, "liar", DATA / "liar-sample.tsv")
    feed = _feed(client, "/feeds/claims/liar-9001.atom")
    assert [e.id for e in feed.entries] == [str(kb.iris.revision(2))]
    assert feed.entries[0].link == "http://localhost/claims/liar-9001"
    seed_feed = _feed(client, "/feeds/claims/us-shop-before-holidays.atom")
    assert [e.id for e in seed_feed.entries] == [
        str(r.iri) for r in kb.history(kb.iris.claim("us-shop-before-holidays"))
    ]


def test_entity_and_topic_feeds(client: FlaskClient, kb: KnowledgeBase) -> None:
    import_file(kb, "liar", DATA / "liar-sample.tsv")
    entity = _feed(client, "/feeds/entities/jane-example.atom")
    assert [e.id for e in entity.entries] == [str(kb.iris.revision(2))]
    assert entity.feed.title == "claimkb: Changes about Jane Example"
    untouched = _feed(client, "/feeds/entities/tiktok.atom")
    assert [e.id for e in untouched.entries] == [str(kb.iris.revision(1))]
    topic = _feed(client, "/feeds/topics/science.atom")
    assert [e.id for e in topic.entries] == [str(kb.iris.revision(2))]


def test_unknown_feeds_are_404(client: FlaskClient) -> None:
    for url in (
        "/feeds/claims/nope.atom",
        "/feeds/entities/nope.atom",
        "/feeds/topics/nope.atom",
        "/feeds/claims/Bad!.atom",
    ):
        assert client.get(url).status_code == 404, url


def test_pages_link_their_feeds(client: FlaskClient, kb: KnowledgeBase) -> None:
    topic = kb.topics()[0][0]
    for url, feed in (
        ("/", "/feeds/changes.atom"),
        ("/claims/us-shop-before-holidays", "/feeds/claims/us-shop-before-holidays.atom"),
        ("/entities/tiktok", "/feeds/entities/tiktok.atom"),
        (f"/topics/{topic}", f"/feeds/topics/{topic}.atom"),
    ):
        tree = html5lib.parse(client.get(url).get_data(as_text=True))
        links = tree.findall(".//h:head/h:link[@rel='alternate'][@type='application/atom+xml']", NS)
        hrefs = [link.get("href") for link in links]
        assert feed in hrefs, url
        assert _feed(client, feed).entries
