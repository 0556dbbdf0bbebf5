"""Claim suggestions: an editor pastes an article, reviews the proposed sentences, accepts some as claims.

The article's text travels with the forms (a hidden field) and through the JSON API; it is never kept
on the server. ``/api/suggestions`` proposes, ``/api/suggestions/accept`` records, both with a token.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from claims import concepts
from kb.errors import KBError
from kb.write.editing import match_json
from kb.write.fields import AcceptedClaim, AcceptInput, Submitted, SuggestInput
from kb.write.suggesting import MAX_ACCEPTED, MAX_ARTICLE, PUBLISHER, Proposal, Suggester, article_text
from webapp.api import _user as api_user
from webapp.editor import get_editor, picked_references
from webapp.editor.auth import check_csrf, current_user, login_required

bp = Blueprint("suggest", __name__)

# The review form's fields are the accept body's (kb.write.fields): the article's, and each claim's.
ARTICLE_FIELDS = tuple(name for name in AcceptInput.model_fields if name != "claims")
CLAIM_FIELDS = tuple(AcceptedClaim.model_fields)
# The fields the review page shows messages next to; the others' messages go above the form.
SHOWN_BY_FIELD = ("url", "headline", "publisher", "new_publisher_name", "published", "reason", "claims")

Page = str | tuple[str, int] | BaseResponse


def get_suggester() -> Suggester:
    suggester = current_app.extensions.get("claimkb_suggester")
    if suggester is None:
        suggester = current_app.extensions["claimkb_suggester"] = Suggester(get_editor())
    return suggester


def _published(data: dict[str, Any]) -> date | None:
    """The article's date, when it is a valid one (relative deadlines count from it)."""
    return Submitted(SuggestInput, data).get("published")


def _render(
    template: str,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    status: int,
    candidates: dict[str, list[dict[str, str]]] | None = None,
    **context: Any,
) -> Page:
    # The pickers' fields: the publisher, and each suggestion's claimant (as typed, or proposed).
    shown = dict(values)
    for proposal in context.get("proposals", []):
        shown.setdefault(f"s{proposal.number}-claimant", proposal.claimant)
    references = {"publisher": "entity", **{key: "entity" for key in shown if key.endswith("-claimant")}}
    return render_template(
        template,
        values=values,
        errors=errors,
        picked=picked_references(shown, references),
        candidates=candidates or {},
        choices=get_editor().choices(),
        claim_types=concepts.claim_types(),
        max_article=MAX_ARTICLE,
        publisher=PUBLISHER,
        **context,
    ), status


def _article_form() -> dict[str, Any]:
    return {key: request.form.get(key, "") for key in ARTICLE_FIELDS}


@bp.route("/editor/suggest", methods=["GET", "POST"])
@login_required
def paste() -> Page:
    """Paste an article; on POST, show its suggestions for review (nothing is written)."""
    if request.method == "GET":
        return _render("suggest/paste.html", {}, {}, 200)
    check_csrf()
    values = _article_form()
    try:
        text = article_text(values)
    except KBError as error:
        fields = error.details.get("fields") or {"text": [error.message]}
        return _render("suggest/paste.html", values, fields, error.status, message=error.message)
    values["text"] = text  # as the offsets of the suggestions count it
    proposals = get_suggester().propose(text, _published(values))
    return _review(values, proposals, {}, 200)


def _review(
    values: dict[str, Any],
    proposals: list[Proposal],
    errors: dict[str, list[str]],
    status: int,
    candidates: dict[str, list[dict[str, str]]] | None = None,
) -> Page:
    """The review form, with at most as many suggestions as one submission may accept."""
    return _render(
        "suggest/review.html",
        values,
        errors,
        status,
        candidates,
        proposals=proposals[:MAX_ACCEPTED],
        total=len(proposals),
        reviewed=bool(errors),
    )


