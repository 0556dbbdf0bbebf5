"""The JSON API under /api/: the same reads and writes as the editor's pages, with the same rules.

Writes need an API token (``Authorization: Bearer …``, made with ``claimkb token create NAME``);
a session cookie never authorises a write here, so the API needs no CSRF token. Errors are JSON of
one shape: ``{"error": {"status", "title", "message", "details"}}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, g, jsonify, request, url_for

from claims import concepts
from claims.model import SLUG_RE
from kb import names
from kb.accounts import User
from kb.errors import KBError
from kb.knowledge import ClaimFilters
from kb.language import is_tag
from kb.read import matching
from kb.read.history import revision_json
from kb.write.editing import Editor
from kb.write.references import candidate
from webapp.api.openapi import openapi_document
from webapp.api.paging import page_args, paged
from webapp.editor import get_editor
from webapp.editor.auth import get_accounts
from webapp.extensions import get_kb, get_names, get_search
from webapp.media import get_media_editor
from webapp.slugs import checked_slug as _slug

bp = Blueprint("api", __name__, url_prefix="/api")


def _user() -> User:
    """The editor whose token came with the request; 401 without a valid one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = get_accounts().user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise KBError(
            "Writing needs an API token of an active editor: send “Authorization: Bearer TOKEN” "
            "(create one with `claimkb token create NAME`).",
            status=401,
            title="Unauthorized",
        )
    g.api_user = user
    return user


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise KBError("Send a JSON object as the body, with Content-Type: application/json.", status=400)
    return data


def _written(info: Any, resource: dict[str, Any], status: int = 200) -> tuple[Response, int]:
    body = {**resource, "revision": info.number if info else None}
    return jsonify(body), status


def _editor() -> Editor:
    return get_editor()


@bp.after_request
def _no_cache_for_writes(response: Response) -> Response:
    if request.method != "GET":
        response.headers["Cache-Control"] = "no-store"
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="claimkb"'
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(url_for("api.openapi", _external=False).removesuffix("/openapi.json")))


# --- matching ---------------------------------------------------------------------------------------


@bp.get("/match")
def match() -> Response:
    """The claims already recorded that say what ``text`` says (kb.read.matching)."""
    raw_limit = request.args.get("limit", "5")
    if not raw_limit.isdigit():
        raise matching.MatchRequestError(f"limit must be a whole number from 1 to {matching.MAX_LIMIT}.")
    language = request.args.get("language") or None
    if language is not None and not is_tag(language):
        raise matching.MatchRequestError("language must be a BCP 47 tag such as en, es or pt-BR.")
    claimed = None
    if request.args.get("date"):
        try:
            claimed = date.fromisoformat(request.args["date"])
        except ValueError:
            raise matching.MatchRequestError("date must be a date like 2022-10-11.") from None
    claimant = request.args.get("claimant") or None
    if claimant is not None and (not SLUG_RE.match(claimant) or len(claimant) > 200):
        raise matching.MatchRequestError("claimant must be the slug of a person or organisation.")
    found = matching.Matcher(get_search()).match(
        request.args.get("text", ""),
        limit=int(raw_limit),
        language=language,
        claimant=str(get_kb().iris.entity(claimant)) if claimant else None,
        claimed=claimed,
    )
    return jsonify(matching.response(found).model_dump())


# --- names, for pickers --------------------------------------------------------------------------------


@bp.get("/lookup")
def lookup() -> Response:
    """Entities (by name or alias) or sources (by headline, publisher or address) whose words start
    with what was typed: the editors' pickers ask as they type (kb.names). Public data only."""
    kind, text, limit = names.lookup_request(request.args.get("kind"), request.args.get("q"), request.args.get("limit"))
    hits = get_names().search(kind, text, limit) if text else []
    response = jsonify({"kind": kind, "q": text, "results": [candidate(hit) for hit in hits]})
    response.headers["Cache-Control"] = "no-cache"  # a save may add a name at any moment
    return response


