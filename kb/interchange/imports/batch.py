"""Writing imported records in batches through the write pipeline: SHACL per batch, one revision per batch.

Records whose triples the knowledge base already holds are left out before anything else, so that
importing the same file twice writes nothing. The rest of a batch is checked against the shapes
at once; if the batch fails, it is split in halves until the failing records are found, and
those are reported and skipped while the others are written. A record is written whole or not at
all: the batch's revision lists every claim it adds in ``ck:changed``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from claims.vocab import CK
from kb.errors import ValidationFailed
from kb.interchange.imports.records import Record, Triple
from kb.knowledge import KnowledgeBase
from kb.store import new_graph
from kb.write.pipeline import Pipeline, bulk_write, shape_report
from kb.write.publishing import draft_triples
from kb.write.repository import Change

# Oxigraph crashed on a revision update naming ~1,000 changed resources; 250 claims stay well below.
DEFAULT_BATCH = 250


@dataclass(frozen=True)
class Problem:
    """A row or item that was skipped: where it is, and why."""

    number: int
    message: str
    unit: str = "record"

    def __str__(self) -> str:
        return f"{self.unit} {self.number}: {self.message}"


@dataclass
class ImportReport:
    records: int = 0  # rows or items read
    imported: int = 0  # claims written (new or changed)
    unchanged: int = 0  # claims the knowledge base already held exactly
    linked: int = 0  # claims linked to a claim recorded before as the same claim (ck:sameClaimAs)
    matching_seconds: float = 0.0  # of ``seconds``, the time spent matching records
    triples: int = 0  # triples added
    revisions: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return len(self.problems)


class BatchWriter:
    """Collects records and writes them ``batch_size`` at a time, each batch as one revision."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        agent: str,
        reason: str,
        unit: str = "record",
        batch_size: int = DEFAULT_BATCH,
        on_written: Callable[[int], None] | None = None,
        as_draft: bool = False,
    ) -> None:
        self.kb = kb
        # New claims land as drafts (private until published; kb.write.publishing), not published.
        self.as_draft = as_draft
        self.agent = agent
        self.reason = reason
        self.unit = unit
        self.batch_size = batch_size
        self.on_written = on_written
        self.pipeline = Pipeline(kb)
        self.report = ImportReport()
        self._pending: list[Record] = []
        self._started = time.perf_counter()

    def add(self, record: Record) -> None:
        self._pending.append(record)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def holds(self, claim: URIRef) -> bool:
        """Whether ``claim`` is a record's claim waiting to be written in the next batch."""
        return any(record.claim == claim for record in self._pending)

    def reject(self, number: int, message: str) -> None:
        self.report.problems.append(Problem(number, message, self.unit))

    def flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            with bulk_write():
                self._write(batch)
            if self.on_written:
                self.on_written(len(batch))

    def finish(self) -> ImportReport:
        self.flush()
        self.report.problems.sort(key=lambda p: p.number)
        self.report.seconds = time.perf_counter() - self._started
        return self.report

    # --- one batch -------------------------------------------------------------------------

    def _write(self, batch: list[Record]) -> None:
        existing = self._existing_triples(batch)
        held = {node for node, triples in existing.items() if triples}
        fresh = []
        for record in batch:
            if self._already_held(record, existing, held):
                self.report.unchanged += 1
            else:
                fresh.append(record)
        if not fresh:
            return
        accepted, change = self._validated(fresh, existing)
        if change is None or change.is_empty:
            return
        if self.as_draft:
            new = {r.claim for r in accepted if not existing.get(r.claim)}
            change.private |= new
            change.added |= {t for claim in new for t in draft_triples(claim)}
        agent = self.kb.agent(self.agent)
        first, last = accepted[0].number, accepted[-1].number
        reason = (
            f"{self.reason} ({self.unit}s {first}–{last})" if first != last else f"{self.reason} ({self.unit} {first})"
        )
        info = self.pipeline.commit(
            change, agent=agent, reason=reason, extra={(agent, RDFS.label, Literal(self.agent))}
        )
        if info is not None:
            self.report.revisions.append(info.number)
            self.report.triples += info.added
        self.report.imported += len(accepted)

    def _existing_triples(self, batch: list[Record]) -> dict[URIRef, set[Triple]]:
        nodes: set[URIRef] = set()
        for record in batch:
            nodes |= record.subjects
        described = self.kb.repository.describe(sorted(nodes), editorial=True)
        existing: dict[URIRef, set[Triple]] = {node: set() for node in nodes}
        for triple in described:
            if triple[1] != CK.version:
                existing[triple[0]].add(triple)  # type: ignore[index]
        return existing

    @staticmethod
    def _already_held(record: Record, existing: dict[URIRef, set[Triple]], held: set[URIRef]) -> bool:
        for triple in record.own:
            if triple not in existing.get(URIRef(str(triple[0])), set()):
                return False
        return all(node in held for node in record.shared)

    def _graph(self, records: Iterable[Record], existing: dict[URIRef, set[Triple]]) -> Graph:
        """The records' own triples, and each shared node the knowledge base lacks, described once."""
        held = {node for node, triples in existing.items() if triples}
        graph = new_graph()
        described: set[URIRef] = set()
        for record in records:
            for triple in record.own:
                graph.add(triple)
            for node, triples in record.shared.items():
                if node in described:
                    continue
                described.add(node)
                # A node the knowledge base holds is validated as it stands, not as the record has it.
                for triple in existing[node] if node in held else triples:
                    graph.add(triple)
        return graph

    def _change(self, records: list[Record], existing: dict[URIRef, set[Triple]]) -> Change:
        """The change that writes ``records``, statuses derived, after checking the shapes (the pipeline's).

        Every node of the batch is checked, with what the knowledge base already holds of it.
        """
        before = new_graph()
        for triples in existing.values():
            for triple in triples:
                before.add(triple)
        draft = self.pipeline.additions(
            self._graph(records, existing), before=before, claims={record.claim for record in records}
        )
        return self.pipeline.prepare(draft, refuse=shape_report)

    def _validated(
        self, records: list[Record], existing: dict[URIRef, set[Triple]]
    ) -> tuple[list[Record], Change | None]:
        """The records that pass the shapes together, and their change; the others are reported."""
        try:
            return records, self._change(records, existing)
        except ValidationFailed as error:
            if len(records) == 1:
                self.reject(records[0].number, _first_violation(error))
                return [], None
        middle = len(records) // 2
        left, _ = self._validated(records[:middle], existing)
        right, _ = self._validated(records[middle:], existing)
        accepted = left + right
        if not accepted:
            return [], None
        if len(accepted) < len(records):
            return self._validated(accepted, existing)
        # Each half passes alone but not both together: add the right half's records one by one.
        for record in right:
            try:
                self._change([*left, record], existing)
            except ValidationFailed as error:
                self.reject(record.number, _first_violation(error))
            else:
                left.append(record)
        return left, self._change(left, existing)


def _first_violation(error: ValidationFailed) -> str:
    violations = error.details.get("violations") or []
    if not violations:
        return error.message
    first = violations[0]
    path = f" {first['path']}" if first.get("path") else ""
    more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
    return f"breaks the shapes:{path}: {first['message']}{more}"