@bp.post("/editor/suggest/accept")
@login_required
def accept() -> Page:
    """Record the ticked suggestions, as edited, in one revision."""
    check_csrf()
    values = _article_form()
    try:
        text = article_text(values)
    except KBError as error:
        fields = error.details.get("fields") or {"text": [error.message]}
        return _render("suggest/paste.html", values, fields, error.status, message=error.message)
    claims = []
    for key in request.form:
        # A suggestion is kept as a new claim ("-accept"), or as an appearance of a recorded claim.
        suffix = next((end for end in ("-accept", "-appearance_of") if key.endswith(end)), None)
        if key.startswith("s") and suffix and key[1 : -len(suffix)].isdigit():
            number = key[1 : -len(suffix)]
            if suffix == "-appearance_of" and request.form.get(f"s{number}-accept"):
                continue  # counted once, under "-accept"
            item: dict[str, Any] = {field: request.form.get(f"s{number}-{field}", "") for field in CLAIM_FIELDS}
            start = str(item["start"])
            item["start"] = int(start) if start.isascii() and start.isdigit() and len(start) < 10 else 0
            item["id"] = number
            claims.append(item)
    submitted = {**values, **{k: v for k, v in request.form.items() if k.startswith("s")}}
    user = current_user()
    assert user is not None  # login_required
    try:
        # Drafts, as the new-claim form makes them: an editor reviews them on the desk before publishing.
        source, created, info = get_suggester().accept(values, claims, agent=user.iri, as_draft=True)
    except KBError as error:
        errors = _form_errors(error)
        candidates = _form_errors_of(error.details.get("candidates") or {})
        proposals = get_suggester().propose(text, _published(values))
        return _review(submitted, proposals, errors, error.status, candidates)
    count = f"{len(created)} claim{'s' if len(created) != 1 else ''}"
    flash(
        Markup(
            "Added {} quoted from this article as drafts (revision {}): the public sees them once "
            'they are published from the <a href="{}">desk</a>.'
        ).format(count, info.number, url_for("desk.desk"))
        if created
        else f"Added this article to the recorded claims (revision {info.number}).",
        "success",
    )
    return redirect(url_for("pages.source", slug=source.rsplit("/", 1)[1]))


def _form_errors_of(by_field: dict[str, Any]) -> dict[str, Any]:
    """``claims.3.claimant`` keys as the review form names its fields (``s3-claimant``)."""
    named = {}
    for key, value in by_field.items():
        parts = key.split(".", 2)
        named[f"s{parts[1]}-{parts[2]}" if len(parts) == 3 and parts[0] == "claims" else key] = value
    return named


def _form_errors(error: KBError) -> dict[str, list[str]]:
    """Problems by the review form's fields (``claims.3.text`` is ``s3-text``); the rest above the form."""
    errors: dict[str, list[str]] = {}
    for key, messages in (error.details.get("fields") or {"__all__": [error.message]}).items():
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[0] == "claims":
            key = f"s{parts[1]}-{parts[2]}"
        elif key not in SHOWN_BY_FIELD:
            key = "__all__"
        errors.setdefault(key, []).extend(messages)
    return errors


# --- JSON API ---------------------------------------------------------------------------------------


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise KBError("Send a JSON object as the body, with Content-Type: application/json.", status=400)
    return data


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    s = proposal.suggestion
    return {
        "number": proposal.number,
        "start": s.start,
        "end": s.end,
        "claim_type": s.claim_type,
        "selector": {
            "type": "TextQuoteSelector",
            "exact": s.selector.exact,
            "prefix": s.selector.prefix,
            "suffix": s.selector.suffix,
        },
        "rules": [
            {
                "rule": h.rule,
                "family": h.family,
                "explanation": h.explanation,
                "match": h.match,
                "start": h.start,
                "end": h.end,
            }
            for h in s.hits
        ],
        "deadline": s.deadline.isoformat() if s.deadline else None,
        "deadline_words": s.deadline_words,
        "speaker": s.speaker,
        "claimant": proposal.claimant,
        "new_claimant_name": proposal.new_claimant_name or None,
        "match": match_json(proposal.match) if proposal.match else None,
    }


@bp.post("/api/suggestions")
def api_suggest() -> Response:
    api_user()
    data = _json_body()
    text = article_text(data)
    published = data.get("published")
    day = _published({"published": published}) if isinstance(published, str) else None
    proposals = get_suggester().propose(text, day)
    return jsonify({"suggestions": [proposal_json(p) for p in proposals]})


@bp.post("/api/suggestions/accept")
def api_accept() -> tuple[Response, int]:
    user = api_user()
    data = _json_body()
    claims = data.get("claims")
    if not isinstance(claims, list):
        raise KBError("Send the accepted claims as a list under “claims”.", status=400)
    source, created, info = get_suggester().accept(data, claims, agent=user.iri)
    body = {
        "source": source.rsplit("/", 1)[1],
        "claims": [iri.rsplit("/", 1)[1] for iri in created],
        "revision": info.number,
    }
    return jsonify(body), 201


@bp.after_request
def _api_headers(response: Response) -> Response:
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="claimkb"'
    return response
