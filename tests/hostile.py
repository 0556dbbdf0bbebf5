"""Hostile input for the property-based tests: strategies, the store's fingerprint, and the checks.

Hypothesis runs each hostile test under the profile named by ``HYPOTHESIS_PROFILE`` (registered in
``tests/conftest.py``): ``quick`` for ``make test``, ``soak`` for the long run. Each test asks for a
share of the profile's examples with ``budget``; every case it runs is counted by area with ``count``
and the totals are printed at the end of the session.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import html5lib
from hypothesis import settings
from hypothesis import strategies as st

from kb.knowledge import KnowledgeBase
from kb.write.fields import CLAIM_TYPES, DERIVATION_KINDS, PRECISIONS, STANCES

CASES: Counter[str] = Counter()


def count(area: str) -> None:
    """Count one case of ``area``, and give it the random state a served app has.

    Hypothesis seeds the ``random`` module the same way for every case; whoosh names its segment
    files with it, so repeated names would collide as they never do in a served app.
    """
    CASES[area] += 1
    random.seed()


def budget(share: float) -> int:
    """This test's number of examples: a share of the active profile's ``max_examples``."""
    return max(1, round(settings.default.max_examples * share))


# --- hostile values -----------------------------------------------------------------------------

PAYLOADS = (
    '" } ; DROP ALL ; #',
    "' } ; DROP ALL ; #",
    '"> } ; CLEAR GRAPH <http://localhost:5000/private/accounts> ; #',
    "> ; DELETE WHERE { ?s ?p ?o } #",
    "SERVICE <http://evil.example/sparql> { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<!-- comment --><b>bold</b>",
    "{{ 7 * 7 }}{% raw %}",
    "${7*7} %s %n %x",
    "../../../../etc/passwd",
    "file:///etc/passwd",
    "http://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\"\"\"'''",
    "\\u0000\\\\",
    "\x00",
    "\x00NUL inside\x00",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\ufeffbom",
    "\u200b\u200c\u200d",
    "\r\n\r\n",
    "\t",
    "𝕳𝖊𝖑𝖑𝖔 🎉",
    "Ω≈ç√∫˜µ≤≥÷",
    "null",
    "None",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e308",
    "NaN",
    "2022-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "+2022-01-01",
    "status:disputed AND (",
    '"unbalanced',
    "((((((((((a))))))))))",
    "a* OR ?b~ NOT -c^2",
)

# Any character except lone surrogates (the form and URL encoders below handle those separately).
any_text = st.text(max_size=80)
long_text = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(250, 6000))
surrogates = st.builds(
    lambda before, code, after: f"{before}{chr(code)}{after}",
    st.text(max_size=10),
    st.integers(0xD800, 0xDFFF),
    st.text(max_size=10),
)
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    any_text,
    long_text,
    surrogates,
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), any_text),
)


def field(*valid: Any, extra: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """A form field's value: one of the valid choices as often as something hostile."""
    choices = st.sampled_from(valid) if valid else st.nothing()
    hostile = hostile_text if extra is None else st.one_of(hostile_text, extra)
    return st.one_of(choices, hostile)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field that may also be left out of the form (``None``)."""
    return st.one_of(st.none(), strategy)


# --- the fields of each editor form (and API body), each valid or hostile -----------------------------

CLAIM = "fbt-job-listings"  # seed resources the cases edit
SOURCE = "axios-scoop-2022-10-11"
EVENT = "axios-reports-fbt-listings"
ENTITY = "tiktok"

CLAIM_SPEC = {
    "text": field("Example Org will sell hats (made up for a test).", "A made-up claim."),
    "name": field("", "Hats"),
    "claim_type": field(*CLAIM_TYPES),
    "claimant": field("tiktok", "axios", ""),
    "new_claimant_name": field("", "Example Org"),
    "new_claimant_kind": field("Organization", "Person"),
    "claimed_on": field("2022-10-11", ""),
    "deadline": field("2030-01-01", "1800-01-01", "2200-12-31"),
    "about": st.lists(field("tiktok", "amazon"), max_size=3),
    "topics": st.lists(field("e-commerce", "logistics"), max_size=3),
    "note": field("A *made-up* note with a [link](https://example.org/).", ""),
    "reason": field("Test", ""),
}
SOURCE_SPEC = {
    "headline": field("An example report (made up)", ""),
    "url": field("https://example.org/report", "http://example.org/a?b=c#d", ""),
    "kind": field("NewsArticle", "CreativeWork"),
    "publisher": field("axios", ""),
    "published": field("2022-10-13", ""),
    "derived_from": field(SOURCE, ""),
    "derivation_kind": field(*DERIVATION_KINDS),
    "quote_exact": field("job listings", ""),
    "quote_prefix": field("US ", ""),
    "quote_suffix": field(" for", ""),
    "note": field("Made up for a test.", ""),
    "reason": field("Test", ""),
}
EVENT_SPEC = {
    "date": field("2024-05-06", "2022-10-11"),
    "precision": field(*PRECISIONS),
    "stance": field(*STANCES),
    "title": field("Example Org denies it (made up)", ""),
    "actor": field("tiktok", ""),
    "new_actor_name": field("", "Example Person"),
    "new_actor_kind": field("Person", "Organization"),
    "source": field(SOURCE, ""),
    "quote_exact": field("job listings", ""),
    "note": field("A made-up event for a test.", ""),
    "reason": field("Test", ""),
}
ENTITY_SPEC = {
    "name": field("Example Org (made up)", ""),
    "kind": field("Organization", "Person"),
    "wikidata": field("Q4115189", "https://www.wikidata.org/wiki/Q42", ""),
    "note": field("Made up.", ""),
    "reason": field("Test", ""),
}
# A media object's frame: a tiny PNG, an SVG behind it, text that is not base64 (as a JSON body sends it).
_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAxMDAAAAeBAIBvW1/2wAAAABJRU5ErkJggg=="
MEDIA_SPEC = {
    "kind": field("ImageObject", "VideoObject", "AudioObject"),
    "name": field("A made-up photo", ""),
    "content_url": field("https://example.org/photo.jpg", ""),
    "sha256": field("ab" * 32, "AB" * 32, ""),
    "appeared_in": field(SOURCE, ""),
    "uploaded_on": field("2022-10-12", ""),
    "thumbnail": field(_PNG_BASE64, "PHN2Zz48L3N2Zz4=", "not base64!", ""),
    "authenticity": field("OriginalMediaContent", "DecontextualizedContent", "StagedContent", ""),
    "assessment": field("A *made-up* assessment.", ""),
    "reason": field("Test", ""),
}

# Any JSON value, for API bodies: a field may get a number, null, a list or an object instead of text.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(hostile_text, children, max_size=3)),
    max_leaves=6,
)


def form_fields(spec: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A form with any subset of the spec's fields filled in."""
    return st.fixed_dictionaries({}, optional=spec)


