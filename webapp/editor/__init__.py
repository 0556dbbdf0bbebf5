"""Editor pages: log in, add and change claims, sources, evidence and entities, history and revert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from kb.errors import ConflictError, KBError, LikelyMatches, NotFound, ValidationFailed
from kb.language import detect_or_default
from kb.read.matching import Matcher
from kb.write import fields
from kb.write.editing import Editor
from kb.write.fields import LIST_FIELDS, Ref, specs
from webapp.editor.auth import (
    check_csrf,
    current_user,
    get_accounts,
    init_auth,
    load_user,
    log_in,
    log_out,
    login_required,
    throttles,
)
from webapp.extensions import get_kb, get_names, get_search
from webapp.markdown_render import render_markdown
from webapp.slugs import checked_slug as _slug

bp = Blueprint("editor", __name__)

Page = str | tuple[str, int] | BaseResponse

# The forms' fields that name an entity or a source (their pickers), by the kind they name.
REFERENCE_FIELDS: dict[str, str] = {
    name: spec.kind
    for model in (fields.ClaimEdit, fields.SourceInput, fields.EventInput, fields.AcceptInput)
    for name, spec, _required in specs(model)
    if isinstance(spec, Ref)
}


@bp.record_once
def _setup(state: Any) -> None:
    init_auth(state.app)


@bp.before_app_request
def _load_user() -> None:
    load_user()


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    from flask_wtf.csrf import generate_csrf

    return {"current_user": g.get("user"), "csrf_token": generate_csrf}


def get_editor() -> Editor:
    editor = current_app.extensions.get("claimkb_editor")
    if editor is None:
        editor = Editor(get_kb(), Matcher(get_search()), get_names())
        current_app.extensions["claimkb_editor"] = editor
    return editor


def form_data() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in request.form:
        if key == "csrf_token":
            continue
        data[key] = request.form.getlist(key) if key in LIST_FIELDS else request.form.get(key)
    return data


def _agent() -> Any:
    user = current_user()
    assert user is not None
    return user.iri


# --- logging in -----------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never redirect a logged-in editor elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    error = None
    name = ""
    if request.method == "POST":
        check_csrf()
        name = (request.form.get("name") or "").strip().lower()[:40]
        password = request.form.get("password") or ""
        keys = {"account": name, "address": request.remote_addr or "unknown"}
        wait = max(throttles()[kind].retry_after(key) for kind, key in keys.items())
        if wait:
            minutes = max(1, round(wait / 60))
            error = f"Too many failed logins. Please wait about {minutes} minute(s) and try again."
            response = Response(
                render_template("editor/login.html", error=error, name=name, next=request.form.get("next")),
                status=429,
            )
            response.headers["Retry-After"] = str(wait)
            return response
        user = get_accounts().authenticate(name, password)
        if user is None:
            for kind, key in keys.items():
                throttles()[kind].fail(key)
            error = "That name and password do not match an active account."
            return render_template("editor/login.html", error=error, name=name, next=request.form.get("next")), 401
        throttles()["account"].reset(name)
        log_in(user)
        flash(f"Welcome, {user.name}. You are logged in.", "success")
        return redirect(_safe_next(request.form.get("next")))
    return render_template("editor/login.html", error=error, name=name, next=request.args.get("next"))


@bp.post("/logout")
def logout() -> BaseResponse:
    check_csrf()
    log_out()
    flash("You are logged out.", "success")
    return redirect(url_for("pages.home"))


# --- the form pattern -------------------------------------------------------------------------------


def _form(
    template: str,
    values: dict[str, Any],
    submit: Callable[[dict[str, Any]], tuple[str, str]],
    **context: Any,
) -> Page:
    """Show the form; on POST save it, or show it again with each message by its field.

    ``submit`` returns (flash message, where to go). A preview re-shows the form with the
    rendered note and the submitted values, writing nothing.
    """
    errors: dict[str, list[str]] = {}
    candidates: dict[str, list[dict[str, str]]] = {}
    conflict = None
    matches: list[dict[str, Any]] = []
    preview = None
    status = 200
    if request.method == "POST":
        check_csrf()
        data = form_data()
        values = {**values, **data}
        if request.form.get("action") == "preview":
            preview = render_markdown(str(data.get("note") or ""))
        else:
            try:
                message, target = submit(data)
            except ValidationFailed as error:
                errors = error.details.get("fields", {"__all__": [error.message]})
                candidates = error.details.get("candidates", {})
                status = 422
            except LikelyMatches as error:
                # Not an error: the step before saving a claim that may be recorded already.
                matches = error.details["matches"]
                if not values.get("language") and values.get("text"):
                    values["language"] = detect_or_default(str(values["text"]))
            except ConflictError as error:
                conflict = error
                status = 409
            except KBError as error:  # a refused upload (413, 415) names its field too
                errors = error.details.get("fields") or {"__all__": [error.message]}
                status = error.status
            else:
                flash(message, "success")
                return redirect(target)
    return render_template(
        template,
        values=values,
        errors=errors,
        conflict=conflict,
        matches=matches,
        preview=preview,
        choices=get_editor().choices(),
        picked=picked_references(values),
        candidates=candidates,
        **context,
    ), status


def picked_references(values: dict[str, Any], references: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """What each reference field's value names now (shown beside it), by field and value."""
    editor = get_editor()
    picked: dict[str, dict[str, Any]] = {}
    for name, kind in (REFERENCE_FIELDS if references is None else references).items():
        value = values.get(name)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and text.strip():
                hit = editor.picked(kind, text)
                if hit is not None:
                    picked.setdefault(name, {})[text] = hit
    return picked