# --- claims -----------------------------------------------------------------------------------------


@bp.get("/claims")
def list_claims() -> Response:
    """The claims, newest first, a page at a time, filtered like the reader's listing (from the search index)."""
    statuses, types = concepts.statuses(), concepts.claim_types()
    status, claim_type = request.args.get("status") or None, request.args.get("type") or None
    if status is not None and status not in statuses:
        raise KBError(f"status must be one of {', '.join(statuses)}.", status=400)
    if claim_type is not None and claim_type not in types:
        raise KBError(f"type must be one of {', '.join(types)}.", status=400)
    claimant, topic = _slug_arg("claimant"), _slug_arg("topic")
    page, per_page = page_args()
    filters = ClaimFilters(status=status, claim_type=claim_type, claimant=claimant, topic=topic)
    listed, total, pages = get_search().listing(filters, page, per_page)
    claims = [
        {
            "slug": c.slug,
            "name": c.name,
            "text": c.text,
            "status": c.status.notation,
            "claim_type": c.claim_type.notation if c.claim_type else None,
            "claimed_on": c.claimed_on.isoformat() if c.claimed_on else None,
            "deadline": c.deadline.isoformat() if c.deadline else None,
        }
        for c in (listed if page <= pages and total else [])  # past the last page: none (the listing shows the last)
    ]
    return paged("claims", claims, total, page, per_page)


def _slug_arg(name: str) -> str | None:
    value = request.args.get(name) or None
    if value is not None and not SLUG_RE.match(value):
        raise KBError(f"{name} must be a slug (lower-case letters, digits and hyphens).", status=400)
    return value


def _claim(slug: str) -> dict[str, Any]:
    values = _editor().claim_values(slug)
    page = get_kb().claim_page(slug)
    values["evidence"] = [item.event.iri.rsplit("/", 1)[1] for item in page.timeline]
    values["iri"] = str(page.claim.iri)
    return values


@bp.get("/claims/<slug>")
def get_claim(slug: str) -> Response:
    return jsonify(_claim(_slug(slug)))


@bp.post("/claims")
def create_claim() -> tuple[Response, int]:
    user = _user()
    iri, info = _editor().create_claim(_body(), agent=user.iri)
    return _written(info, _claim(iri.rsplit("/", 1)[1]), 201)


@bp.post("/claims/<slug>/same-as")
def same_claim(slug: str) -> tuple[Response, int]:
    """Link the claim to ``other`` as the same claim made elsewhere (or unlink, ``unlink: true``)."""
    user = _user()
    info = _editor().link_same(_slug(slug), _body(), agent=user.iri)
    return _written(info, _claim(slug))


@bp.put("/claims/<slug>")
def edit_claim(slug: str) -> tuple[Response, int]:
    user = _user()
    info = _editor().edit_claim(_slug(slug), _body(), agent=user.iri)
    return _written(info, _claim(slug))


@bp.post("/<any(claims, sources, events, entities, media):kind>/<slug>/retract")
def retract(kind: str, slug: str) -> tuple[Response, int]:
    user = _user()
    info = _editor().retract(kind, _slug(slug), _body(), agent=user.iri)
    return _written(info, {"kind": kind, "slug": slug, "retracted": True})


@bp.get("/claims/<slug>/history")
def claim_history(slug: str) -> Response:
    return jsonify({"revisions": [revision_json(r) for r in _editor().history.claim_history(_slug(slug))]})


# --- sources and evidence -------------------------------------------------------------------------


@bp.post("/claims/<slug>/sources")
def add_source(slug: str) -> tuple[Response, int]:
    user = _user()
    iri, info = _editor().add_source(_body(), agent=user.iri, claim_slug=_slug(slug))
    return _written(info, _editor().source_values(iri.rsplit("/", 1)[1]), 201)


