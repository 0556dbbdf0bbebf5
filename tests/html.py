"""Reading HTML responses through a real parser (html5lib), for assertions on structure, not substrings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import html5lib


def parse(body: bytes | str) -> ET.Element:
    return html5lib.parse(body, namespaceHTMLElements=False)  # type: ignore[no-any-return]


def text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def find_all(doc: ET.Element, path: str) -> list[ET.Element]:
    return doc.findall(path)


def by_class(doc: ET.Element, cls: str, tag: str = "*") -> list[ET.Element]:
    return [e for e in doc.iter(tag) if cls in (e.get("class") or "").split()]


def links(doc: ET.Element) -> list[tuple[str, str]]:
    return [(a.get("href") or "", text(a)) for a in doc.iter("a")]
