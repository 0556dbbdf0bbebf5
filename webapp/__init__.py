"""The claimkb web site: an app factory, one blueprint per area, server-rendered HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from kb import settings as kb_settings
from webapp import errors, extensions, filters


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings from the environment (see ``kb.settings``).

    Keys: ``data_dir``, ``store``, ``base_iri``, ``seed`` and the rest of ``kb.settings.SETTINGS``,
    plus any Flask setting in upper case (``TESTING``, ``WTF_CSRF_ENABLED``...).
    """
    app = Flask(__name__)
    config = dict(config or {})
    flask_config = {k: v for k, v in config.items() if k.isupper()}
    values = kb_settings.from_environment({k: v for k, v in config.items() if not k.isupper()})
    app.config["CLAIMKB"] = values
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.update(flask_config)

    extensions.init_app(app)
    errors.init_app(app)
    filters.init_app(app)

    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    _trust_proxies(app, values.get("trusted_proxies", "0"))
    return app


def _trust_proxies(app: Flask, count: str) -> None:
    """Behind ``count`` reverse proxies, the client's address and scheme are the ones they pass on:
    the login throttle and the SPARQL per-client limit count real clients, not the proxy."""
    try:
        proxies = int(count or 0)
    except ValueError:
        raise ValueError(f"CLAIMKB_TRUSTED_PROXIES must be a number, not {count!r}") from None
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def _blueprints() -> list[Any]:
    """One blueprint per area; each area adds its line here."""
    from webapp.admin import bp as admin
    from webapp.api import bp as api
    from webapp.desk import bp as desk
    from webapp.editor import bp as editor
    from webapp.interop import bp as interop
    from webapp.links import bp as links
    from webapp.media import bp as media
    from webapp.pages import bp as pages
    from webapp.records import bp as records
    from webapp.scorecard import bp as scorecard
    from webapp.search import bp as search
    from webapp.sparql import bp as sparql
    from webapp.suggest import bp as suggest
    from webapp.watch import bp as watch

    return [pages, editor, api, sparql, interop, search, scorecard, suggest, records, admin, watch, links, media, desk]