def json_fields(spec: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON body with any subset of the fields, each also any JSON value, and unknown keys too."""
    body = st.fixed_dictionaries({}, optional={k: st.one_of(v, json_values) for k, v in spec.items()})
    extra = st.dictionaries(hostile_text, json_values, max_size=2)
    return st.builds(lambda known, unknown: {**unknown, **known}, body, extra)


# --- transports that carry any string, lone surrogates included ---------------------------------------


def _bytes_of(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def form_body(fields: dict[str, Any]) -> bytes:
    """An urlencoded body; a lone surrogate travels as its (invalid) UTF-8 bytes, as a browser could send."""
    pairs = []
    for key, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is not None:
                pairs.append(f"{quote_plus(_bytes_of(key))}={quote_plus(_bytes_of(str(item)))}")
    return "&".join(pairs).encode("ascii")


def query_string(params: dict[str, Any]) -> str:
    return form_body(params).decode("ascii")


def path_segment(value: str) -> str:
    return quote(_bytes_of(value), safe="")


def header_value(value: str) -> str:
    """What a server makes of these bytes in a header: latin-1 text, without the line breaks HTTP forbids."""
    return re.sub(r"[\r\n\x00]", " ", _bytes_of(value).decode("latin-1"))


def json_body(value: Any) -> bytes:
    """JSON text; ``ensure_ascii`` writes a lone surrogate as a ``\\udXXX`` escape, which JSON allows."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode("ascii")


# --- the store's fingerprint: what changes if anything is written -------------------------------------

QUAD_COUNT = "SELECT (COUNT(*) AS ?quads) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
# The total length of every term also tells a replaced value from an unchanged one. It costs about
# 25 ms a case on the seed (the count, 1 ms), so only the soak run pays for it.
QUAD_COUNT_AND_LENGTH = """
SELECT (COUNT(*) AS ?quads) (SUM(STRLEN(CONCAT(STR(?s), STR(?p), STR(?o), STR(COALESCE(?g, ""))))) AS ?length)
WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }
"""


@dataclass(frozen=True)
class Fingerprint:
    revisions: int
    quads: int
    length: int


def fingerprint(kb: KnowledgeBase) -> Fingerprint:
    thorough = settings.get_current_profile_name() == "soak"
    (row,) = kb.store.select(QUAD_COUNT_AND_LENGTH if thorough else QUAD_COUNT)
    length = int(row["length"] or 0) if thorough else 0
    return Fingerprint(kb.repository.revision_count(), int(row["quads"]), length)


def assert_unchanged(kb: KnowledgeBase, before: Fingerprint, why: str) -> None:
    after = fingerprint(kb)
    assert after == before, f"partial write: {why}: {before} -> {after}"


def assert_one_revision(kb: KnowledgeBase, before: Fingerprint, why: str) -> Fingerprint:
    after = fingerprint(kb)
    assert after.revisions == before.revisions + 1, f"{why}: {before} -> {after}"
    return after


# --- what a response must look like ----------------------------------------------------------------


def parse(html: str) -> Any:
    return html5lib.parse(html, namespaceHTMLElements=False)


MESSAGE_CLASSES = {"field-error", "form-errors", "error-message", "flash", "notice"}


class _Messages(HTMLParser):
    """The text of each element whose class marks a message (Python's parser: fast on big forms)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, list[str] | None]] = []
        self.found: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "input", "img", "hr", "meta", "link"):
            return
        classes = (dict(attrs).get("class") or "").split()
        marked = next((c for c in classes if c in MESSAGE_CLASSES), None)
        buffer: list[str] | None = None
        if marked:
            buffer = []
            self.found.setdefault(marked, [])
        self.open.append((marked or "", buffer))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "input", "img", "hr", "meta", "link") or not self.open:
            return
        marked, buffer = self.open.pop()
        if marked and buffer is not None:
            self.found[marked].append("".join(buffer).strip())

    def handle_data(self, data: str) -> None:
        for _marked, buffer in self.open:
            if buffer is not None:
                buffer.append(data)


def messages(html: str) -> dict[str, list[str]]:
    """Messages shown on a page, by their class (field-error, form-errors, flash...)."""
    parser = _Messages()
    parser.feed(html)
    parser.close()
    return parser.found


def texts(html: str, tag: str, cls: str) -> list[str]:
    return ["".join(el.itertext()).strip() for el in parse(html).iter(tag) if cls in (el.get("class") or "").split()]


def assert_json_error(response: Any, statuses: set[int]) -> dict[str, Any]:
    """The API's one error shape, with a message a person can read."""
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json", response.mimetype
    error = response.get_json()["error"]
    assert error["status"] == response.status_code and error["title"] and error["message"].strip()
    assert "Traceback" not in error["message"]
    return error  # type: ignore[no-any-return]


def assert_page_message(response: Any, statuses: set[int]) -> None:
    """An HTML answer with a status we expect and, for an error, a visible message."""
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        text = response.get_data(as_text=True)
        assert any(m for found in messages(text).values() for m in found), text[:1000]
        assert "Traceback" not in text


# --- active content in a page: what stored or reflected XSS would leave behind ---------------------------

SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
_STRIPPED = re.compile(r"[\x00-\x20\x7f]+")


def link_scheme(value: str) -> str:
    """The scheme a browser would see in an attribute's URL ('' for a relative one)."""
    cleaned = _STRIPPED.sub("", value)
    return urlsplit(cleaned).scheme.lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", cleaned) else ""


def active_content(html: str) -> list[str]:
    """Script a page would run beyond its own: inline scripts, event handlers, script URLs, frames."""
    found = []
    for element in parse(html).iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "script":
            if element.get("type") == "application/ld+json":
                try:
                    json.loads(element.text or "")
                except ValueError:
                    found.append("a JSON-LD block that is not JSON: " + (element.text or "")[:200])
            elif not (element.get("src") or "").startswith("/static/") or (element.text or "").strip():
                found.append("script: " + (element.get("src") or element.text or "")[:200])
        if tag in ("iframe", "object", "embed", "frame", "base"):
            found.append(f"<{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            if not isinstance(name, str):
                continue
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}={value[:80]!r}>")
            if name.lower() in URL_ATTRIBUTES and link_scheme(value) not in SAFE_SCHEMES | {""}:
                found.append(f"<{tag} {name}={value[:80]!r}>")
    return found
