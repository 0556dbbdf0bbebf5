"""Photos, videos and audio clips that make claims: the editor's forms and the uploaded frames the site serves.

Uploads are checked and re-encoded in ``kb.write.uploads``; here a form's file field is read (never
more than one byte over the limit) and the stored files are served with a type of our choosing,
``nosniff`` and a long cache (a file's name is the hash of its content, so it never changes).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, request, send_file, url_for

from claims.media import AUTHENTICITY, MEDIA_KINDS
from kb.read.matching import Matcher
from kb.write.media import MediaEditor
from kb.write.uploads import MEDIA_TYPES, Uploads
from webapp.editor import Page, editing_agent, form_page, saved_message
from webapp.editor.auth import login_required
from webapp.extensions import get_kb, get_search
from webapp.slugs import checked_slug

bp = Blueprint("media", __name__)

_EDITOR_KEY = "claimkb_media_editor"
YEAR = 365 * 24 * 3600


def get_uploads() -> Uploads:
    return get_media_editor().uploads


def get_media_editor() -> MediaEditor:
    editor = current_app.extensions.get(_EDITOR_KEY)
    if editor is None:
        uploads = Uploads.from_settings(current_app.config["CLAIMKB"])
        editor = current_app.extensions[_EDITOR_KEY] = MediaEditor(get_kb(), uploads, Matcher(get_search()))
    return editor


@bp.record_once
def _check_settings(state: Any) -> None:
    # A bad limit is a clear error at start, not on the first upload.
    Uploads.from_settings(state.app.config["CLAIMKB"])


@bp.get("/uploads/<name>")
def upload(name: str) -> Response:
    """An uploaded frame or thumbnail: only names we make, only as the image type we stored."""
    path = get_uploads().path(name)
    if path is None or not path.is_file():
        abort(404, "There is no uploaded file by that name.")
    response = send_file(path, mimetype=MEDIA_TYPES[name.rsplit(".", 1)[1]], conditional=True, etag=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _with_upload(data: dict[str, Any]) -> dict[str, Any]:
    """The form's values with the uploaded file's bytes (read up to one byte past the limit)."""
    file = request.files.get("thumbnail")
    if file is not None and file.filename:
        data["thumbnail"] = file.stream.read(get_uploads().max_bytes + 1)
    return data


def _choices() -> dict[str, Any]:
    return {
        "media_kinds": list(MEDIA_KINDS.items()),
        "authenticity": [(key, a.label) for key, a in AUTHENTICITY.items()],
        "definitions": AUTHENTICITY,
    }


@bp.route("/claims/<slug>/media/new", methods=["GET", "POST"])
@login_required
def new_media(slug: str) -> Page:
    editor = get_media_editor()
    claim = editor.claim_values(checked_slug(slug))

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        _iri, info = get_media_editor().add_media(slug, _with_upload(data), agent=editing_agent())
        return saved_message(info, "Added"), url_for("pages.claim", slug=slug)

    values = {"version": claim["version"], "kind": "ImageObject"}
    return form_page("media/media_form.html", values, submit, claim=claim, creating=True, media=_choices())


@bp.route("/media/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_media(slug: str) -> Page:
    editor = get_media_editor()
    values = editor.media_values(checked_slug(slug))
    claim = editor.claim_values(values["claim"]) if values["claim"] else None

    def submit(data: dict[str, Any]) -> tuple[str, str]:
        info = get_media_editor().edit_media(slug, _with_upload(data), agent=editing_agent())
        target = url_for("pages.claim", slug=claim["slug"]) if claim else url_for("pages.home")
        return saved_message(info, "Saved"), target

    return form_page("media/media_form.html", values, submit, claim=claim, creating=False, slug=slug, media=_choices())
