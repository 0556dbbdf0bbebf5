"""Reader pages over the seed knowledge base, checked through an HTML parser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal

from claims.vocab import SCHEMA
from kb import queries
from kb.knowledge import KnowledgeBase
from kb.write.repository import Change
from tests.html import by_class, links, parse, text
from webapp import pages


def test_home_shows_counts_by_status_and_recent_changes(client: FlaskClient, kb: KnowledgeBase) -> None:
    response = client.get("/")
    assert response.status_code == 200
    doc = parse(response.data)
    counts = {e.get("data-status"): int(text(e)) for e in by_class(doc, "count")}
    assert counts == kb.status_counts()
    assert sum(counts.values()) == len(kb.claims())
    changes = doc.find(".//ol[@class='changes']")
    assert "Seed" in text(changes)


def test_claim_list_links_every_claim(client: FlaskClient, kb: KnowledgeBase) -> None:
    doc = parse(client.get("/claims").data)
    hrefs = {href for href, _ in links(doc)}
    for claim in kb.claims():
        assert f"/claims/{claim.slug}" in hrefs


def test_claim_list_filters_by_status_type_claimant_and_topic(client: FlaskClient) -> None:
    def listed(query: str) -> set[str]:
        doc = parse(client.get(f"/claims?{query}").data)
        return {href.rsplit("/", 1)[1] for href, _ in links(doc) if "claim-link" in href or href.startswith("/claims/")}

    assert listed("status=disputed") == {"seattle-170-staff", "ft-uk-report-in-october", "amazon-four-years"}
    assert listed("type=prediction") == {"us-shop-before-holidays"}
    assert "tiktok-focus-existing-markets" in listed("claimant=tiktok")
    assert listed("claimant=tiktok") <= listed("")
    combined = listed("status=resolved-partly&type=prediction")
    assert combined == {"us-shop-before-holidays"}


def test_an_unknown_filter_value_is_explained_not_an_error(client: FlaskClient) -> None:
    response = client.get("/claims?status=%3Cscript%3E")
    assert response.status_code == 200
    doc = parse(response.data)
    notices = [text(e) for e in by_class(doc, "notice")]
    assert any("is not a status" in n for n in notices)
    assert b"<script>" not in response.data


def test_claim_page_shows_prediction_claimant_quote_timeline_and_status(client: FlaskClient) -> None:
    response = client.get("/claims/us-shop-before-holidays")
    assert response.status_code == 200
    doc = parse(response.data)
    assert text(doc.find(".//p[@class='kicker']")).startswith("Prediction")
    badge = by_class(doc.find(".//div[@class='verdict']"), "badge")[0]
    assert "partly" in text(badge).lower()
    assert text(doc.find(".//p[@class='status-meaning']"))
    facts = text(doc.find(".//dl[@class='facts']"))
    assert "Claimed by" in facts and "Financial Times" in facts and "25 December 2022" in facts
    quotes = [text(m) for m in doc.iter("mark")]
    assert "The US TikTok Shop will launch before the holidays." in quotes
    events = by_class(doc, "event", "li")
    times = [e.find("time").get("datetime") for e in events]
    assert "2022-11-10" in times and "2023-09-12" in times
    assert times == sorted(times)
    for event in events:
        if "stance-context" not in event.get("class", ""):
            source = event.find(".//p[@class='source-link']")
            assert source is not None and any(a.get("href", "").startswith("http") for a in source.iter("a"))
    assert doc.find(".//{http://www.w3.org/2000/svg}svg") is not None


def test_claim_page_as_of_a_past_date(client: FlaskClient) -> None:
    doc = parse(client.get("/claims/us-shop-before-holidays?as_of=2022-10-20").data)
    badge = by_class(doc.find(".//div[@class='verdict']"), "badge")[0]
    assert text(badge) == "Unverified"
    times = [e.find("time").get("datetime") for e in by_class(doc, "event", "li")]
    assert all(t <= "2022-10-20" for t in times)


def test_claim_page_with_a_bad_date_is_a_clear_400(client: FlaskClient) -> None:
    response = client.get("/claims/us-shop-before-holidays?as_of=yesterday")
    assert response.status_code == 400
    assert "2022-11-30" in text(parse(response.data).find(".//p[@class='error-message']"))


def test_notes_are_rendered_markdown_without_scripts(client: FlaskClient) -> None:
    doc = parse(client.get("/claims/us-shop-before-holidays").data)
    notes = by_class(doc, "note", "div")
    assert notes
    assert any(a.get("href", "").startswith("https://") for n in notes for a in n.iter("a"))
    assert all(n.find(".//script") is None for n in notes)


def test_source_page_shows_derivation_and_claims(client: FlaskClient, kb: KnowledgeBase) -> None:
    page = kb.claim_page("fbt-job-listings")
    seed_source = next(s for _, s in page.quotes if s is not None and "techstory" in (s.url or ""))
    doc = parse(client.get(f"/sources/{seed_source.slug}").data)
    chain = doc.find(".//ol[@class='chain']")
    assert chain is not None and len(list(chain.iter("li"))) >= 2
    claim_links = {href for href, _ in links(doc) if href.startswith("/claims/")}
    assert "/claims/fbt-job-listings" in claim_links


def test_entity_page_lists_claims_by_and_about(client: FlaskClient) -> None:
    doc = parse(client.get("/entities/tiktok").data)
    assert text(doc.find(".//h1")) == "TikTok"
    headings = [text(h) for h in doc.iter("h2")]
    assert any(h.startswith("Claims made by") for h in headings)
    assert any(h.startswith("Claims about") for h in headings)
    assert any(href == "https://www.wikidata.org/wiki/Q48938223" for href, _ in links(doc))


def test_topic_and_entities_pages(client: FlaskClient, kb: KnowledgeBase) -> None:
    slug, label = kb.topics()[0]
    doc = parse(client.get(f"/topics/{slug}").data)
    assert text(doc.find(".//h1")) == label
    assert client.get("/entities").status_code == 200


def test_status_rules_page_publishes_the_crosswalk(client: FlaskClient) -> None:
    doc = parse(client.get("/about/status").data)
    rows = doc.findall(".//table[@class='crosswalk']/tbody/tr")
    assert len(rows) == 8
    cells = {text(r.find("th")): [text(td) for td in r.findall("td")] for r in rows}
    assert cells["Resolved: partly true"][1] == "3"


def test_unknown_things_get_a_friendly_404(client: FlaskClient) -> None:
    for url in ("/claims/no-such-claim", "/sources/no-such-source", "/entities/nobody", "/topics/none", "/nowhere"):
        response = client.get(url)
        assert response.status_code == 404, url
        doc = parse(response.data)
        assert text(doc.find(".//h1")) == "Not found"
        assert doc.find(".//p[@class='error-message']") is not None


def test_a_malformed_slug_is_a_404_not_an_error(client: FlaskClient) -> None:
    for url in ("/claims/UPPER", "/claims/a%20b", "/entities/%00", "/claims/" + "a" * 300):
        assert client.get(url).status_code == 404, url


def test_json_clients_get_json_errors(client: FlaskClient) -> None:
    response = client.get("/claims/no-such-claim", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.is_json
    assert set(response.json["error"]) == {"status", "title", "message", "details"}


def test_pages_are_readable_on_a_phone(client: FlaskClient) -> None:
    doc = parse(client.get("/").data)
    viewport = [m for m in doc.iter("meta") if m.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0].get("content", "")
    assert doc.getroot().get("lang") == "en" if hasattr(doc, "getroot") else doc.get("lang") == "en"


def test_claim_list_pages_through_many_claims(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kb.interchange.imports.run import import_file

    rows = [
        f"{9000 + i}.json\tfalse\tMade-up statement number {i} for the paging test.\ttesting\t"
        f"example-speaker\t\t\t\t0\t0\t0\t0\t0\ta test"
        for i in range(70)
    ]
    made_up = tmp_path / "made-up.tsv"
    made_up.write_text("\n".join(rows) + "\n", encoding="utf-8")
    app = make_app()
    import_file(app.extensions["claimkb"], "liar", made_up)
    client = app.test_client()
    total = 70 + 12

    def listed(doc) -> list[str]:  # type: ignore[no-untyped-def]
        return [href for href, _ in links(doc) if href.startswith("/claims/")]

    first = parse(client.get("/claims").data)
    assert len(listed(first)) == 50
    assert text(first.find(".//p[@class='result-count']")).startswith(f"{total} claims")
    next_link = next(a.get("href") for a in first.iter("a") if a.get("rel") == "next")
    second = parse(client.get(next_link).data)
    assert len(listed(second)) == total - 50
    assert not set(listed(first)) & set(listed(second))
    beyond = parse(client.get("/claims?page=99").data)
    assert listed(beyond) == listed(second)


def test_claim_list_title_is_plain_text(client: FlaskClient) -> None:
    doc = parse(client.get("/claims").data)
    assert text(doc.find(".//title")) == "Claims · claimkb"


def test_home_lists_the_nearest_deadlines_and_links_to_the_rest(client: FlaskClient, kb: KnowledgeBase) -> None:
    made_up = ["@prefix ck: <https://w3id.org/claimkb/vocab#> .\n@prefix schema: <http://schema.org/> ."]
    for i in range(8):  # made-up predictions, all past their deadline and unresolved: overdue
        deadline = kb.today() - timedelta(days=3 + 5 * i)
        made_up.append(
            f'<claims/made-up-{i}> a schema:Claim ; ck:slug "made-up-{i}" ; schema:text "Made-up prediction {i}." ;'
            f" ck:claimType ck:prediction ; schema:author <entities/tiktok> ;"
            f' ck:deadline "{deadline.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date> .'
        )
    ahead = kb.today() + timedelta(days=40)  # and one ahead: coming due
    made_up.append(
        '<claims/made-up-ahead> a schema:Claim ; ck:slug "made-up-ahead" ; schema:text "Made-up prediction ahead." ;'
        " ck:claimType ck:prediction ; schema:author <entities/tiktok> ;"
        f' ck:deadline "{ahead.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date> .'
    )
    kb.load_graph(
        Graph().parse(data="\n".join(made_up), format="turtle", publicID=str(kb.iris.base)),
        agent="tester",
        reason="Made-up overdue predictions",
    )
    doc = parse(client.get("/").data)
    section = doc.find(".//section[@aria-labelledby='predictions']")
    listed = [href for href, _ in links(section) if href.startswith("/claims/made-up-") and "ahead" not in href]
    assert listed == [f"/claims/made-up-{i}" for i in range(5)], "the five latest deadlines passed, latest first"
    more = [(href, label) for href, label in links(section) if "status=due" in href]
    assert more and "All 8 overdue predictions" in more[0][1]
    assert "/claims/made-up-ahead" in [href for href, _ in links(section)], "a deadline 40 days ahead is coming due"


def test_the_claimant_filter_is_a_names_picker_that_takes_a_name_or_a_slug(client: FlaskClient) -> None:
    def listed(query: str) -> set[str]:
        doc = parse(client.get(f"/claims?{query}").data)
        return {href.rsplit("/", 1)[1] for href, _ in links(doc) if href.startswith("/claims/")}

    doc = parse(client.get("/claims?claimant=tiktok").data)
    assert doc.find(".//select[@name='claimant']") is None, "the claimant filter lists every claimant again"
    picker = doc.find(".//div[@data-picker='entity']")
    assert picker is not None and picker.get("data-lookup") == "/api/lookup"
    field = picker.find(".//input[@name='claimant']")
    assert field is not None and field.get("value") == "tiktok"
    assert text(picker.find(".//label")) == "Claimant" and field.get("id") == picker.find(".//label").get("for")  # type: ignore[union-attr]
    assert listed("claimant=TikTok") == listed("claimant=tiktok"), "a name typed without JavaScript is resolved"
    unknown = parse(client.get("/claims?claimant=Nobody+Whatsoever&status=disputed").data)
    assert any("no person or organisation called" in text(n) for n in by_class(unknown, "notice"))
    guessed = parse(client.get("/claims?claimant=Tik").data)  # not a whole name: candidates to pick
    candidates = by_class(guessed, "candidates")
    assert candidates and any("claimant=tiktok" in href for href, _ in links(candidates[0]))


def test_no_listing_renders_every_entity_or_topic_at_once(client: FlaskClient, kb: KnowledgeBase) -> None:
    with pytest.MonkeyPatch.context() as patch:  # a small knowledge base stands in for a large one
        patch.setattr(pages, "TOP_TOPICS", 2)
        patch.setattr(pages, "ENTITIES_PER_PAGE", 3)
        topics = {slug for slug, _ in kb.topics()}
        entities = [slug for slug, _ in kb.entities()]
        assert len(topics) > 2 and len(entities) > 3, "the seed has too few topics or entities for this test"
        doc = parse(client.get("/claims").data)
        offered = [o.get("value") for o in doc.iterfind(".//select[@name='topic']/option") if o.get("value")]
        assert len(offered) == 2, "the topic filter lists every topic"
        chosen = sorted(topics - set(offered))[0]
        doc = parse(client.get(f"/claims?topic={chosen}").data)
        selected = doc.find(f".//select[@name='topic']/option[@value='{chosen}']")
        assert selected is not None and selected.get("selected") is not None, "a linked topic is kept as chosen"
        seen: list[str] = []
        url: str | None = "/entities"
        while url:
            doc = parse(client.get(url).data)
            page = [href.rsplit("/", 1)[1] for href, _ in links(doc.find(".//ul[@class='entity-list']"))]  # type: ignore[arg-type]
            assert len(page) <= 3, "the entities page lists every entity"
            seen += page
            url = next((a.get("href") for a in doc.iter("a") if a.get("rel") == "next"), None)
        assert seen == entities, "paging through the entities shows each once, in order"


def test_recent_changes_are_the_latest_revisions_newest_first(client: FlaskClient, kb: KnowledgeBase) -> None:
    claim = kb.iris.claim("us-shop-before-holidays")
    for i in range(3):
        change = Change(added={(claim, SCHEMA.name, Literal(f"Renamed {i}"))}, removed=set(), changed={claim})  # type: ignore[arg-type]
        assert kb.repository.apply(change, agent=kb.agent("tester"), reason=f"Rename {i}") is not None
    every = sorted((int(str(r["n"])) for r in kb.store.select(queries.RECENT_REVISIONS)), reverse=True)
    assert [rev.number for rev in kb.recent_changes(2)] == every[:2]
    assert [rev.reason for rev in kb.recent_changes(2)] == ["Rename 2", "Rename 1"]
