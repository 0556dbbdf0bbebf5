"""Safe Markdown in one function: Markdown -> allow-list sanitiser (nh3) -> Markup."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
MAX_MARKDOWN = 20_000


_local = threading.local()


def _converter() -> md.Markdown:
    # Building a Markdown parser costs more than converting a note: keep one per thread.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=["sane_lists"], output_format="html")
    return converter


def render_markdown(text: str | None) -> Markup:
    """Render editor-written Markdown to sanitised HTML; links get rel="nofollow noopener"."""
    if not text:
        return Markup("")
    return _render(text[:MAX_MARKDOWN])


@lru_cache(maxsize=4096)
def _render(text: str) -> Markup:
    html = _converter().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - the HTML was just sanitised by nh3