def _saved(info: Any, what: str) -> str:
    return f"{what} (revision {info.number})." if info else "Nothing changed: the form matched what is stored."


# The form pattern, for the other blueprints whose editor pages follow it (``webapp.media``).
form_page, saved_message, editing_agent = _form, _saved, _agent


# --- claims ---------------------------------------------------------------------------------------


@bp.route("/claims/new", methods=["GET", "POST"])
@login_required
def new_claim() -> Page:
    def submit(data: dict[str, Any]) -> tuple[str, str]:
        # A newsroom's new claim is a draft: editors see it, the public does not until it is published.
        iri, info = get_editor().create_claim(data, agent=_agent(), as_draft=True)
        slug = iri.rsplit("/", 1)[1]
        return _saved(info, "Claim added as a draft; send it for review when it is ready"), url_for(
            "pages.claim", slug=slug
        )

    values = {"claim_type": "statement", "about": [], "topics": []}
    return _form("editor/claim_form.html", values, submit, creating=True)


@bp.route("/claims/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_claim(slug: str) -> Page:
    values = get_editor().claim_values(_slug(slug))

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        info = get_editor().edit_claim(slug, data, agent=_agent())
        return _saved(info, "Claim saved"), url_for("pages.claim", slug=slug)

    return _form("editor/claim_form.html", values, submit, creating=False, slug=slug)


@bp.post("/claims/<slug>/same-as")
@login_required
def same_claim(slug: str) -> Page:
    """Link the claim to another as the same claim made elsewhere, or unlink them (a revision)."""
    check_csrf()
    data = form_data()
    try:
        info = get_editor().link_same(_slug(slug), data, agent=_agent())
    except (ValidationFailed, ConflictError) as error:
        message = " ".join(m for ms in error.details.get("fields", {}).values() for m in ms) or error.message
        flash(f"Not changed: {message}", "error")
        return redirect(url_for("pages.claim", slug=slug))
    done = "Unlinked" if data.get("unlink") else "Linked as the same claim"
    flash(_saved(info, done), "success")
    return redirect(url_for("pages.claim", slug=slug))


@bp.post("/<any(claims, sources, events, entities, media):kind>/<slug>/retract")
@login_required
def retract(kind: str, slug: str) -> Page:
    check_csrf()
    editor = get_editor()
    try:
        info = editor.retract(kind, _slug(slug), form_data(), agent=_agent())
    except (ValidationFailed, ConflictError) as error:
        message = " ".join(m for ms in error.details.get("fields", {}).values() for m in ms) or error.message
        flash(f"Not withdrawn: {message}", "error")
    else:
        flash(_saved(info, "Withdrawn; it stays in the history"), "success")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("pages.home"))


def _same_site(url: str | None) -> bool:
    return bool(url) and urlsplit(url).netloc == request.host


# --- sources --------------------------------------------------------------------------------------


@bp.route("/claims/<slug>/sources/new", methods=["GET", "POST"])
@login_required
def new_source(slug: str) -> Page:
    claim = get_editor().claim_values(_slug(slug))

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        _iri, info = get_editor().add_source(data, agent=_agent(), claim_slug=slug)
        return _saved(info, "Source added"), url_for("pages.claim", slug=slug)

    values = {"version": claim["version"], "kind": "NewsArticle"}
    return _form("editor/source_form.html", values, submit, claim=claim, creating=True)


