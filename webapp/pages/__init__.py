"""Reader pages: home, claim list, claim, source, entity and topic pages, the status rules."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Blueprint, abort, g, render_template, request, url_for

from claims import concepts
from claims.model import SLUG_RE
from kb.errors import NotFound
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.read.independence import claim_independence
from kb.read.matching import SIMILAR_CANDIDATES, Matcher, similar_claims
from kb.read.pages import page_sources
from webapp import timeline_svg
from webapp.extensions import get_kb, get_names, get_search
from webapp.links import prefetch_link_states
from webapp.rendered import cacheable, rendered
from webapp.slugs import checked_slug

bp = Blueprint("pages", __name__)

_SEGMENT_SAFE = "!$&'()*+,/:;=@"  # what werkzeug leaves unquoted in a path segment (its converters' to_url)


@bp.app_template_global()
def slug_href(endpoint: str, slug: str) -> str:
    """``url_for(endpoint, slug=slug)`` for a page addressed by one slug (claim, source, entity, topic),
    without building the route for every link: a claim page has dozens of them, each a route build."""
    if not slug:
        return url_for(endpoint, slug=slug)  # the same error url_for gives
    prefixes: dict[str, str] = g.setdefault("claimkb_slug_prefixes", {})
    prefix = prefixes.get(endpoint)
    if prefix is None:
        built = url_for(endpoint, slug="-")
        if not built.endswith("/-"):
            return url_for(endpoint, slug=slug)
        prefix = prefixes[endpoint] = built[:-1]
    return prefix + quote(str(slug), safe=_SEGMENT_SAFE)


HOME_PREDICTIONS = 5


@bp.get("/")
def home() -> str:
    kb = get_kb()
    search = get_search()  # counts and lists come from the search index, not a SPARQL aggregate
    coming, overdue = kb.predictions(HOME_PREDICTIONS)  # the nearest deadlines, found without a scan
    counts = search.status_counts()
    return render_template(
        "pages/home.html",
        counts=counts,
        statuses=concepts.statuses(),
        coming_due=coming,
        overdue=overdue,
        overdue_total=counts.get("due", 0),
        recent=kb.recent_changes(8),
        claims=search.claims(limit=6),
    )


# The listing's topic filter offers the topics with the most claims (and the one chosen); the claimant
# filter is a names picker: neither lists every value, however many the knowledge base holds.
TOP_TOPICS = 30
MAX_FILTER_CHARS = 200


@bp.get("/claims")
def claims() -> str:
    search = get_search()
    statuses = concepts.statuses()
    types = concepts.claim_types()
    status = request.args.get("status") or None
    claim_type = request.args.get("type") or None
    typed_claimant = (request.args.get("claimant") or "").strip()[:MAX_FILTER_CHARS]
    topic = request.args.get("topic") or None
    problems: list[str] = []
    candidates: list[tuple[str, str, str]] = []
    if status and status not in statuses:
        problems.append(f"“{status}” is not a status; showing every status.")
        status = None
    if claim_type and claim_type not in types:
        problems.append(f"“{claim_type}” is not a claim type; showing every type.")
        claim_type = None
    claimant = _claimant_filter(typed_claimant, problems, candidates) if typed_claimant else None
    if topic and not SLUG_RE.match(topic):
        problems.append(f"“{topic}” is not a topic; ignored.")
        topic = None
    filters = ClaimFilters(status=status, claim_type=claim_type, claimant=claimant, topic=topic)
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1
    listed, total, pages = search.listing(filters, page_number)
    claimant_name = next((c.claimant_name for c in listed if claimant and c.claimant_name), None)
    return render_template(
        "pages/claims.html",
        claims=listed,
        total=total,
        page=min(page_number, pages),
        pages=pages,
        filters=filters,
        statuses=statuses,
        types=types,
        topics=_top_topics(topic),
        claimant_value=claimant or typed_claimant,
        picked={"claimant": {claimant: {"label": claimant_name, "detail": ""}}} if claimant_name else {},
        candidates=candidates,
        problems=problems,
    )


def _claimant_filter(typed: str, problems: list[str], candidates: list[tuple[str, str, str]]) -> str | None:
    """The claimant slug a reader gave: a slug as links carry it, else a name the picker's index
    resolves (as the editor forms resolve it on submit); a problem, with candidates, when it does not."""
    if SLUG_RE.match(typed):
        return typed
    names = get_names()
    hits = names.named("entity", typed)
    if len(hits) == 1:
        return hits[0].slug
    shown = typed if len(typed) <= 80 else typed[:79] + "…"
    if hits:
        problems.append(f"“{shown}” names {len(hits)} people or organisations: pick one.")
    else:
        problems.append(f"There is no person or organisation called “{shown}”; showing every claimant.")
        hits = names.search("entity", typed, 5)
    candidates.extend((hit.slug, hit.label, hit.detail) for hit in hits[:5])
    return None


def _top_topics(chosen: str | None) -> list[tuple[str, str, int]]:
    """The ``TOP_TOPICS`` topics with the most claims, and the chosen one, in alphabetical order."""
    counts = get_search().facet_counts(("topic",)).get("topic", [])
    top = sorted(counts, key=lambda t: (-t[2], t[1].lower()))[:TOP_TOPICS]
    if chosen and chosen not in {slug for slug, _, _ in top}:
        top += [t for t in counts if t[0] == chosen] or [(chosen, chosen, 0)]
    return sorted(top, key=lambda t: t[1].lower())


@bp.get("/claims/<slug>")
def claim(slug: str) -> str:
    kb = get_kb()
    as_of = None
    if request.args.get("as_of"):
        try:
            as_of = date.fromisoformat(request.args["as_of"])
        except ValueError:
            abort(400, "The date must look like 2022-11-30.")
    slug = checked_slug(slug)
    if cacheable():  # the same page for every reader: kept rendered until the next revision
        return rendered(kb, ("claim", slug, as_of), lambda: _claim(kb, slug, as_of))
    return _claim(kb, slug, as_of)


def _claim(kb: KnowledgeBase, slug: str, as_of: date | None) -> str:
    with kb.cache.pinned():  # its sections read the revision counter once, not once each
        return _claim_sections(kb, slug, as_of)


def _claim_sections(kb: KnowledgeBase, slug: str, as_of: date | None) -> str:
    try:
        page = kb.claim_page(slug, as_of=as_of)
    except NotFound:
        if g.get("user") is None:
            raise
        from webapp.desk import unpublished_claim  # a draft, in review or unpublished: editors only

        return unpublished_claim(slug)  # type: ignore[return-value]
    prefetch_link_states(source.url for source in page_sources(page))
    same_claims = kb.same_claims(page.claim.iri)
    linked = {str(c.iri) for c in same_claims}
    matcher = Matcher(get_search(), SIMILAR_CANDIDATES)
    similar = similar_claims(matcher, kb.cache, str(page.claim.iri), page.claim.text, page.claim.language)
    return render_template(
        "pages/claim.html",
        page=page,
        history=kb.history(page.claim.iri, changes=False)[:5],
        timeline_svg=timeline_svg.render(page, kb.today()),
        stances=concepts.stances(),
        independence=claim_independence(kb, page.claim.iri, as_of),
        same_claims=same_claims,
        similar=[m for m in similar if m.iri not in linked],
    )


@bp.get("/sources/<slug>")
def source(slug: str) -> str:
    return render_template("pages/source.html", page=get_kb().source_page(checked_slug(slug)))


@bp.get("/entities/<slug>")
def entity(slug: str) -> str:
    return render_template("pages/entity.html", page=get_kb().entity_page(checked_slug(slug)))


ENTITIES_PER_PAGE = 100


@bp.get("/entities")
def entities() -> str:
    """People and organisations by name, a page at a time (a large knowledge base has tens of thousands)."""
    every = get_kb().entities_kept()
    pages = max(1, -(-len(every) // ENTITIES_PER_PAGE))
    page = request.args.get("page", "1")
    number = min(int(page), pages) if page.isdigit() and int(page) > 0 else 1
    start = (number - 1) * ENTITIES_PER_PAGE
    return render_template(
        "pages/entities.html",
        entities=every[start : start + ENTITIES_PER_PAGE],
        total=len(every),
        page=number,
        pages=pages,
    )


@bp.get("/topics/<slug>")
def topic(slug: str) -> str:
    kb = get_kb()
    slug = checked_slug(slug)
    labels = dict(kb.topics())
    if slug not in labels:
        abort(404, f"There is no topic called “{slug}”.")
    listed, total, _pages = get_search().listing(ClaimFilters(topic=slug))
    return render_template("pages/topic.html", label=labels[slug], slug=slug, claims=listed, total=total)


@bp.get("/about/status")
def status_rules() -> str:
    return render_template(
        "pages/status_rules.html",
        statuses=concepts.statuses(),
        stances=concepts.stances(),
        types=concepts.claim_types(),
    )
