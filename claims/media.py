"""Claims made by a photo, a video or an audio clip: the kinds of media and how authentic they are.

The assessment is schema.org's own: a ``MediaReview`` whose ``mediaAuthenticityCategory`` is one
of the members of ``MediaManipulationRatingEnumeration`` (their ``http://schema.org/`` IRIs in RDF).
The labels and definitions below are schema.org's, shortened; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from claims.vocab import SCHEMA

# schema.org's MediaObject subclasses a claim's media can be (the rdf:type of the media object).
MEDIA_KINDS: dict[str, str] = {
    "ImageObject": "Photo or image",
    "VideoObject": "Video",
    "AudioObject": "Audio clip",
}


@dataclass(frozen=True)
class Authenticity:
    """One member of schema.org's MediaManipulationRatingEnumeration."""

    key: str  # the member's local name, e.g. "DecontextualizedContent"
    label: str
    definition: str

    @property
    def iri(self) -> URIRef:
        return SCHEMA[self.key]


AUTHENTICITY: dict[str, Authenticity] = {
    a.key: a
    for a in (
        Authenticity(
            "OriginalMediaContent",
            "Original",
            "No evidence the media has been misleadingly altered or manipulated, though it may still carry "
            "false or misleading claims.",
        ),
        Authenticity(
            "DecontextualizedContent",
            "Missing context",
            "Unaltered media presented in a way that misrepresents it: a wrong date or place, or a short "
            "excerpt of a longer recording that misleads.",
        ),
        Authenticity(
            "EditedOrCroppedContent",
            "Edited or cropped",
            "Edited or rearranged: cut, cropped, spliced or slowed down in a way that changes what it shows.",
        ),
        Authenticity(
            "TransformedContent",
            "Transformed",
            "Part or all of it has been manipulated, transformed or replaced (a deepfake, a synthetic or "
            "doctored element).",
        ),
        Authenticity(
            "StagedContent",
            "Staged",
            "Created by people acting out or performing a scene and presented as a real event.",
        ),
        Authenticity(
            "SatireOrParodyContent",
            "Satire or parody",
            "Made as satire or parody and presented as if it were real.",
        ),
    )
}


def authenticity_of(iri: object) -> Authenticity | None:
    """The category named by ``iri`` (a ``http://schema.org/`` IRI), or ``None``."""
    key = str(iri).removeprefix(str(SCHEMA))
    return AUTHENTICITY.get(key) if str(iri).startswith(str(SCHEMA)) else None
