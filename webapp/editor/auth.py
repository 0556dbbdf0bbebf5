"""Logging editors in and out: sessions, CSRF checks, and slowing down repeated failed logins."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Request, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from kb.accounts import Accounts, User
from webapp.extensions import get_kb


def get_accounts() -> Accounts:
    accounts = current_app.extensions.get("claimkb_accounts")
    if accounts is None:
        accounts = current_app.extensions["claimkb_accounts"] = get_kb().accounts()
    return accounts


class LoginThrottle:
    """Counts failed logins per key (an account, an address) in a sliding window.

    After ``limit`` failures within ``window`` seconds the key is refused until the oldest failure
    ages out, so guessing passwords costs an attacker time without locking anyone out for long.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        with self._lock:
            failures = self._recent(key)
            if len(failures) < self.limit:
                return 0
            return max(1, int(failures[0] + self.window - self.clock()) + 1)

    def fail(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures


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
    app.extensions["claimkb_login_throttle"] = {
        "account": LoginThrottle(limit=5, window=15 * 60),
        "address": LoginThrottle(limit=30, window=15 * 60),
    }


def throttles() -> dict[str, LoginThrottle]:
    return current_app.extensions["claimkb_login_throttle"]


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