@bp.route("/sources/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_source(slug: str) -> Page:
    values = get_editor().source_values(_slug(slug))

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        info = get_editor().edit_source(slug, data, agent=_agent())
        return _saved(info, "Source saved"), url_for("pages.source", slug=slug)

    return _form("editor/source_form.html", values, submit, claim=None, creating=False, slug=slug)


# --- evidence -------------------------------------------------------------------------------------


@bp.route("/claims/<slug>/evidence/new", methods=["GET", "POST"])
@login_required
def new_event(slug: str) -> Page:
    claim = get_editor().claim_values(_slug(slug))

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        _iri, info = get_editor().add_event(slug, data, agent=_agent())
        return _saved(info, "Evidence added"), url_for("pages.claim", slug=slug)

    values = {"version": claim["version"], "precision": "day"}
    return _form("editor/event_form.html", values, submit, claim=claim, creating=True)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_event(slug: str) -> Page:
    editor = get_editor()
    values = editor.event_values(_slug(slug))
    claim = editor.claim_values(values["claim"]) if values["claim"] else None

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        info = get_editor().edit_event(slug, data, agent=_agent())
        target = url_for("pages.claim", slug=claim["slug"]) if claim else url_for("pages.home")
        return _saved(info, "Evidence saved"), target

    return _form("editor/event_form.html", values, submit, claim=claim, creating=False, slug=slug)


# --- entities -------------------------------------------------------------------------------------


@bp.route("/entities/new", methods=["GET", "POST"])
@login_required
def new_entity() -> Page:
    def submit(data: dict[str, Any]) -> tuple[str, str]:
        iri, info = get_editor().create_entity(data, agent=_agent())
        return _saved(info, "Added"), url_for("pages.entity", slug=iri.rsplit("/", 1)[1])

    return _form("editor/entity_form.html", {"kind": "Organization"}, submit, creating=True)


@bp.route("/entities/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_entity(slug: str) -> Page:
    values = get_editor().entity_values(_slug(slug))

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        info = get_editor().edit_entity(slug, data, agent=_agent())
        return _saved(info, "Saved"), url_for("pages.entity", slug=slug)

    return _form("editor/entity_form.html", values, submit, creating=False, slug=slug)


# --- Markdown preview (also reached by the progressive-enhancement script) --------------------------


@bp.post("/editor/preview")
@login_required
def preview() -> Page:
    check_csrf()
    text = request.form.get("note") or ""
    if len(text) > 20_000:
        return render_template("editor/_preview.html", preview=None, error="The note is over 20,000 characters."), 422
    return render_template("editor/_preview.html", preview=render_markdown(text), error=None)


# --- history ----------------------------------------------------------------------------------------


@bp.get("/claims/<slug>/history")
def claim_history(slug: str) -> Page:
    try:
        page = get_kb().claim_page(_slug(slug))
    except NotFound:
        if current_user() is None:
            raise  # the public never learns that an unpublished claim exists
        # A draft, in review or unpublished: its record is in the private log, for editors only.
        from webapp.desk import _private, get_publishing

        page, _state = get_publishing().editorial_claim_page(_slug(slug))
        revisions = get_editor().history.claim_history(slug, editorial=True)
        return _private(
            current_app.make_response(render_template("editor/history.html", page=page, revisions=revisions))
        )
    return render_template("editor/history.html", page=page, revisions=get_editor().history.claim_history(slug))


@bp.get("/changes")
def recent_changes() -> str:
    kb = get_kb()
    editor = get_editor()
    revisions = [editor.history.revision_diff(r.number, limit=60) for r in kb.recent_changes(20)]
    return render_template("editor/changes.html", revisions=revisions)


@bp.get("/revisions/<int:number>")
def revision(number: int) -> str:
    return render_template("editor/revision.html", rev=get_editor().history.revision_diff(number))


@bp.post("/revisions/<int:number>/revert")
@login_required
def revert(number: int) -> Page:
    check_csrf()
    try:
        info = get_editor().revert(number, form_data(), agent=_agent())
    except ValidationFailed as error:
        flash("Not reverted: " + " ".join(m for ms in error.details.get("fields", {}).values() for m in ms), "error")
        return redirect(url_for("editor.revision", number=number))
    except KBError as error:
        if error.status == 404:
            raise
        flash(f"Not reverted: {error.message}", "error")
        return render_template("editor/revision.html", rev=get_editor().history.revision_diff(number)), error.status
    flash(f"Reverted revision {number} as revision {info.number}.", "success")
    return redirect(url_for("editor.revision", number=info.number))
