"""Snippets: the quick check that skips passages without a marked word gives Whoosh's highlights."""

from __future__ import annotations

import html

from whoosh import highlight

from kb.search.whoosh_backend import _MarkFormatter, _schema, snippet_html

DATA = [
    {"text": "Shops and shopping in the holidays.", "quotes": ["I shop here"], "note": "A note on fulfilment."},
    {"text": "Nothing here matches.", "quotes": ["Nor here", "the shopkeepers said"], "note": ""},
    {"text": "a b the an I", "quotes": [], "note": "The cat is on the mat, a mat."},
]


def _highlighted(data: dict, marked: set[str], analyzer: object) -> str:
    """What ``snippet_html`` gave before the quick check: Whoosh's highlighter on every passage."""
    fragmenter = highlight.ContextFragmenter(maxchars=240, surround=70)
    for text in [data["text"], *data["quotes"], data["note"]]:
        found = highlight.highlight(text, marked, analyzer, fragmenter, _MarkFormatter(), top=2) if text else ""
        if found:
            return str(found)
    return html.escape(data["text"], quote=False)


def test_snippets_are_whooshs_highlights() -> None:
    analyzer = _schema()["content"].analyzer
    for marked in [{"shop"}, {"holiday"}, {"fulfil"}, {"shopkeep"}, {"the"}, {"a"}, {"cat", "the"}, {"zzz"}]:
        for data in DATA:
            assert snippet_html(data, marked, analyzer) == _highlighted(data, marked, analyzer), (marked, data)
    assert "<mark>Shops</mark>" in snippet_html(DATA[0], {"shop"}, analyzer)
    assert "<mark>" not in snippet_html(DATA[1], {"holiday"}, analyzer)
