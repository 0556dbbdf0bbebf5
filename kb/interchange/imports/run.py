"""One entry point for every import format: read records, report bad ones, write the rest in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from claims.model import Iris
from kb.errors import KBError
from kb.interchange.imports import averitec, claimreview, liar
from kb.interchange.imports.batch import DEFAULT_BATCH, BatchWriter, ImportReport
from kb.interchange.imports.records import Record
from kb.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    agent: str
    unit: str  # what a problem's number counts: "line" or "record"
    read: Callable[[Path, Iris], Iterator[Record | tuple[int, str]]]


FORMATS: dict[str, Format] = {
    "claimreview": Format("claimreview", "ClaimReview", claimreview.AGENT, "record", claimreview.read),
    "liar": Format("liar", "LIAR", liar.AGENT, "line", liar.read),
    "averitec": Format("averitec", "AVeriTeC", averitec.AGENT, "record", averitec.read),
}


def import_file(
    kb: KnowledgeBase,
    format_name: str,
    path: Path,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: bool = False,
) -> ImportReport:
    """Import ``path``; bad records are skipped and listed in the report, never written in part.

    Raises ``KBError`` when the file as a whole cannot be read (nothing is written then).
    """
    fmt = FORMATS.get(format_name)
    if fmt is None:
        raise KBError(f"unknown import format {format_name!r}: use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise KBError(f"{path}: no such file", status=404)
    writer = BatchWriter(
        kb, agent=fmt.agent, reason=f"Imported {fmt.title} file {path.name}", unit=fmt.unit, batch_size=batch_size
    )
    first_seen: dict[str, int] = {}
    with tqdm(desc=f"{fmt.title} {path.name}", unit=fmt.unit, disable=not progress, mininterval=0.5) as bar:
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
            writer.add(item)
    return writer.finish()
