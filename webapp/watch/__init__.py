"""Watchlists: follow a claim, entity or topic; a personal page and a private Atom feed of what
changed there and which predictions come due; reminder settings (kept in the accounts database)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from kb.errors import KBError
from kb.read.watchlist import watch_view
from kb.watch.watchlists import KINDS, MAX_DAYS, Watchlists, check_target
from webapp.editor.auth import check_csrf, current_user, login_required
from webapp.extensions import get_accounts, get_kb
from webapp.filters import site_path

bp = Blueprint("watch", __name__)

PAGES = {"claim": "pages.claim", "entity": "pages.entity", "topic": "pages.topic"}
ATOM = "application/atom+xml"


def get_watchlists() -> Watchlists:
    found = current_app.extensions.get("claimkb_watchlists")
    if found is None:
        found = current_app.extensions["claimkb_watchlists"] = Watchlists(get_accounts())
    return found


def mail_configured() -> bool:
    return bool(current_app.config["CLAIMKB"].get("smtp_url"))


def following(kind: str, slug: str) -> bool:
    """Whether the logged-in editor follows ``kind``/``slug`` (for the Follow buttons)."""
    user = current_user()
    if user is None:
        return False
    cache = g.setdefault("claimkb_follows", {})
    if user.name not in cache:
        cache[user.name] = {(f.kind, f.slug) for f in get_watchlists().follows(user.name)}
    return (kind, slug) in cache[user.name]


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"following": following}


@bp.get("/watchlist")
@login_required
def watchlist() -> str:
    user = current_user()
    assert user is not None
    lists = get_watchlists()
    settings = lists.settings(user.name)
    view = watch_view(get_kb(), lists.follows(user.name), settings.days)
    return render_template(
        "watch/watchlist.html",
        view=view,
        settings=settings,
        mail=mail_configured(),
        feed_url=g.pop("claimkb_new_feed_url", None),
        feed_basic=g.pop("claimkb_new_feed_basic", None),
        pages=PAGES,
        max_days=MAX_DAYS,
    )


@bp.post("/watchlist/follow")
@login_required
def follow() -> BaseResponse:
    """Follow (or, with ``action=unfollow``, stop following) a claim, entity or topic."""
    check_csrf()
    user = current_user()
    assert user is not None
    kind, slug = request.form.get("kind", ""), request.form.get("slug", "")
    unfollow = request.form.get("action") == "unfollow"
    check_target(kind, slug)  # a KBError is answered by the site's error page, with its status
    if unfollow:
        get_watchlists().unfollow(user.name, kind, slug)
        flash("Removed from your watchlist.", "success")
    else:
        _require_known(kind, slug)
        get_watchlists().follow(user.name, kind, slug)
        flash("Added to your watchlist.", "success")
    return redirect(_same_site(request.form.get("next")) or url_for("watch.watchlist"))


def _require_known(kind: str, slug: str) -> None:
    kb = get_kb()
    if kind == "claim":
        kb.claim_page(slug)  # raises NotFound: a 404
    elif kind == "entity":
        kb.entity_page(slug)
    elif kind == "topic" and slug not in dict(kb.topics()):
        abort(404, f"There is no topic called “{slug}”.")


def _same_site(target: str | None) -> str | None:
    """``target`` if it is a path on this site (never another site: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.post("/watchlist/settings")
@login_required
def save_settings() -> BaseResponse | tuple[str, int]:
    check_csrf()
    user = current_user()
    assert user is not None
    days_text = (request.form.get("days") or "").strip()
    try:
        if not days_text.isdigit():
            raise KBError(f"The number of days must be a whole number from 1 to {MAX_DAYS}.", status=422)
        get_watchlists().set_settings(user.name, request.form.get("email"), int(days_text))
    except KBError as error:
        flash(error.message, "error")
        return watchlist(), error.status
    flash("Your reminder settings are saved.", "success")
    return redirect(url_for("watch.watchlist"))


@bp.post("/watchlist/feed-token")
@login_required
def new_feed_token() -> str:
    """A new secret address for the private feed, shown once; the previous one stops working."""
    check_csrf()
    user = current_user()
    assert user is not None
    if request.form.get("action") == "revoke":
        get_watchlists().revoke_feed_token(user.name)
        flash("Your private feed's address no longer works.", "success")
    else:
        token = get_watchlists().new_feed_token(user.name)
        g.claimkb_new_feed_url = url_for("watch.feed", token=token, _external=True)
        plain = url_for("watch.feed", _external=True)
        scheme, rest = plain.split("://", 1)
        g.claimkb_new_feed_basic = f"{scheme}://{user.name}:{token}@{rest}"
    response: str = watchlist()
    return response


@bp.get("/watchlist/feed.atom")
def feed() -> Response:
    """The private Atom feed: authenticated by its secret token (feed readers cannot log in)."""
    lists = get_watchlists()
    # The secret comes as ?token= (any feed reader) or as HTTP Basic's password, which keeps it
    # out of the web server's access log (the request line is logged, the header is not).
    basic = request.authorization
    token = basic.password if basic is not None and basic.type == "basic" and basic.password else None
    account = lists.account_for_feed(token or request.args.get("token", ""))
    if basic is not None and account is not None and basic.username and basic.username != account:
        account = None  # the token is someone else's
    if account is None:
        abort(404, "There is no such feed (its address may have been replaced by a new one).")
    settings = lists.settings(account)
    kb = get_kb()
    view = watch_view(kb, lists.follows(account), settings.days)
    publisher = str(current_app.config["CLAIMKB"].get("publisher_name") or "claimkb")
    home = url_for("pages.home", _external=True).rstrip("/")
    atom = FeedGenerator()
    atom.id(f"{kb.iris.base}watchlist/{account}")
    atom.title(f"{publisher}: {account}'s watchlist")
    atom.author({"name": publisher})
    atom.link(href=url_for("watch.watchlist", _external=True), rel="alternate")
    now = datetime.now(UTC)
    atom.updated(now)
    today = datetime.combine(kb.today(), time(), tzinfo=UTC)
    for due in view.due:
        assert due.claim.deadline is not None
        entry = atom.add_entry(order="append")
        entry.id(f"{due.claim.iri}#due-{due.claim.deadline.isoformat()}")
        when = (
            f"in {due.days_left} days"
            if due.days_left > 0
            else ("today" if due.days_left == 0 else f"{-due.days_left} days ago")
        )
        entry.title(f"Coming due {when}: {due.claim.name}")
        entry.updated(today)
        entry.link(href=home + url_for("pages.claim", slug=due.claim.slug), rel="alternate")
        entry.summary(f"Deadline {due.claim.deadline.isoformat()}; status: {due.claim.status.label}.")
    for change in view.changes:
        revision = change.revision
        entry = atom.add_entry(order="append")
        entry.id(str(revision.iri))
        entry.title(f"Revision {revision.number}: {revision.reason}")
        entry.updated(revision.time)
        entry.author({"name": revision.agent_name})
        link = site_path(revision.iri)
        entry.link(href=home + link if link else url_for("watch.watchlist", _external=True), rel="alternate")
        about = ", ".join(f"{f.kind} {f.label}" for f in change.about)
        entry.summary(f"{revision.reason}. On what you follow: {about}.")
    return Response(
        atom.atom_str(pretty=True),
        mimetype=ATOM,
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"},
    )


@bp.record_once
def _register(state: Any) -> None:
    from webapp.watch.schedule import start_schedule

    start_schedule(state.app)


__all__ = ["KINDS", "bp", "get_watchlists"]
