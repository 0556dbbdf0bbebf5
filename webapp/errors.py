"""One handler for every error: an HTML page for people, JSON for clients that asked for it."""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from kb.errors import KBError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, title: str, message: str, details: dict | None = None) -> tuple[Response | str, int]:
    if wants_json():
        body = {"error": {"status": status, "title": title, "message": message, "details": details or {}}}
        return Response(_json(body), status=status, mimetype="application/json"), status
    return render_template("error.html", status=status, title=title, message=message), status


def _json(body: dict) -> bytes:
    import json

    # A message may quote what was sent, lone surrogates included: those go out as JSON's own
    # "\\udXXX" escapes (what backslashreplace writes), never as bytes UTF-8 cannot hold.
    return json.dumps(body, ensure_ascii=False, default=str).encode("utf-8", "backslashreplace")


def init_app(app: Flask) -> None:
    @app.errorhandler(KBError)
    def handle_kb_error(error: KBError):
        return error_response(error.status, error.title, error.message, error.details)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        message = error.description or error.name
        if status == 404 and message.startswith("The requested URL was not found"):
            message = "There is no page at this address. Try the search, or the list of claims."
        response = make_response(*error_response(status, error.name.capitalize(), message))
        if status == 405 and error.get_response().headers.get("Allow"):
            response.headers["Allow"] = error.get_response().headers["Allow"]
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        return error_response(500, "Server error", "Something went wrong on our side; it has been logged.")
