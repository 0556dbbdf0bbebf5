"""Logging editors in and out: sessions, CSRF checks, and slowing down repeated failed logins."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Request, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from kb.accounts import LoginThrottle, User
from webapp.extensions import get_accounts


class ClaimkbSessionInterface(SecureCookieSessionInterface):
    """Session cookies carry Secure whenever the request came over HTTPS (or the app says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or _request_is_secure(request)


def _request_is_secure(req: Request) -> bool:
    try:
        return req.is_secure
    except RuntimeError:
        return False


def init_auth(app: Flask) -> None:
    app.session_interface = ClaimkbSessionInterface()
    if app.config["CLAIMKB"].get("secure_cookies") in ("1", "true", "yes"):
        app.config["SESSION_COOKIE_SECURE"] = True


def throttles() -> dict[str, LoginThrottle]:
    """Failed logins per account and per address, counted in the accounts database so that every
    worker and host of the site shares one count."""
    found = current_app.extensions.get("claimkb_login_throttle")
    if found is None:
        accounts = get_accounts()
        found = current_app.extensions["claimkb_login_throttle"] = {
            "account": LoginThrottle(accounts, "account", limit=5, window=15 * 60),
            "address": LoginThrottle(accounts, "address", limit=30, window=15 * 60),
        }
    return found


def load_user() -> None:
    """Put the logged-in editor (or None) in ``g.user``; a disabled account is logged out."""
    g.user = None
    name = session.get("user")
    if name:
        user = get_accounts().get(name)
        if user is None or user.disabled or session.get("since", 0) < user.sessions_from:
            session.clear()
        else:
            g.user = user


def current_user() -> User | None:
    return g.get("user")


def log_in(user: User) -> None:
    session.clear()  # a fresh session on login: no fixation
    session["user"] = user.name
    session["since"] = time.time_ns()


def log_out() -> None:
    user = current_user()
    if user is not None:
        get_accounts().end_sessions(user.name)  # a copy of this session's cookie no longer logs anyone in
    session.clear()


def check_csrf() -> None:
    """Every editor form POST carries the CSRF token of this session."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(
            "The form has expired or did not come from this site (missing or wrong CSRF token). "
            "Reload the page and try again."
        ) from error


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            if request.method == "GET":
                return redirect(url_for("editor.login", next=request.full_path.rstrip("?")))
            abort(403, "Only logged-in editors can change the knowledge base.")
        return view(*args, **kwargs)

    return wrapped


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only an active admin; others logged in get 403, visitors the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            if request.method == "GET":
                return redirect(url_for("editor.login", next=request.full_path.rstrip("?")))
            abort(403, "Only administrators can manage accounts.")
        if not user.is_admin:
            abort(403, "Only administrators can manage accounts.")
        return view(*args, **kwargs)

    return wrapped
