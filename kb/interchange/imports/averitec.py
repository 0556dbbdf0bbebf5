"""The AVeriTeC data set (Schlichtkrull et al., 2023): real-world claims with question-answer evidence.

Each record becomes a claim ``claims/averitec-<words>-<hash>`` (the hash is of the claim's text and
date, so the same record always lands on the same claim) by its speaker, dated on its
``claim_date``, with:

- the verdict as an evidence event (its label mapped onto our statuses through the SKOS crosswalk;
  "Not Enough Evidence" maps to *unverified*, so that event is context and leaves the claim
  unverified), citing the fact-checking article;
- each answer that gives a source URL as a context event citing that page (AVeriTeC does not say
  whether one answer supports or refutes the claim; only the verdict does).

AVeriTeC gives no date for the verdict. Its fact-checking articles are Wayback Machine addresses
whose snapshot date shows the article existed by then: the verdict and answer events are dated on
that day, and their notes say so. Without a snapshot date the claim's own date is used, the earliest
the fact-check can be, again said in the note. A record without a speaker is attributed to an entity
"Unattributed", since AVeriTeC names no claimant for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from claims import crosswalk
from claims.model import Iris, slugify
from claims.status import Stance
from kb.interchange.imports.records import (
    Record,
    RecordError,
    add_claim,
    add_event,
    archived_on,
    check_unicode,
    clean_text,
    host_of,
    http_url,
    read_json_file,
    share_entity,
    share_web_source,
    short_hash,
)

AGENT = "import-averitec"
UNATTRIBUTED = "Unattributed"


def _claim_date(value: object) -> date:
    if not isinstance(value, str):
        raise RecordError("no claim_date")
    try:
        return datetime.strptime(value.strip(), "%d-%m-%Y").date()
    except ValueError as error:
        raise RecordError(f"claim_date {value[:20]!r} is not a date like 31-10-2020") from error


def _verdict_date(article: str | None, claimed_on: date) -> tuple[date, str]:
    snapshot = archived_on(article) if article else None
    if snapshot and snapshot >= claimed_on:
        return snapshot, (
            f"AVeriTeC gives no date for the verdict; this is the day the fact-checking article was archived "
            f"({snapshot.isoformat()}), by which it had been published."
        )
    return claimed_on, (
        "AVeriTeC gives no date for the verdict; this is the date of the claim, the earliest the fact-check can be."
    )


def record_from_item(item: Any, number: int, iris: Iris) -> Record:
    """One AVeriTeC record as a claim with its evidence; ``RecordError`` says what is wrong."""
    if not isinstance(item, dict):
        raise RecordError("not a JSON object")
    check_unicode(item)
    text = clean_text(item.get("claim"), "claim")
    claimed_on = _claim_date(item.get("claim_date"))
    label = item.get("label")
    status = crosswalk.status_for(crosswalk.AVERITEC_SCHEME, label) if isinstance(label, str) else None
    if status is None:
        known = ", ".join(sorted(crosswalk.labels(crosswalk.AVERITEC_SCHEME)))
        raise RecordError(f"unknown label {str(label)[:40]!r} (AVeriTeC's labels: {known})")
    questions = item.get("questions") or []
    if not isinstance(questions, list):
        raise RecordError("questions is not a list")
    slug = f"averitec-{slugify(text, 50)}-{short_hash(text, claimed_on.isoformat())}"
    record = Record(number=number, claim=iris.claim(slug))
    speaker = item.get("speaker")
    speaker_name = clean_text(speaker, "speaker", limit=200) if isinstance(speaker, str) and speaker.strip() else None
    claimant = share_entity(record, iris, speaker_name or UNATTRIBUTED)
    notes = []
    if not speaker_name:
        notes.append("AVeriTeC names no speaker for this claim.")
    reporting = item.get("reporting_source")
    if isinstance(reporting, str) and reporting.strip():
        notes.append(f"Reported by: {' '.join(reporting.split())[:200]}.")
    claim = add_claim(
        record,
        slug=slug,
        text=text,
        claimant=claimant,
        claimed_on=claimed_on,
        note=" ".join(["From the AVeriTeC data set.", *notes]),
    )
    original = http_url(item.get("original_claim_url"))
    if original:
        claim.first_appearance = share_web_source(
            record, iris, original, f"Where the claim appeared ({host_of(original)})"
        )

    article = http_url(item.get("fact_checking_article"))
    when, dated = _verdict_date(article, claimed_on)
    article_source = (
        share_web_source(record, iris, article, f"Fact-checking article ({host_of(article)})") if article else None
    )
    annotators = share_entity(record, iris, "AVeriTeC annotators")
    concept = crosswalk.labels(crosswalk.AVERITEC_SCHEME)[label]  # type: ignore[index]
    justification = item.get("justification")
    because = " ".join(justification.split()) if isinstance(justification, str) and justification.strip() else None
    add_event(
        record,
        iris.event(f"{slug}-verdict"),
        when=when,
        stance=crosswalk.VERDICT_STANCE.get(status, Stance.CONTEXT),
        name=f"AVeriTeC: “{concept.label}”",
        actor=annotators,
        source=article_source,
        note="\n\n".join(p for p in (f"Verdict: **{label}**.", because, dated) if p),
    )
    for q_index, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            raise RecordError(f"question {q_index} is not a JSON object")
        asked = question.get("question")
        answers = question.get("answers") or []
        if not isinstance(asked, str) or not asked.strip() or not isinstance(answers, list):
            raise RecordError(f"question {q_index} has no question text or no list of answers")
        for a_index, answer in enumerate(answers, start=1):
            if not isinstance(answer, dict):
                raise RecordError(f"answer {a_index} of question {q_index} is not a JSON object")
            url = http_url(answer.get("source_url"))
            said = answer.get("answer")
            if url is None or not isinstance(said, str) or not said.strip():
                continue
            add_event(
                record,
                iris.event(f"{slug}-q{q_index}-a{a_index}"),
                when=when,
                stance=Stance.CONTEXT,
                name=" ".join(asked.split()),
                actor=annotators,
                source=share_web_source(record, iris, url, f"Web page cited by AVeriTeC ({host_of(url)})"),
                note=f"**Q:** {' '.join(asked.split())}\n\n**A:** {' '.join(said.split())[:5000]}\n\n{dated}",
            )
    return record


def read(path: Path, iris: Iris) -> Iterator[Record | tuple[int, str]]:
    """Each item of the JSON list in ``path`` as a record, or ``(record number, problem)``."""
    items, problem = read_json_file(path)
    if problem is not None:
        yield 0, problem
        return
    if not isinstance(items, list):
        yield 0, "expected a JSON list of AVeriTeC records"
        return
    for number, item in enumerate(items, start=1):
        try:
            yield record_from_item(item, number, iris)
        except RecordError as error:
            yield number, str(error)
