"""Account administration in the browser: add, disable and enable editors, change roles, one-time
password links and token revocation (admins only), the audit log, and the page on which an editor
sets a password from a link.

Every form carries a CSRF token; every change is recorded in the accounts database's audit log with
the admin who made it. A new editor gets no password from the admin: the admin hands over a one-time
link (valid 48 hours, used once) with which the editor chooses one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from kb.accounts import LINK_LIFETIME, Role
from kb.errors import KBError
from webapp.editor.auth import admin_required, check_csrf, current_user
from webapp.extensions import get_accounts

bp = Blueprint("admin", __name__)


def _actor() -> str:
    user = current_user()
    assert user is not None
    return user.name


def _users_page(status: int = 200, **context: Any) -> tuple[str, int]:
    accounts = get_accounts()
    tokens: dict[str, int] = {}
    for info in accounts.tokens():
        if info.revoked_at is None:
            tokens[info.account] = tokens.get(info.account, 0) + 1
    page = render_template(
        "admin/users.html", users=accounts.all(), tokens=tokens, roles=[r.value for r in Role], **context
    )
    return page, status


def _link_page(name: str, secret: str, what: str) -> Response:
    """The one-time link, shown once in this answer (never in a flash message, which travels in the cookie)."""
    link = url_for("admin.set_password", secret=secret, _external=True)
    response = Response(
        render_template("admin/link.html", name=name, link=link, what=what, hours=int(LINK_LIFETIME / 3600))
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/users", methods=["GET", "POST"])
@admin_required
def users() -> Any:
    if request.method == "GET":
        return _users_page()
    check_csrf()
    name = (request.form.get("name") or "").strip().lower()
    role = request.form.get("role") or Role.EDITOR.value
    accounts = get_accounts()
    try:
        accounts.add(name, role, None, actor=_actor())
        secret = accounts.password_link(name, actor=_actor())
    except KBError as error:
        return _users_page(error.status if error.status != 404 else 422, error=error.message, name=name)
    return _link_page(name, secret, "added")


@bp.post("/admin/users/<name>/<action>")
@admin_required
def change(name: str, action: str) -> Any:
    check_csrf()
    accounts = get_accounts()
    actor = _actor()
    try:
        if action == "disable":
            if name == actor:
                raise KBError("You cannot disable your own account.", status=409)
            accounts.set_disabled(name, True, actor=actor)
            flash(f"{name} is disabled: they can no longer log in or use their tokens.", "success")
        elif action == "enable":
            accounts.set_disabled(name, False, actor=actor)
            flash(f"{name} is enabled again.", "success")
        elif action == "role":
            user = accounts.set_role(name, request.form.get("role") or "", actor=actor)
            flash(f"{name} is now {user.role}.", "success")
        elif action == "password-link":
            return _link_page(name, accounts.password_link(name, actor=actor), "reset")
        elif action == "revoke-tokens":
            count = accounts.revoke_tokens(name, actor=actor)
            flash(f"Revoked {count} token(s) of {name}.", "success")
        else:
            abort(404, "There is no such account action.")
    except KBError as error:
        return _users_page(error.status, error=error.message)
    return redirect(url_for("admin.users"))


@bp.get("/admin/audit")
@admin_required
def audit() -> str:
    return render_template("admin/audit.html", entries=get_accounts().audit_log(500))


@bp.route("/account/password/<secret>", methods=["GET", "POST"])
def set_password(secret: str) -> Any:
    """An editor chooses a password from a one-time link (new account, or a reset by an admin)."""
    accounts = get_accounts()
    user = accounts.link_user(secret)
    error = None
    status = 200
    if user is None:
        error = "This password link has expired or was already used; ask an administrator for a new one."
        status = 410
    elif request.method == "POST":
        check_csrf()
        password = request.form.get("password") or ""
        if password != (request.form.get("confirm") or ""):
            error, status = "The two passwords differ.", 422
        else:
            try:
                accounts.set_password_from_link(secret, password)
            except KBError as problem:
                error, status = problem.message, problem.status if problem.status != 400 else 422
            else:
                flash("Your password is set. Log in with it now.", "success")
                return redirect(url_for("editor.login"))
    response = Response(render_template("admin/password.html", user=user, error=error), status=status)
    # The secret is in this page's address: never send it on to another site, never keep the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def _is_admin() -> dict[str, Any]:
    user = g.get("user")
    return {"current_user_is_admin": bool(user and user.is_admin)}


@bp.get("/health")
def health() -> tuple[dict[str, Any], int]:
    """For load balancers and monitoring: 200 when the store and the accounts database answer, else 503.

    Says the store's latest revision and this host's search index's, so index lag shows (a host
    whose index stays behind the others is the one to look at). No secret, nothing but counts."""
    from kb.errors import StoreUnavailable
    from webapp.extensions import get_kb, get_search

    report: dict[str, Any] = {"store": "ok", "accounts": "ok"}
    status = 200
    try:
        revision = get_kb().repository.revision_count()
        report["revision"] = revision
        indexed = get_search().index.last_revision
        report["search_revision"] = indexed
        report["search_lag"] = max(0, revision - indexed)
    except (StoreUnavailable, OSError) as error:
        report["store"] = f"unavailable: {getattr(error, 'message', error)}"
        status = 503
    try:
        get_accounts().get("health-check")
    except KBError as error:
        report["accounts"] = f"unavailable: {error.message}"
        status = 503
    report["status"] = "ok" if status == 200 else "unavailable"
    return report, status


@bp.app_template_filter("utc_time")
def _utc_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")
