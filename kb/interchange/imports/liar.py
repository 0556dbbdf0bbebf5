"""The LIAR data set (Wang, ACL 2017): PolitiFact statements in a tab-separated file of 14 columns.

Each row becomes a claim ``claims/liar-<id>`` by its speaker, with its subjects as topics, and
PolitiFact's rating as a verdict event, mapped onto our statuses through the SKOS crosswalk
(``claims/crosswalk.ttl``). LIAR gives no dates: the claim gets no ``schema:datePublished``, and the
verdict event is dated on the day LIAR v1.0 was released (its README: 04/23/2017), the one date by
which every rating in it is known to have been published; the event's note says so. The five
credit-history counts are about the speaker's other statements and are not imported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from claims import crosswalk
from claims.model import Iris, Source
from kb.interchange.imports.records import (
    Record,
    RecordError,
    add_claim,
    add_event,
    clean_text,
    share_entity,
    share_topic,
)

AGENT = "import-liar"
COLUMNS = 14
RELEASED = date(2017, 4, 23)
ID_RE = re.compile(r"^([0-9]+)\.json$")
DATASET_SLUG = "liar-dataset"


def _words(value: str) -> str:
    """``"dwayne-bohac"`` -> ``"Dwayne Bohac"``: LIAR gives speakers and subjects as slugs."""
    return " ".join(part.capitalize() for part in value.replace("-", " ").split())


def _dataset_source(record: Record, iris: Iris) -> None:
    record.share(
        Source(
            iri=iris.source(DATASET_SLUG),
            slug=DATASET_SLUG,
            headline="LIAR: A Benchmark Dataset for Fake News Detection (v1.0)",
            published=RELEASED,
            note=(
                "William Yang Wang, “Liar, Liar Pants on Fire”: A New Benchmark Dataset for Fake News "
                "Detection, ACL 2017. PolitiFact statements with PolitiFact's ratings; for research use only."
            ),
            kind="CreativeWork",
        )
    )


def record_from_row(row: list[str], number: int, iris: Iris) -> Record:
    """One LIAR row as a record; ``RecordError`` says what is wrong with a bad row."""
    if len(row) != COLUMNS:
        raise RecordError(f"expected {COLUMNS} tab-separated columns, found {len(row)}")
    identifier, label, statement, subjects, speaker, job, state, party = (c.strip() for c in row[:8])
    context = row[13].strip()
    match = ID_RE.match(identifier)
    if not match:
        raise RecordError(f"the id {identifier[:40]!r} is not like 2635.json")
    status = crosswalk.status_for(crosswalk.LIAR_SCHEME, label)
    if status is None:
        known = ", ".join(sorted(crosswalk.labels(crosswalk.LIAR_SCHEME)))
        raise RecordError(f"unknown label {label[:40]!r} (LIAR's labels: {known})")
    text = clean_text(statement, "statement")
    if not re.search("[A-Za-z0-9]", speaker):
        raise RecordError("no speaker")
    slug = f"liar-{match.group(1)}"
    record = Record(number=number, claim=iris.claim(slug))
    kind = "Person" if job else "Organization"
    claimant = share_entity(record, iris, _words(speaker), kind=kind)
    facts = [
        f"{name}: {value}"
        for name, value in (("speaker's job title", job), ("state", state), ("party", party), ("context", context))
        if value
    ]
    note = f"From the LIAR data set, statement {identifier}." + (
        " LIAR records " + "; ".join(facts) + "." if facts else ""
    )
    claim = add_claim(record, slug=slug, text=text, claimant=claimant, note=note)
    for subject in subjects.split(","):
        if subject.strip():
            topic = share_topic(record, iris, _words(subject.strip()))
            if topic not in claim.topics:
                claim.topics.append(topic)
    politifact = share_entity(record, iris, "PolitiFact")
    _dataset_source(record, iris)
    concept = crosswalk.labels(crosswalk.LIAR_SCHEME)[label]
    add_event(
        record,
        iris.event(f"{slug}-verdict"),
        when=RELEASED,
        stance=crosswalk.VERDICT_STANCE[status],
        name=f"PolitiFact rates it “{concept.label}”",
        actor=politifact,
        source=iris.source(DATASET_SLUG),
        note=(
            f"PolitiFact's rating in the LIAR data set: **{label}** ({concept.definition}) "
            "LIAR gives no date for the rating; this event is dated on the data set's release, "
            "23 April 2017, by which the rating had been published."
        ),
    )
    return record


def read(path: Path, iris: Iris) -> Iterator[Record | tuple[int, str]]:
    """Each line of ``path`` as a record, or ``(line number, problem)`` for a bad line."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if any("\ufffd" in cell for cell in row):
                yield number, "not UTF-8 text"
                continue
            try:
                yield record_from_row(row, number, iris)
            except RecordError as error:
                yield number, str(error)
