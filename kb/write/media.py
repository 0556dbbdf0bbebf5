"""Editing a claim's photos, videos and audio clips, with their assessment and an uploaded frame.

The same pattern as the other editing operations (``kb.write.editing``): the submitted values are
read by their declaration (``fields.MediaInput`` / ``MediaEdit``), a ``claims.model.MediaObject``
is built and the write pipeline checks and writes it as one revision. An uploaded frame or
thumbnail is checked and re-encoded (``kb.write.uploads``) before anything else happens, and
stored only once the change has passed every check: a refused upload writes no file and no
triple; a change that fails later leaves at most an unreferenced file named by its hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from claims.model import Claim, MediaObject
from claims.vocab import SCHEMA
from kb import queries
from kb.knowledge import KnowledgeBase
from kb.read.history import shorten
from kb.write import fields
from kb.write.editing import MEDIA_TYPES, Editor
from kb.write.fields import MEDIA_FIELDS, Submitted
from kb.write.pipeline import Draft
from kb.write.repository import RevisionInfo
from kb.write.submitted import MAX_REASON, stem
from kb.write.uploads import CleanImage, Uploads

if TYPE_CHECKING:
    from kb.read.matching import Matcher

WHAT = "photo, video or audio clip"


class MediaEditor(Editor):
    """The editing operations on media objects, with the directory their uploads go to."""

    def __init__(self, kb: KnowledgeBase, uploads: Uploads, matcher: Matcher | None = None) -> None:
        super().__init__(kb, matcher)
        self.uploads = uploads

    def _media_graph(self, iri: URIRef) -> Graph:
        """The media object's description with its review's (a part of it)."""
        graph = self._require(iri, *MEDIA_TYPES, what=WHAT)
        return graph + self.repo.describe([URIRef(f"{iri}/review")])

    def claims_of_media(self, iri: URIRef) -> list[URIRef]:
        rows = self.store.select(queries.CLAIMS_OF_MEDIA, {"media": iri})
        return sorted(URIRef(str(row["claim"])) for row in rows if isinstance(row["claim"], URIRef))

    def media_values(self, slug: str) -> dict[str, Any]:
        """The media object's current values, by form field, with its version and claim."""
        iri = self.iris.media(slug)
        media = MediaObject.from_graph(self._media_graph(iri), iri)
        claims = self.claims_of_media(iri)
        return {
            "slug": media.slug,
            "claim": self.slug_of(claims[0]) if claims else "",
            "kind": media.kind,
            "name": media.name,
            "content_url": media.content_url or "",
            "sha256": media.sha256 or "",
            "appeared_in": self.slug_of(media.appeared_in) if media.appeared_in else "",
            "uploaded_on": media.uploaded_on.isoformat() if media.uploaded_on else "",
            "thumbnail": media.thumbnail_name or "",
            "thumbnail_url": str(media.thumbnail) if media.thumbnail else None,
            "authenticity": media.authenticity or "",
            "assessment": media.assessment or "",
            "retracted": media.retracted,
            "version": self.version_of(iri),
        }

    def _media_fields(self, f: Submitted, media: MediaObject) -> CleanImage | None:
        """Set the media object's fields from the submitted values; the re-encoded upload, if one came.

        Problems with the fields are a 422 by field; an upload that may not be stored is refused
        after them, with its own status (413 or 415, ``UploadRefused``).
        """
        kind = f.get("kind")
        name = f.get("name")
        content_url = f.get("content_url")
        sha256 = f.get("sha256")
        appeared_in = self._source_ref(f, "appeared_in")
        uploaded_on = f.get("uploaded_on")
        upload = f.get("thumbnail")
        authenticity = f.get("authenticity")
        assessment = f.get("assessment")
        if assessment and not authenticity and "authenticity" not in f.problems.fields:
            f.problems.add(
                "authenticity",
                "An explanation goes with an assessment: say what the media is (original, missing context, edited…).",
            )
        f.problems.raise_if_any()
        image = self.uploads.clean(upload) if upload is not None else None
        media.kind, media.name, media.content_url, media.sha256 = kind, name, content_url, sha256
        media.appeared_in, media.uploaded_on = appeared_in, uploaded_on
        media.authenticity, media.assessment = authenticity, assessment
        if image is not None:  # no new upload: the current frame stays
            media.thumbnail = self.iris.upload(image.name)
        return image

    def add_media(self, claim_slug: str, data: Mapping[str, Any], *, agent: URIRef) -> tuple[URIRef, RevisionInfo]:
        """A new photo, video or audio clip that makes the claim ``claim_slug``."""
        claim_iri = self.iris.claim(claim_slug)
        current = self._require(claim_iri, SCHEMA.Claim, what="claim")
        f = Submitted(fields.MediaInput, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        iri = self.fresh(self.iris.media, stem(data, "name"))
        media = MediaObject(iri=iri, slug=iri.rsplit("/", 1)[1], name="")
        image = self._media_fields(f, media)
        claim = Claim.from_graph(current, claim_iri)
        claim.media.append(iri)
        draft = Draft(expected={claim_iri: version, iri: 0})
        draft.put(media)
        draft.put(claim, over=current)
        info = self._write(draft, image, agent, reason or f"Added a {WHAT}: {shorten(media.name)}")
        assert info is not None
        return iri, info

    def edit_media(self, slug: str, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo | None:
        iri = self.iris.media(slug)
        current = self._media_graph(iri)
        f = Submitted(fields.MediaEdit, data)
        version = self._expected_version(f)
        reason = f.get("reason")
        media = MediaObject.from_graph(current, iri)
        image = self._media_fields(f, media)
        draft = Draft(expected={iri: version})
        draft.put(media, over=current, controlled=MEDIA_FIELDS)
        # The review is a node of its own: an assessment taken back must remove its description too.
        draft.after.setdefault(media.review, Graph())
        return self._write(draft, image, agent, reason or f"Edited the {WHAT}: {shorten(media.name)}")

    def _write(self, draft: Draft, image: CleanImage | None, agent: URIRef, reason: str) -> RevisionInfo | None:
        """Check the change, then store the upload, then apply: the file exists before any page points at it."""
        change = self.pipeline.prepare(draft)
        if image is not None and (change.added or change.removed):
            self.uploads.store(image)
        return self.pipeline.commit(change, agent=agent, reason=reason[:MAX_REASON])
