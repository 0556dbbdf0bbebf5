"""One entry point for every import format: read records, report bad ones, write the rest in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from tqdm import tqdm

from claims.model import Iris
from kb.errors import KBError
from kb.interchange.imports import averitec, claimreview, liar
from kb.interchange.imports.batch import DEFAULT_BATCH, BatchWriter, ImportReport
from kb.interchange.imports.matching import MatchingAhead, Wanted
from kb.interchange.imports.records import Record
from kb.knowledge import KnowledgeBase
from kb.language import detect_or_default
from kb.read.matching import Matcher


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    agent: str
    unit: str  # what a problem's number counts: "line" or "record"
    read: Callable[[Path, Iris], Iterator[Record | tuple[int, str]]]
    language: str | None = None  # the language of every record, when the data set is in one


FORMATS: dict[str, Format] = {
    "claimreview": Format("claimreview", "ClaimReview", claimreview.AGENT, "record", claimreview.read),
    # LIAR (PolitiFact statements) and AVeriTeC are English data sets: no record needs detecting.
    "liar": Format("liar", "LIAR", liar.AGENT, "line", liar.read, language="en"),
    "averitec": Format("averitec", "AVeriTeC", averitec.AGENT, "record", averitec.read, language="en"),
}

# Matching an import: the best of a few candidates is enough to say "the same claim" (and cheap).
IMPORT_CANDIDATES = 5


def wanted(record: Record) -> Wanted | None:
    """What matching needs of the record's claim (its own claim left out: a file imported again)."""
    model = record.model
    if model is None:
        return None
    return Wanted(
        text=model.text,
        language=model.language,
        claimant=str(model.claimant) if model.claimant else None,
        claimed=model.claimed_on,
        claim=str(record.claim),
    )


def link_same_claim(record: Record, same: URIRef, writer: BatchWriter, recorded: Callable[[URIRef], bool]) -> bool:
    """Link the record's claim to ``same``, the claim matching found it says the same as (a
    ``same_claim`` verdict, within the record's language and with its claimant counted).

    Only a claim recorded by now is linked: one the writer still holds is written first, and an index
    built from another store (or behind it) links nothing.
    """
    model = record.model
    if model is None:
        return False
    if writer.holds(same):
        writer.flush()
    if not recorded(same):
        return False
    if same not in model.same_as:
        model.same_as.append(same)
        record._own = None  # made again with the link
    return True


def import_file(
    kb: KnowledgeBase,
    format_name: str,
    path: Path,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: bool = False,
    matcher: Matcher | None = None,
    as_draft: bool = False,
) -> ImportReport:
    """Import ``path``; bad records are skipped and listed in the report, never written in part.

    Each claim keeps the language the data gives, or has it detected. With a ``matcher`` (the
    knowledge base's search index), a record saying what a claim recorded before says is linked to
    it as the same claim, and the report counts them (``linked``).

    With ``as_draft`` the new claims land as drafts (editors publish them), else published.

    Raises ``KBError`` when the file as a whole cannot be read (nothing is written then).
    """
    fmt = FORMATS.get(format_name)
    if fmt is None:
        raise KBError(f"unknown import format {format_name!r}: use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise KBError(f"{path}: no such file", status=404)
    writer = BatchWriter(
        kb,
        agent=fmt.agent,
        reason=f"Imported {fmt.title} file {path.name}",
        unit=fmt.unit,
        batch_size=batch_size,
        as_draft=as_draft,
    )
    first_seen: dict[str, int] = {}

    def recorded(iri: URIRef) -> bool:
        # a pattern lookup (EXISTS's triples, without a SPARQL query), then the unpublished graph
        return bool(kb.store.triples_of(iri)) or bool(kb.repository.unpublished([iri]))

    # Matched a few chunks ahead of the writer, by a second process once the import is large enough.
    ahead = MatchingAhead(matcher) if matcher is not None else None

    def write(record: Record, same: str | None) -> None:
        if same is not None:
            writer.report.linked += link_same_claim(record, URIRef(same), writer, recorded)
        writer.add(record)

    with (
        tqdm(desc=f"{fmt.title} {path.name}", unit=fmt.unit, disable=not progress, mininterval=0.5) as bar,
        closing(ahead) if ahead is not None else nullcontext(),
    ):
        for item in fmt.read(path, kb.iris):
            bar.update(1)
            if isinstance(item, tuple):
                number, message = item
                if number == 0:
                    raise KBError(f"{path}: {message}; nothing was imported.")
                writer.report.records += 1
                writer.reject(number, message)
                continue
            writer.report.records += 1
            earlier = first_seen.setdefault(str(item.claim), item.number)
            if earlier != item.number:
                writer.reject(item.number, f"the same claim as {fmt.unit} {earlier} ({item.claim})")
                continue
            if item.model is not None and not item.model.language:
                item.model.language = fmt.language or detect_or_default(item.model.text)
                item._own = None
            if ahead is None:
                write(item, None)
            else:
                for record, same in ahead.submit(item, wanted(item)):
                    write(record, same)
        if ahead is not None:
            for record, same in ahead.drain():
                write(record, same)
            writer.report.matching_seconds = ahead.seconds
    return writer.finish()
