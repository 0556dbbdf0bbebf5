"""Claims made by a photo, video or audio clip: the editor's form and the API, the MediaReview on the
claim page (read back with extruct), and uploads — served safely, stripped of their metadata, and
refused when hostile (oversized, the wrong type behind a right name, decompression bombs) with
nothing written: no revision, no triple, no file.
"""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path
from typing import Any

import extruct
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from rdflib import URIRef

from claims.vocab import CK, SCHEMA
from kb.knowledge import KnowledgeBase
from tests import images
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD, csrf_token, login
from tests.hostile import CLAIM, SOURCE, assert_unchanged, fingerprint

MAX_BYTES = 60_000  # small, so that an oversized upload is cheap to make
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(scope="module")
def media_app(make_module_app: Any, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    media_dir = tmp_path_factory.mktemp("uploads")
    app: Flask = make_module_app(media_max_bytes=str(MAX_BYTES), media_dir=str(media_dir), publisher_name="Example")
    app.extensions["claimkb_accounts"].add(EDITOR_NAME, "editor", EDITOR_PASSWORD)
    return app


@pytest.fixture(scope="module")
def token(media_app: Flask) -> str:
    return str(media_app.extensions["claimkb_accounts"].create_token(EDITOR_NAME))


@pytest.fixture(scope="module")
def editor(media_app: Flask) -> FlaskClient:
    client = media_app.test_client()
    assert login(client).status_code == 302
    return client


@pytest.fixture
def kb(media_app: Flask) -> KnowledgeBase:
    return media_app.extensions["claimkb"]  # type: ignore[no-any-return]


def _files(app: Flask) -> set[Path]:
    return {p for p in Path(app.config["CLAIMKB"]["media_dir"]).rglob("*") if p.is_file()}


def _version(client: FlaskClient, slug: str = CLAIM) -> int:
    return int(client.get(f"/api/claims/{slug}").get_json()["version"])


def _form_post(client: FlaskClient, url: str, fields: dict[str, Any], upload: tuple[bytes, str] | None) -> Any:
    page = client.get(url)
    assert page.status_code == 200
    data: dict[str, Any] = {"csrf_token": csrf_token(page.text), "action": "save", **fields}
    if upload is not None:
        data["thumbnail"] = (io.BytesIO(upload[0]), upload[1])
    return client.post(url, data=data, content_type="multipart/form-data")


def _api_add(client: FlaskClient, token: str, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/claims/{CLAIM}/media",
        json={"version": _version(client), **body},
        headers={"Authorization": f"Bearer {token}"},
    )


# --- the form, the page and its MediaReview --------------------------------------------------------------


def test_a_photo_added_by_the_form_is_on_the_claim_page_with_its_mediareview(
    media_app: Flask, editor: FlaskClient, kb: KnowledgeBase
) -> None:
    original = b"the made-up photo's own bytes"
    digest = hashlib.sha256(original).hexdigest()
    response = _form_post(
        editor,
        f"/claims/{CLAIM}/media/new",
        {
            "version": str(_version(editor)),
            "kind": "ImageObject",
            "name": "A made-up screenshot of a job listing",
            "content_url": "https://example.org/made-up/listing.png",
            "sha256": digest.upper(),  # read in lower case
            "appeared_in": SOURCE,
            "uploaded_on": "2022-10-12",
            "authenticity": "DecontextualizedContent",
            "assessment": "A *made-up* assessment for the test.",
            "reason": "Test: a photo",
        },
        (images.jpeg_with_gps(), "photo.jpg"),
    )
    assert response.status_code == 302, response.text
    page = editor.get(f"/claims/{CLAIM}")
    html = page.get_data(as_text=True)

    found = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert [d["@type"] for d in found] == ["ClaimReview", "MediaReview"]
    claim_review, review = found
    claim_iri = str(kb.iris.claim(CLAIM))
    assert review["@context"] == "https://schema.org"
    assert review["mediaAuthenticityCategory"] == "https://schema.org/DecontextualizedContent"
    assert (
        review["author"] == claim_review["author"] == {"@type": "Organization", "name": "Example", "url": kb.iris.base}
    )
    assert review["reviewBody"] == "A *made-up* assessment for the test."
    assert review["url"].startswith(claim_iri + "#media-")
    item = review["itemReviewed"]
    assert item["@type"] == "MediaReviewItem"
    (appearance,) = item["mediaItemAppearance"]
    assert appearance["@type"] == "ImageObject"
    assert appearance["contentUrl"] == "https://example.org/made-up/listing.png"
    assert appearance["sha256"] == digest
    assert appearance["uploadDate"] == "2022-10-12"
    source = kb.source_page(SOURCE).source
    assert appearance["associatedArticle"] == {
        "@type": source.kind,
        "url": source.url or str(source.iri),
        "headline": source.headline,
    }
    assert appearance["interpretedAsClaim"]["@id"] == claim_iri
    assert review["datePublished"] == kb.history(URIRef(appearance["@id"]))[0].time.date().isoformat()

    # In RDF: the claim's ck:media, and a schema:MediaReview with schema.org's enumeration IRI.
    media = URIRef(appearance["@id"])
    stored = kb.repository.describe([kb.iris.claim(CLAIM), media, URIRef(f"{media}/review")])
    assert (kb.iris.claim(CLAIM), CK.media, media) in stored
    assert (URIRef(f"{media}/review"), SCHEMA.mediaAuthenticityCategory, SCHEMA.DecontextualizedContent) in stored
    assert (URIRef(f"{media}/review"), SCHEMA.itemReviewed, media) in stored

    # The frame: re-encoded as a JPEG without its EXIF (artist, GPS), served by the site itself.
    thumbnail = appearance["thumbnailUrl"]
    assert thumbnail.startswith(kb.iris.base + "uploads/") and thumbnail.endswith(".jpg")
    served = editor.get("/" + thumbnail.removeprefix(kb.iris.base))
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served.headers["Cache-Control"] and "max-age=" in served.headers["Cache-Control"]
    body = served.get_data()
    served.close()  # the test client leaves a file response open until told
    assert hashlib.sha256(body).hexdigest() == thumbnail.rsplit("/", 1)[1].removesuffix(".jpg")
    with Image.open(io.BytesIO(body)) as stored_image:
        assert not stored_image.getexif() and "exif" not in stored_image.info
    assert b"Made-up Photographer" not in body and b"Exif" not in body
    assert f'src="/uploads/{thumbnail.rsplit("/", 1)[1]}"' in html  # the page shows the served copy

    # Its edit form shows the current frame and keeps it when no new one is sent.
    slug = str(media).rsplit("/", 1)[1]
    edit_page = editor.get(f"/media/{slug}/edit").get_data(as_text=True)
    assert f'src="/uploads/{thumbnail.rsplit("/", 1)[1]}"' in edit_page
    version = int(editor.get(f"/api/media/{slug}").get_json()["version"])
    fields = {"version": str(version), "kind": "ImageObject", "name": "A made-up screenshot, renamed"}
    renamed = _form_post(editor, f"/media/{slug}/edit", {**fields, "authenticity": "DecontextualizedContent"}, None)
    assert renamed.status_code == 302, renamed.text
    assert editor.get(f"/api/media/{slug}").get_json()["thumbnail"] == thumbnail.rsplit("/", 1)[1]

    # The media object's own IRI answers as linked data.
    assert editor.get("/" + str(media).removeprefix(kb.iris.base) + ".ttl").status_code == 200


def test_an_uploaded_png_keeps_no_xmp_or_text_chunk(media_app: Flask) -> None:
    from webapp.media import get_uploads

    with media_app.app_context():
        clean = get_uploads().clean(images.png_with_xmp())
    assert clean.name.endswith(".png")
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.info.keys() <= {"dpi", "gamma"} and image.mode == "RGBA"
    assert b"made-up" not in clean.data and b"iTXt" not in clean.data and b"tEXt" not in clean.data


def test_the_uploads_route_serves_only_names_it_made(editor: FlaskClient) -> None:
    for name in ("../kb.json", "x.svg", "a" * 64 + ".html", "A" * 64 + ".png", "a" * 64 + ".png"):
        assert editor.get(f"/uploads/{name}").status_code == 404, name


# --- hostile uploads -----------------------------------------------------------------------------------


HOSTILE = {
    "oversized": (images.noisy_png(200), "big.png", 413, "at most 60,000 bytes"),
    "svg behind .png": (SVG, "innocent.png", 415, "not a JPEG, PNG, GIF or WebP"),
    "tiff behind .jpg": (images.tiff(), "photo.jpg", 415, "not a JPEG, PNG, GIF or WebP"),
    "bomb past Pillow's limit": (images.forged_png(30_000, 30_000), "bomb.png", 413, "decompression bomb"),
    "bomb past ours": (images.forged_png(6_000, 6_000), "bomb.png", 413, "too many pixels (6,000 × 6,000)"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_uploads_through_the_api_are_refused_and_write_nothing(
    media_app: Flask, token: str, kb: KnowledgeBase, case: str
) -> None:
    data, _name, status, words = HOSTILE[case]
    client = media_app.test_client()
    before, files = fingerprint(kb), _files(media_app)
    body = {"kind": "ImageObject", "name": "Hostile", "thumbnail": base64.b64encode(data).decode()}
    response = _api_add(client, token, body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["status"] == status and words in error["message"]
    assert error["details"]["fields"]["thumbnail"] == [error["message"]]
    assert_unchanged(kb, before, case)
    assert _files(media_app) == files


@pytest.mark.parametrize("case", ["svg behind .png", "bomb past Pillow's limit", "oversized"])
def test_hostile_uploads_through_the_form_are_refused_by_their_field(
    media_app: Flask, editor: FlaskClient, kb: KnowledgeBase, case: str
) -> None:
    data, name, status, words = HOSTILE[case]
    before, files = fingerprint(kb), _files(media_app)
    fields = {"version": str(_version(editor)), "kind": "ImageObject", "name": "Hostile", "reason": "Test"}
    response = _form_post(editor, f"/claims/{CLAIM}/media/new", fields, (data, name))
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert 'id="thumbnail-error"' in text and words in text and "Nothing was saved" in text
    assert ">Hostile</textarea>" in text  # what was typed is kept
    assert_unchanged(kb, before, case)
    assert _files(media_app) == files


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(media_app: Flask, token: str) -> None:
    client = media_app.test_client()
    response = client.post(
        f"/api/claims/{CLAIM}/media",
        data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413


# --- the API -------------------------------------------------------------------------------------------


@pytest.mark.store
def test_the_api_adds_reads_and_edits_a_video_and_its_assessment(make_app: Any, tmp_path: Path) -> None:
    app = make_app(media_dir=str(tmp_path / "shared-uploads"))
    accounts = app.extensions["claimkb_accounts"]
    accounts.add(EDITOR_NAME, "editor", EDITOR_PASSWORD)
    token = accounts.create_token(EDITOR_NAME)
    auth = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    kb: KnowledgeBase = app.extensions["claimkb"]

    refused = _api_add(client, token, {"kind": "Hologram", "name": "", "sha256": "abc", "assessment": "Why"})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["details"]["fields"]) == {"kind", "name", "sha256", "authenticity"}

    created = _api_add(
        client,
        token,
        {
            "kind": "VideoObject",
            "name": "A made-up clip",
            "content_url": "https://example.org/made-up/clip.mp4",
            "authenticity": "EditedOrCroppedContent",
            "thumbnail": base64.b64encode(images.png()).decode(),
            "reason": "Test: a clip",
        },
    )
    assert created.status_code == 201, created.text
    media = created.get_json()
    assert media["kind"] == "VideoObject" and media["claim"] == CLAIM and media["revision"]
    assert media["thumbnail"].endswith(".png")
    assert (tmp_path / "shared-uploads" / media["thumbnail"][:2] / media["thumbnail"]).is_file()
    assert client.get(f"/api/media/{media['slug']}").get_json()["authenticity"] == "EditedOrCroppedContent"

    # Taking the assessment back removes the MediaReview node; the frame stays when none is sent.
    before = fingerprint(kb)
    edited = client.put(
        f"/api/media/{media['slug']}",
        json={"kind": "VideoObject", "name": "A made-up clip", "version": media["version"], "reason": "Unsure"},
        headers=auth,
    )
    assert edited.status_code == 200, edited.text
    assert edited.get_json()["revision"] == before.revisions + 1
    answer = client.get(f"/api/media/{media['slug']}").get_json()
    assert answer["authenticity"] == "" and answer["thumbnail"] == media["thumbnail"]
    review = URIRef(f"{kb.iris.media(media['slug'])}/review")
    assert not kb.repository.describe([review])
    html = client.get(f"/claims/{CLAIM}").get_data(as_text=True)
    assert [d["@type"] for d in extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]] == [
        "ClaimReview"
    ]
    assert "not assessed yet" in html
    assert f'id="media-{media["slug"]}"' in html

    # Withdrawn: off the page (and its markup), kept in the store and its history.
    withdrawn = client.post(
        f"/api/media/{media['slug']}/retract",
        json={"version": answer["version"], "reason": "Wrong clip"},
        headers=auth,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert client.get(f"/api/media/{media['slug']}").get_json()["retracted"] is True
    assert f'id="media-{media["slug"]}"' not in client.get(f"/claims/{CLAIM}").get_data(as_text=True)

    stale = client.put(
        f"/api/media/{media['slug']}",
        json={"kind": "AudioObject", "name": "x", "version": media["version"]},
        headers=auth,
    )
    assert stale.status_code == 409
