"""References to entities and sources as a writer types them, resolved to the resources they name.

A reference is an IRI of ours, a slug, or a name: an entity's name or alias, a source's headline or
web address (exactly, ignoring case and spacing). The editor's pickers send a slug; a form without
JavaScript, and the API, may send any of them. An IRI or slug names its resource or nothing; a name
must name exactly one resource (withdrawn ones are not named). An unknown or ambiguous reference is
a problem of its field, with the candidates it might have meant (``details["candidates"]`` of the
refusal), and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import URIRef

from claims.model import SLUG_RE, Iris
from claims.vocab import SCHEMA
from kb import queries
from kb.names import Hit, NameLookup
from kb.store import Store
from kb.write.fields import Submitted

ENTITY_TYPES = (SCHEMA.Organization, SCHEMA.Person)
SOURCE_TYPES = (SCHEMA.NewsArticle, SCHEMA.CreativeWork)
CANDIDATES = 5  # shown with an unknown or ambiguous reference
WHAT = {"entity": ("person or organisation", "people or organisations"), "source": ("source", "sources")}
PATH = {"entity": "entities", "source": "sources"}


def candidate(hit: Hit) -> dict[str, str]:
    return {"slug": hit.slug, "iri": hit.iri, "label": hit.label, "detail": hit.detail}


class References:
    """Resolves the references of submitted values against one store and its names."""

    def __init__(self, store: Store, iris: Iris, names: NameLookup) -> None:
        self.store = store
        self.iris = iris
        self.names = names

    def _is(self, iri: URIRef, kind: str) -> bool:
        types = ENTITY_TYPES if kind == "entity" else SOURCE_TYPES
        return any(row["t"] in types for row in self.store.select(queries.TYPES_OF, {"s": iri}))

    def _mint(self, kind: str) -> Callable[[str], URIRef]:
        return self.iris.entity if kind == "entity" else self.iris.source

    def one(self, f: Submitted, name: str, kind: str) -> URIRef | None:
        """The resource field ``name`` refers to (``None`` when empty, or with a problem recorded)."""
        text = f.get(name)
        return self.resolve(f, name, kind, text) if text else None

    def many(self, f: Submitted, name: str, kind: str) -> list[URIRef]:
        """The resources a repeated field refers to, in order, once each."""
        found: list[URIRef] = []
        for text in f.get(name):
            iri = self.resolve(f, name, kind, text)
            if iri is not None and iri not in found:
                found.append(iri)
        return found

    def resolve(self, f: Submitted, name: str, kind: str, text: str) -> URIRef | None:
        one, several = WHAT[kind]
        shown = text if len(text) <= 80 else text[:79] + "…"
        if text.lower().startswith(("http://", "https://")):
            kind_slug = self.iris.kind_and_slug(text)
            if kind_slug and kind_slug[0] == PATH[kind] and SLUG_RE.match(kind_slug[1]):
                iri = self._mint(kind)(kind_slug[1])
                if self._is(iri, kind):
                    return iri
                f.problems.add(name, f"There is no {one} at “{shown}”.")
                return None
            if kind_slug is not None or kind == "entity":
                f.problems.add(name, f"“{shown}” is not the address of a {one} here.")
                return None
            # a source may be given by its web address: looked up as a name below
        elif SLUG_RE.match(text) and len(text) <= 200:
            iri = self._mint(kind)(text)
            if self._is(iri, kind):
                return iri
        hits = self.names.named(kind, text)
        if len(hits) == 1:
            return URIRef(hits[0].iri)
        if hits:
            f.problems.add(name, f"“{shown}” names {len(hits)} {several}: pick one (each is listed with its slug).")
        else:
            f.problems.add(name, f"There is no {one} called “{shown}”.")
            hits = self.names.search(kind, text, CANDIDATES)
        if hits:
            listed = f.problems.candidates.setdefault(name, [])
            listed += [c for c in map(candidate, hits[:CANDIDATES]) if c not in listed]
        return None