@bp.get("/sources/<slug>")
def get_source(slug: str) -> Response:
    return jsonify(_editor().source_values(_slug(slug)))


@bp.put("/sources/<slug>")
def edit_source(slug: str) -> tuple[Response, int]:
    user = _user()
    info = _editor().edit_source(_slug(slug), _body(), agent=user.iri)
    return _written(info, _editor().source_values(slug))


@bp.post("/claims/<slug>/events")
def add_event(slug: str) -> tuple[Response, int]:
    user = _user()
    iri, info = _editor().add_event(_slug(slug), _body(), agent=user.iri)
    return _written(info, _editor().event_values(iri.rsplit("/", 1)[1]), 201)


@bp.get("/events/<slug>")
def get_event(slug: str) -> Response:
    return jsonify(_editor().event_values(_slug(slug)))


@bp.put("/events/<slug>")
def edit_event(slug: str) -> tuple[Response, int]:
    user = _user()
    info = _editor().edit_event(_slug(slug), _body(), agent=user.iri)
    return _written(info, _editor().event_values(slug))


# --- photos, videos and audio clips -----------------------------------------------------------------


@bp.post("/claims/<slug>/media")
def add_media(slug: str) -> tuple[Response, int]:
    """A photo, video or audio clip that makes the claim; its frame as base64 in ``thumbnail``."""
    user = _user()
    editor = get_media_editor()
    iri, info = editor.add_media(_slug(slug), _body(), agent=user.iri)
    return _written(info, editor.media_values(iri.rsplit("/", 1)[1]), 201)


@bp.get("/media/<slug>")
def get_media(slug: str) -> Response:
    return jsonify(get_media_editor().media_values(_slug(slug)))


@bp.put("/media/<slug>")
def edit_media(slug: str) -> tuple[Response, int]:
    user = _user()
    editor = get_media_editor()
    info = editor.edit_media(_slug(slug), _body(), agent=user.iri)
    return _written(info, editor.media_values(slug))


# --- entities -------------------------------------------------------------------------------------


@bp.get("/entities")
def list_entities() -> Response:
    """People and organisations by name, a page at a time."""
    page, per_page = page_args()
    every = get_kb().entities_kept()
    start = (page - 1) * per_page
    entities = [{"slug": slug, "name": name} for slug, name in every[start : start + per_page]]
    return paged("entities", entities, len(every), page, per_page)


@bp.post("/entities")
def create_entity() -> tuple[Response, int]:
    user = _user()
    iri, info = _editor().create_entity(_body(), agent=user.iri)
    return _written(info, _editor().entity_values(iri.rsplit("/", 1)[1]), 201)


@bp.get("/entities/<slug>")
def get_entity(slug: str) -> Response:
    return jsonify(_editor().entity_values(_slug(slug)))


@bp.put("/entities/<slug>")
def edit_entity(slug: str) -> tuple[Response, int]:
    user = _user()
    info = _editor().edit_entity(_slug(slug), _body(), agent=user.iri)
    return _written(info, _editor().entity_values(slug))


# --- revisions ------------------------------------------------------------------------------------


@bp.get("/revisions")
def recent_revisions() -> Response:
    revisions = [
        revision_json(_editor().history.revision_diff(r.number, limit=200)) for r in get_kb().recent_changes(20)
    ]
    return jsonify({"revisions": revisions})


@bp.get("/revisions/<int:number>")
def get_revision(number: int) -> Response:
    limit = request.args.get("limit", default=5000, type=int)
    return jsonify(revision_json(_editor().history.revision_diff(number, limit=max(1, min(limit or 5000, 5000)))))


@bp.post("/revisions/<int:number>/revert")
def revert(number: int) -> tuple[Response, int]:
    user = _user()
    data = request.get_json(silent=True)
    info = _editor().revert(number, data if isinstance(data, dict) else {}, agent=user.iri)
    return _written(info, {"reverted": number}, 201)
