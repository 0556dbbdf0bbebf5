"""The newsroom's desk: publication states, review, assignments (editors only).

``/desk`` lists every unpublished claim and every assigned one, per editor and filtered; its form
changes the state or the assignee of many claims at once, as one revision. The claim page of an
unpublished claim is shown to logged-in editors from here (``unpublished_claim``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from claims import concepts
from kb import settings as kb_settings
from kb.errors import KBError, NotFound, ValidationFailed
from kb.read.pages import ClaimSummary
from kb.write.publishing import ACTIONS, DeskItem, Publishing, State, group_desk
from webapp import timeline_svg
from webapp.editor.auth import check_csrf, current_user, login_required
from webapp.extensions import get_accounts, get_kb
from webapp.slugs import checked_slug

bp = Blueprint("desk", __name__)

Page = str | tuple[str, int] | BaseResponse


def get_publishing() -> Publishing:
    found = current_app.extensions.get("claimkb_publishing")
    if found is None:
        required = kb_settings.review_required(current_app.config["CLAIMKB"])
        found = current_app.extensions["claimkb_publishing"] = Publishing(get_kb(), review_required=required)
    return found


def active_editors() -> list[str]:
    return sorted(u.name for u in get_accounts().all() if not u.disabled)


def _private(response: Any) -> Any:
    """Editorial pages are never cached by a browser or proxy."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def workflow(slug: str) -> dict[str, Any]:
    """What the claim page's workflow box shows an editor: state, allowed steps, assignment."""
    publishing = get_publishing()
    kb = get_kb()
    iri = kb.iris.claim(slug)
    state = publishing.state(iri)
    item = next((i for i in publishing.desk() if i.iri == iri), None)
    requested = kb.agent(item.review_requested_by) if item and item.review_requested_by else None
    user = current_user()
    assert user is not None
    return {
        "slug": slug,
        "state": state,
        "actions": publishing.actions(state, agent=user.iri, requested_by=requested),
        "item": item,
        "editors": active_editors(),
        "review_required": publishing.review_required,
    }


def unpublished_claim(slug: str) -> Page:
    """The page of a draft, a claim in review or an unpublished claim, for a logged-in editor."""
    kb = get_kb()
    page, _state = get_publishing().editorial_claim_page(slug)
    html = render_template(
        "pages/claim.html",
        page=page,
        history=[],
        timeline_svg=timeline_svg.render(page, kb.today()),
        stances=concepts.stances(),
        independence=None,
        same_claims=_linked_claims(page.claim.same_as),
        similar=[],
        unpublished=True,
        workflow=workflow(slug),
    )
    return _private(current_app.make_response(html))


def _linked_claims(iris: list[Any]) -> list[ClaimSummary]:
    """The published claims an unpublished one is linked to (ck:sameClaimAs), as the page lists them."""
    kb = get_kb()
    found = []
    for iri in iris:
        try:
            other = kb.claim_page(str(iri).rsplit("/", 1)[-1])
        except NotFound:
            continue  # another unpublished claim, or gone
        claim = other.claim
        found.append(ClaimSummary(claim.iri, claim.slug, claim.name or claim.text, claim.text, other.status))
    return found


def _filtered(items: list[DeskItem], args: Any) -> list[DeskItem]:
    state, assignee = args.get("state") or "", args.get("assignee") or ""
    topic, language = args.get("topic") or "", (args.get("language") or "").lower()
    words = (args.get("q") or "").strip().lower()[:200]
    result = []
    for item in items:
        if state and item.state.value != state:
            continue
        if assignee and (item.assignee or "") != ("" if assignee == "-" else assignee):
            continue
        if topic and topic not in item.topics:
            continue
        if language and item.language != language:
            continue
        if words and not all(w in f"{item.title} {item.text}".lower() for w in words.split()):
            continue
        result.append(item)
    return result


@bp.route("/desk")
@login_required
def desk(error: str | None = None, status: int = 200) -> Page:
    kb = get_kb()
    items = get_publishing().desk()
    shown = _filtered(items, request.args)
    html = render_template(
        "desk/desk.html",
        items=shown,
        total=len(items),
        groups=group_desk(items, kb.today(), active_editors()),
        states=list(State),
        actions=list(ACTIONS.values()),
        editors=active_editors(),
        topics=kb.topics(),
        languages=sorted({i.language for i in items if i.language}),
        args=request.args,
        error=error,
        review_required=get_publishing().review_required,
        today=kb.today(),
    )
    return _private(current_app.make_response((html, status)))


@bp.post("/desk/change")
@login_required
def change() -> Page:
    """Change the state or the assignment of the chosen claims: one revision, or nothing on bad input."""
    check_csrf()
    user = current_user()
    assert user is not None
    slugs = [checked_slug(s) for s in request.form.getlist("claims")]
    operation = request.form.get("operation") or ""
    reason = request.form.get("reason")
    publishing = get_publishing()
    try:
        if operation == "assign":
            info = publishing.assign(
                slugs,
                assignee=request.form.get("assignee") or None,
                due=request.form.get("due") or None,
                editors=active_editors(),
                agent=user.iri,
                reason=reason,
            )
        else:
            info = publishing.transition(slugs, operation, agent=user.iri, reason=reason)
    except ValidationFailed as failure:
        fields = failure.details.get("fields", {})
        message = " ".join(m for ms in fields.values() for m in ms) or failure.message
        return desk(f"Nothing was changed: {message}", 422)
    except KBError as failure:
        return desk(failure.message, failure.status)
    done = f"{len(slugs)} claim(s) changed" if info else "Nothing changed"
    flash(f"{done} (revision {info.number})." if info else f"{done}.", "success")
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and not urlsplit(target).netloc:
        return redirect(target)
    return redirect(url_for("desk.desk"))


@bp.app_context_processor
def _desk_globals() -> dict[str, Any]:
    return {"desk_workflow": workflow if g.get("user") is not None else None}
