"""The language a text is written in, as a BCP 47 tag, detected on this machine.

py3langid (a fork of langid.py, BSD-3-Clause) ships its model inside the wheel (about 4 MB with
the code; numpy is its one dependency): nothing is downloaded, nothing leaves the machine. The model
loads once per process (about 0.7 s) and a claim-sized text is classified in about 0.1 ms.
Short or ambiguous texts ("Trump") are not guessed: below ``MIN_CONFIDENCE`` the answer is ``None``
and the caller keeps its default (``DEFAULT_LANGUAGE``).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from claims.matching import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "analysed", "detect", "detect_or_default", "is_tag"]

MIN_CONFIDENCE = 0.9
# Short texts spread the model's belief over related languages (Aragonese beside Spanish): among
# the languages claims are most often in, one that holds this share of the belief is taken.
COMMON = ("en", "es", "fr", "de", "it", "pt", "nl")
MIN_COMMON_SHARE = 0.75
MIN_LETTERS = 12
TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")  # the shape of a BCP 47 tag, as we accept them

log = logging.getLogger(__name__)

_identifier: Any = None
_lock = threading.Lock()


def _model() -> Any:
    """The detector, loaded on first use; ``None`` while it cannot be loaded.

    py3langid unpacks its model through a temporary file: on a full disk that fails, and detection
    answers ``None`` (callers keep their default) until a later call can load it.
    """
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            try:
                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            except OSError as error:
                log.warning("language detection unavailable for now: %s", error)
                return None
        return _identifier


def detect(text: str) -> str | None:
    """The BCP 47 tag of ``text``'s language ("en", "es", …), or ``None`` when it cannot be told."""
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return None
    model = _model()
    if model is None:
        return None
    ranked = model.rank(text)
    tag, confidence = ranked[0]
    if confidence >= MIN_CONFIDENCE:
        return str(tag)
    common = [(t, p) for t, p in ranked if t in COMMON]
    total = sum(p for _, p in common)
    if common and total > 0 and common[0][1] / total >= MIN_COMMON_SHARE:
        return str(common[0][0])
    return None


def detect_or_default(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """The detected language, or ``default`` for a text too short or mixed to tell."""
    return detect(text) or default


def is_tag(value: str) -> bool:
    """Whether ``value`` has the shape of a language tag (``en``, ``pt-BR``, ``zh-Hant``)."""
    return bool(TAG_RE.match(value)) and len(value) <= 35


def analysed(tag: str | None) -> bool:
    """Whether search and matching analyse this language with its own stemmer and stop words."""
    return bool(tag) and str(tag).split("-", 1)[0].lower() in LANGUAGES
