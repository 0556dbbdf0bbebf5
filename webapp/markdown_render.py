"""Safe Markdown in one function: Markdown -> allow-list sanitiser (nh3) -> Markup."""

from __future__ import annotations

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


def render_markdown(text: str | None) -> Markup:
    """Render editor-written Markdown to sanitised HTML; links get rel="nofollow noopener"."""
    if not text:
        return Markup("")
    html = md.markdown(text[:MAX_MARKDOWN], extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - the HTML was just sanitised by nh3
