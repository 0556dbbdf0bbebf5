"""The knowledge base: the one object the web app and the command line talk to, in domain words."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from claims import concepts, schema_files
from claims.model import Entity, Iris
from claims.status import Status
from claims.vocab import CK, SCHEMA
from kb import queries
from kb.errors import KBError, NotFound
from kb.read import independence, pages
from kb.read.neighbourhood import claim_neighbourhood, source_neighbourhood
from kb.read.pages import ClaimPage, ClaimSummary, EntityPage, RevisionSummary, SourcePage
from kb.store import Store, open_store
from kb.store.cache import RevisionCache
from kb.write import loading
from kb.write.repository import Repository, RevisionInfo

SEED_AGENT = "seed"
SYSTEM_AGENT = "claimkb"
LOADER_AGENT = "loader"
DUE_MARKER = "due-checked.json"
# Days and revisions since the last due check, or claims to look at, beyond which every prediction is checked.
DUE_CHECK_LIMIT = 1_000
# How far from today the home page looks for the nearest deadlines, each way (days).
DEADLINE_HORIZON = 366
DUE_STATUS = str(CK[Status.DUE.value])
CLOSED_STATUSES = {str(CK[s.value]) for s in Status if s is Status.DUE or s.value.startswith("resolved")}

# What the web layer may name a cache of its own by (it never reaches into kb.store itself).
PageCache = RevisionCache


@dataclass(frozen=True)
class ClaimFilters:
    status: str | None = None
    claim_type: str | None = None
    claimant: str | None = None  # entity slug
    topic: str | None = None  # topic slug


def today_utc() -> date:
    return datetime.now(UTC).date()


class KnowledgeBase:
    """Reads and writes claims through one store; every write is a revision."""

    def __init__(self, store: Store, iris: Iris, *, today: Callable[[], date] = today_utc) -> None:
        self.store = store
        self.iris = iris
        self.repository = Repository(store, iris)
        self.today = today
        self.cache = RevisionCache(self.repository.revision_count)
        # Services built on the knowledge base (the SPARQL workers) stop with it.
        self.close_hooks: list[Callable[[], None]] = []

    def page_cache(self, size: int) -> RevisionCache:
        """A cache of its own that, like the read cache, forgets everything at the next revision (the web
        layer keeps rendered pages in one)."""
        return RevisionCache(self.repository.revision_count, size)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        store_url: str | None = None,
        base_iri: str,
        writer_url: str | None = None,
        writer_token: str | None = None,
    ) -> KnowledgeBase:
        """Open (creating if needed) the knowledge base in ``data_dir``; the base IRI is kept with it.

        With ``writer_url`` (a web host of several on one SPARQL server) every change goes to that
        ``claimkb writer`` service, which alone writes to the store (``kb.write.writer``).
        """
        data_dir.mkdir(parents=True, exist_ok=True)
        base_iri = remember_base_iri(data_dir, base_iri)
        knowledge = cls(open_store(store_url, data_dir), Iris(base_iri))
        if writer_url:
            from kb.write.writer import WriterClient

            client = WriterClient(writer_url, writer_token or "", knowledge.store, knowledge.iris)
            knowledge.repository.writer = client
            knowledge.close_hooks.append(client.close)
        return knowledge

    def close(self) -> None:
        for hook in self.close_hooks:
            hook()
        self.store.close()

    # --- writes -----------------------------------------------------------------------------

    def agent(self, name: str) -> URIRef:
        return self.iris.agent(name)

    def is_empty(self) -> bool:
        return self.repository.revision_count() == 0 and self.store.is_empty()

    def load_graph(self, graph: Graph, *, agent: str, reason: str, checked: bool = False) -> RevisionInfo | None:
        """Add ``graph`` as one revision, after shape validation; ``None`` if it adds nothing new.

        ``checked``: the graph comes from ``loading.read_file`` (blank nodes named, IRIs checked).
        """
        from kb.write.pipeline import Pipeline, bulk_write, shape_report

        pipeline = Pipeline(self)
        with bulk_write():
            if not checked:
                graph = loading.skolemize(graph, self.iris)
            draft = loading.draft_for_graph(graph, pipeline, checked=checked)
            return pipeline.write(
                draft, agent=self.agent(agent), reason=reason, refuse=shape_report, extra=self._agent_triples(agent)
            )

    def load_file(
        self, path: Path, *, rdf_format: str | None = None, agent: str = LOADER_AGENT, reason: str | None = None
    ) -> RevisionInfo | None:
        from kb.write.pipeline import bulk_write

        with bulk_write():  # reading makes as many objects as the rest of the load
            graph = loading.read_file(path, self.iris, rdf_format)
            return self.load_graph(graph, agent=agent, reason=reason or f"Loaded {path.name}", checked=True)

    def ensure_seed(self) -> RevisionInfo | None:
        """Load the seed claims if the knowledge base is empty."""
        if not self.is_empty():
            return None
        return self.load_seed()

    def load_seed(self) -> RevisionInfo | None:
        graph = Graph().parse(schema_files.SEED, format="turtle", publicID=self.iris.base)
        return self.load_graph(graph, agent=SEED_AGENT, reason="Seed: claims of the TikTok Shop article (2022)")

    def mark_due_predictions(self, since: tuple[date, int] | None = None) -> RevisionInfo | None:
        """Record as *due* every prediction whose deadline has passed with no resolution.

        With ``since`` (the day and revision of the last check), only the predictions that can have
        fallen due since are looked at: those whose deadline lies between that day and yesterday, and
        the claims written by later revisions. Without it, every prediction is (a scan).
        """
        from kb.write.pipeline import Draft, Pipeline

        today = Literal(self.today())
        candidates = self._due_candidates(*since) if since is not None else None
        if candidates is None:
            rows = self.store.select(queries.PREDICTIONS_TO_MARK_DUE, {"today": today})
        else:
            rows = []
            for claim in candidates:
                rows += self.store.select(queries.PREDICTIONS_TO_MARK_DUE, {"today": today, "claim": URIRef(claim)})
        claims = {URIRef(str(row["claim"])) for row in rows}
        if not claims:
            return None
        # The pipeline derives each claim's status from its evidence: due, by the rule.
        return Pipeline(self).write(
            Draft(claims=claims, changed=claims),
            agent=self.agent(SYSTEM_AGENT),
            reason="Deadline passed with no resolution",
            extra=self._agent_triples(SYSTEM_AGENT),
        )

    def _due_candidates(self, day: date, revision: int) -> set[str] | None:
        """The claims whose deadline is from ``day`` to yesterday, and those changed after ``revision``;
        None when there are so many (a bulk import since) that one scan is quicker than a look at each."""
        days = [day + timedelta(days=i) for i in range((self.today() - day).days)]
        candidates: set[str] = set()
        for start in range(0, len(days), 64):
            rows = self.store.select_values(queries.deadlines_on(days[start : start + 64]))
            candidates |= {r["claim"] for r in rows if r.get("status") not in CLOSED_STATUSES}
        # What each later revision changed, read as the search index reads it when it catches up.
        _, changed = self.repository.changed_after(revision, self.repository.revision_count(), private=False)
        candidates |= changed
        return candidates if len(candidates) <= DUE_CHECK_LIMIT else None

    def mark_due_predictions_on_start(self, data_dir: Path) -> RevisionInfo | None:
        """``mark_due_predictions``, unless it already ran today over the store as it is now.

        Every write derives its claims' statuses with today's date, so predictions fall due unmarked
        only as days pass (or when a dump is restored, which moves the revision counter): the day and
        revision of the last check are kept in ``DATA_DIR/due-checked.json``. A restart the same day
        over the same store skips the check; a later one looks only at the deadlines passed since and
        the claims written since (``DUE_CHECK_LIMIT`` days and revisions at most), so a start does not
        read every prediction (seconds at a million claims). Without a record, or after a store's
        history was replaced, every prediction is checked once.
        """
        marker = data_dir / DUE_MARKER
        today, revision = self.today(), self.repository.revision_count()
        try:
            checked = json.loads(marker.read_text())
        except (OSError, ValueError):
            checked = {}
        if checked == {"day": today.isoformat(), "revision": revision}:
            return None
        since: tuple[date, int] | None = None
        try:
            day, last = date.fromisoformat(str(checked["day"])), int(checked["revision"])
            if day <= today and last <= revision and (today - day).days + revision - last <= DUE_CHECK_LIMIT:
                since = (day, last)
        except (KeyError, TypeError, ValueError):
            pass
        info = self.mark_due_predictions(since)
        try:
            marker.write_text(json.dumps({"day": today.isoformat(), "revision": info.number if info else revision}))
        except OSError:
            pass  # a read-only data directory: the check runs again on the next start
        return info

    def _agent_triples(self, name: str) -> set[tuple[URIRef, URIRef, Literal]]:
        agent = self.agent(name)
        return {(agent, RDFS.label, Literal(name))}

    # --- reads ------------------------------------------------------------------------------

    def claim_page(self, slug: str, as_of: date | None = None) -> ClaimPage:
        """The claim with its timeline, quotes and entities (cached until the next revision)."""
        return self.cache.get(("claim", slug, as_of, self.today()), lambda: self._claim_page(slug, as_of))

    def _claim_page(self, slug: str, as_of: date | None) -> ClaimPage:
        iri = self.iris.claim(slug)
        revision = self.cache.revision()
        graph = claim_neighbourhood(self.store, iri)
        if (iri, RDF.type, SCHEMA.Claim) not in graph:
            raise NotFound(f"There is no claim called “{slug}”.")
        # The same graph answers two more of the page's sections in the usual case, each a query less.
        if (iri, CK.sameClaimAs, None) not in graph and (None, CK.sameClaimAs, iri) not in graph:
            self.cache.put(("same claims", iri), [], revision)
        found = independence.from_neighbourhood(graph, iri, as_of)
        if found is not None:
            self.cache.put(("independence", iri, as_of), found, revision)
        return pages.claim_page(graph, iri, self.today(), as_of)

    def same_claims(self, iri: URIRef) -> list[ClaimSummary]:
        """The claims linked to ``iri`` as the same claim made elsewhere (ck:sameClaimAs, both ways)."""
        return self.cache.get(
            ("same claims", iri),
            lambda: [pages.summary_from_row(r) for r in self.store.select(queries.SAME_CLAIMS, {"this": iri})],
        )

    def claims(self, filters: ClaimFilters | None = None) -> list[ClaimSummary]:
        filters = filters or ClaimFilters()
        bindings: dict[str, URIRef] = {}
        if filters.status:
            bindings["status"] = CK[filters.status]
        if filters.claim_type:
            bindings["type"] = CK[filters.claim_type]
        if filters.claimant:
            bindings["claimant"] = self.iris.entity(filters.claimant)
        rows = self.store.select(queries.LIST_CLAIMS, bindings)
        if filters.topic:
            in_topic = {
                r["claim"]
                for r in self.store.select(queries.CLAIMS_IN_TOPIC, {"topic": self.iris.topic(filters.topic)})
            }
            rows = [r for r in rows if r["claim"] in in_topic]
        for row in rows:
            for key, value in bindings.items():
                row.setdefault(key, value)
        return [pages.summary_from_row(r) for r in rows]

    def status_counts(self) -> dict[str, int]:
        counts = {key: 0 for key in concepts.statuses()}
        for row in self.store.select(queries.STATUS_COUNTS):
            counts[Status.from_iri(str(row["status"])).value] = int(str(row["n"]))
        return counts

    def facet_values(self) -> dict[str, list[tuple[str, str, int]]]:
        """Claimants and topics with their claim counts: {"claimant": [(slug, label, n)], "topic": [...]}."""
        facets: dict[str, list[tuple[str, str, int]]] = {"claimant": [], "topic": []}
        for row in self.store.select(queries.FACET_VALUES):
            facets[str(row["facet"])].append((str(row["slug"]), str(row["label"]), int(str(row["n"]))))
        return facets

    def predictions(self, limit: int = 5) -> tuple[list[ClaimSummary], list[ClaimSummary]]:
        """(coming due: the ``limit`` unresolved predictions whose deadline is nearest ahead, overdue:
        the ``limit`` due ones whose deadline passed most recently), each looked for within
        ``DEADLINE_HORIZON`` days of today (cached until the next revision or the next day).

        They are found day by day outward from today (``queries.deadlines_on``), so the cost is that of
        the days looked at and the claims due on them, not of every prediction in the knowledge base.
        """
        return self.cache.get(("predictions", self.today(), limit), lambda: self._predictions(limit))

    def _predictions(self, limit: int) -> tuple[list[ClaimSummary], list[ClaimSummary]]:
        today = self.today()
        coming = self._nearest_deadlines(today, 1, limit, lambda status: status not in CLOSED_STATUSES)
        overdue = self._nearest_deadlines(today - timedelta(days=1), -1, limit, lambda status: status == DUE_STATUS)
        return coming, overdue

    def _nearest_deadlines(
        self, first: date, step: int, limit: int, wanted: Callable[[str], bool]
    ) -> list[ClaimSummary]:
        """Up to ``limit`` predictions whose status is ``wanted``, deadline nearest ``first`` going
        ``step`` (1: later, -1: earlier), in windows of days growing from 8 to 64."""
        found: list[ClaimSummary] = []
        size, looked = 8, 0
        while looked < DEADLINE_HORIZON and len(found) < limit:
            days = [first + timedelta(days=step * (looked + i)) for i in range(min(size, DEADLINE_HORIZON - looked))]
            looked += len(days)
            size = min(size * 2, 64)
            rows = self.store.select_values(queries.deadlines_on(days))
            rows.sort(key=lambda r: (step * date.fromisoformat(r["deadline"]).toordinal(), r["claim"]))
            for row in rows:
                if len(found) == limit:
                    break
                if not wanted(row.get("status", "")):
                    continue
                summaries = self.store.select(queries.PREDICTION_SUMMARY, {"claim": URIRef(row["claim"])})
                found.extend(pages.summary_from_row(r) for r in summaries[:1])
        return found

    def recent_changes(self, limit: int = 10) -> list[RevisionSummary]:
        """The latest revisions, newest first (cached until the next revision)."""

        def compute() -> list[RevisionSummary]:
            # The latest numbers looked up directly; only when some of them are not visible here (a
            # revision in the private log only) does the query sort every revision.
            current = self.repository.revision_count()
            numbers = range(current, max(0, current - 2 * limit), -1)
            rows = self.store.select(queries.revisions_numbered(numbers))
            if len(rows) < min(limit, current):
                rows = self.store.select(queries.RECENT_REVISIONS)
            rows.sort(key=lambda row: -int(str(row["n"])))
            return [self._revision_summary(row) for row in rows[:limit]]

        return self.cache.get(("recent", limit), compute)

    def history(self, iri: URIRef, *, changes: bool = True) -> list[RevisionSummary]:
        """Every revision that changed ``iri``, newest first (cached until the next revision).

        With ``changes=False`` the summaries leave out what else each revision changed: a bulk
        import's revision changed every claim it brought, and a claim page only shows who, when and why.
        """
        return self.cache.get(
            ("history", iri, changes),
            lambda: [
                self._revision_summary(r, changes=changes)
                for r in self.store.select(queries.REVISIONS_OF, {"resource": iri})
            ],
        )

    def revision_summaries(self, query: str, bindings: dict[str, URIRef] | None = None) -> list[RevisionSummary]:
        """The revisions a named query lists (it projects ?rev ?n ?time ?agent ?reason)."""
        return [self._revision_summary(row) for row in self.store.select(query, bindings)]

    def _revision_summary(self, row: dict, *, changes: bool = True) -> RevisionSummary:
        rev = URIRef(str(row["rev"]))
        changed = []
        for changed_row in self.store.select(queries.REVISION_CHANGED, {"rev": rev}) if changes else []:
            iri = URIRef(str(changed_row["changed"]))
            kind_slug = self.iris.kind_and_slug(str(iri))
            label = str(changed_row.get("label") or (kind_slug[1] if kind_slug else iri))
            changed.append((iri, kind_slug[0] if kind_slug else "other", label))
        agent = URIRef(str(row["agent"]))
        kind_slug = self.iris.kind_and_slug(str(agent))
        return RevisionSummary(
            iri=rev,
            number=int(row["n"].toPython()),
            time=row["time"].toPython(),
            agent=agent,
            agent_name=kind_slug[1] if kind_slug else str(agent),
            reason=str(row["reason"]),
            # claims first: they are what readers follow
            changed=sorted(changed, key=lambda c: (c[1] != "claims", c[1], c[2])),
        )

    def source_page(self, slug: str) -> SourcePage:
        iri = self.iris.source(slug)
        graph = source_neighbourhood(self.store, iri)
        if (iri, SCHEMA.headline, None) not in graph:
            raise NotFound(f"There is no source called “{slug}”.")
        seen: dict[tuple[URIRef, str], tuple[ClaimSummary, str, str | None]] = {}
        for how, query in queries.CLAIMS_CITING_SOURCE.items():
            for row in self.store.select(query, {"source": iri}):
                summary = pages.summary_from_row(row)
                exact = str(row["exact"]) if row.get("exact") else None
                if (summary.iri, how) not in seen or (exact and not seen[summary.iri, how][2]):
                    seen[summary.iri, how] = (summary, how, exact)
        cited = sorted(seen.values(), key=lambda item: str(item[0].slug))  # by slug, as one query ordered them
        return pages.source_page(graph, iri, cited)

    def entity_page(self, slug: str) -> EntityPage:
        """The entity and its claim and source lists, cached until the next revision (at 10k claims a
        busy publisher's lists took most of a second to read on every view)."""
        return self.cache.get(("entity-page", slug, self.today()), lambda: self._entity_page(slug))

    def _entity_page(self, slug: str) -> EntityPage:
        iri = self.iris.entity(slug)
        graph = self.repository.describe([iri])
        if (iri, SCHEMA.name, None) not in graph:
            raise NotFound(f"There is no entity called “{slug}”.")
        groups: dict[str, list[ClaimSummary]] = {"by": [], "about": [], "actor": []}
        for role, query in queries.CLAIMS_OF_ENTITY.items():
            groups[role] = [pages.summary_from_row(row) for row in self.store.select(query, {"entity": iri})]
        published = [
            (URIRef(str(r["source"])), str(r["slug"]), str(r["headline"]), pages.py(r.get("date")))
            for r in self.store.select(queries.SOURCES_OF_PUBLISHER, {"entity": iri})
        ]
        return EntityPage(
            entity=Entity.from_graph(graph, iri),
            by=groups["by"],
            about=groups["about"],
            actor_in=groups["actor"],
            published=published,  # type: ignore[arg-type]
        )

    def entities(self) -> list[tuple[str, str]]:
        return [(str(r["slug"]), str(r["name"])) for r in self.store.select(queries.ALL_ENTITIES)]

    def entities_kept(self) -> list[tuple[str, str]]:
        """``entities()``, read once per revision: the pages and the API list them a page at a time."""
        return self.cache.get(("entities",), self.entities)

    def topics(self) -> list[tuple[str, str]]:
        return [(str(r["slug"]), str(r["label"])) for r in self.store.select(queries.ALL_TOPICS)]


def remember_base_iri(data_dir: Path, base_iri: str) -> str:
    """The base IRI is fixed when a knowledge base is created; a different one later is an error."""
    if not base_iri.endswith("/"):
        base_iri += "/"
    config = data_dir / "kb.json"
    if config.exists():
        stored = json.loads(config.read_text())["base_iri"]
        if stored != base_iri and base_iri != "http://localhost:5000/":
            raise KBError(
                f"This knowledge base was created with base IRI {stored}; "
                f"CLAIMKB_BASE_IRI says {base_iri}. Unset it or use the stored one."
            )
        return str(stored)
    config.write_text(json.dumps({"base_iri": base_iri}, indent=2) + "\n")
    return base_iri
