"""Atom feeds of changes, built from the revision log: site-wide, per claim, per entity, per topic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from feedgen.feed import FeedGenerator
from rdflib import URIRef

from kb import queries
from kb.errors import NotFound
from kb.knowledge import KnowledgeBase
from kb.read.pages import RevisionSummary

MAX_CHANGED_NAMED = 10


@dataclass(frozen=True)
class FeedScope:
    """What a feed follows: ``kind`` is "site", "claim", "entity" or "topic"."""

    kind: str
    slug: str | None = None


def revisions(kb: KnowledgeBase, scope: FeedScope) -> tuple[str, list[RevisionSummary]]:
    """The feed's title and its revisions, newest first (raises ``NotFound`` for an unknown slug)."""
    return kb.cache.get(("feed", scope), lambda: _revisions(kb, scope))


def _revisions(kb: KnowledgeBase, scope: FeedScope) -> tuple[str, list[RevisionSummary]]:
    if scope.kind == "site":
        return "All changes", kb.revision_summaries(queries.FEED_REVISIONS)
    slug = scope.slug or ""
    if scope.kind == "claim":
        page = kb.claim_page(slug)
        return f"Changes to the claim “{page.claim.name or page.claim.text}”", kb.history(page.claim.iri)[:50]
    if scope.kind == "entity":
        entity = kb.entity_page(slug).entity
        return f"Changes about {entity.name}", kb.revision_summaries(
            queries.FEED_REVISIONS_OF_ENTITY, {"entity": entity.iri}
        )
    if scope.kind == "topic":
        labels = dict(kb.topics())
        if slug not in labels:
            raise NotFound(f"There is no topic called “{slug}”.")
        return f"Changes on the topic {labels[slug]}", kb.revision_summaries(
            queries.FEED_REVISIONS_OF_TOPIC, {"topic": kb.iris.topic(slug)}
        )
    raise NotFound(f"There is no feed of {scope.kind}.")


def atom(
    kb: KnowledgeBase,
    scope: FeedScope,
    *,
    self_url: str,
    page_url: str,
    publisher: str,
    link_for: Callable[[URIRef], str | None],
) -> bytes:
    """The Atom document of ``scope``; ``link_for`` gives the page of a changed resource, if it has one."""
    title, entries = revisions(kb, scope)
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(f"{publisher}: {title}")
    feed.author({"name": publisher})
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.generator("claimkb")
    latest = [r.time for r in entries] or [r.time for r in kb.recent_changes(1)]
    if latest:
        feed.updated(max(latest))
    for revision in entries:
        entry = feed.add_entry(order="append")
        entry.id(str(revision.iri))
        entry.title(f"Revision {revision.number}: {revision.reason}")
        entry.updated(revision.time)
        entry.author({"name": revision.agent_name})
        # A scoped feed's entries point at its page; the site-wide feed's at what each revision changed.
        links = [link for link in (link_for(iri) for iri, _, _ in revision.changed) if link]
        entry.link(href=links[0] if links and scope.kind == "site" else page_url, rel="alternate")
        named = ", ".join(label for _, _, label in revision.changed[:MAX_CHANGED_NAMED])
        more = len(revision.changed) - MAX_CHANGED_NAMED
        changed = f" Changed: {named}" + (f" and {more} more" if more > 0 else "") + "." if named else ""
        entry.summary(f"{revision.reason}.{changed}")
    return feed.atom_str(pretty=True)
