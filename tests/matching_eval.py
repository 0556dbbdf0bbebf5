"""The labelled matching pairs and a realistic pool of claims to match them in (tests and bench share it).

The pool is several thousand real claims — the whole LIAR validation file, the first claims of the
LIAR training file and the AVeriTeC development claims — plus the short Spanish, French and German
claims written for the labelled set (``tests/data/matching-claims.json``), indexed by the real
search engine. ``evaluate`` runs every pair of ``tests/data/matching-pairs.jsonl`` through the
``Matcher`` and returns recall@5 and the precision and recall of ``same_claim``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.language import detect_or_default
from kb.read.matching import Matcher
from kb.search import SearchIndex
from kb.search.documents import ClaimDocument, Linked

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
PAIRS = DATA / "matching-pairs.jsonl"
WRITTEN_CLAIMS = DATA / "matching-claims.json"
BASE = "https://example.org/claims/"
TRAIN_CLAIMS = 2500  # claims of the LIAR training file added to the pool


@dataclass(frozen=True)
class Pair:
    id: int
    kind: str
    same: bool
    language: str
    query: str
    target: str  # "liar:ID", "averitec:N" or "ml:KEY"
    target_text: str

    @property
    def slug(self) -> str:
        return slug_of(self.target)


def slug_of(ref: str) -> str:
    kind, key = ref.split(":", 1)
    return f"{kind}-{key.removesuffix('.json')}".lower()


def pairs() -> list[Pair]:
    return [Pair(**json.loads(line)) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _document(ref: str, text: str, speaker: str | None, language: str | None = None) -> ClaimDocument:
    slug = slug_of(ref)
    claimant = Linked(speaker, speaker.replace("-", " "), f"{BASE}entities/{speaker}") if speaker else None
    return ClaimDocument(
        iri=BASE + slug,
        slug=slug,
        name=text,
        text=text,
        claimant=claimant,
        language=language or detect_or_default(text),
    )


def pool_documents(train_claims: int = TRAIN_CLAIMS) -> Iterator[ClaimDocument]:
    """The pool: LIAR validation + the first ``train_claims`` of LIAR training + AVeriTeC + ours."""
    for name, limit in (("valid.tsv", None), ("train.tsv", train_claims)):
        with (SHARED / "liar" / name).open(encoding="utf-8") as handle:
            for n, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)):
                if limit is not None and n >= limit:
                    break
                if len(row) > 4 and row[2].strip():
                    yield _document(f"liar:{row[0]}", row[2], row[4] or None)
    for n, record in enumerate(json.loads((SHARED / "averitec" / "dev-400.json").read_text(encoding="utf-8"))):
        speaker = (record.get("speaker") or "").strip().lower().replace(" ", "-") or None
        yield _document(f"averitec:{n}", record["claim"], speaker)
    for claim in json.loads(WRITTEN_CLAIMS.read_text(encoding="utf-8")):
        yield _document(f"ml:{claim['key']}", claim["text"], None, claim["language"])


@dataclass
class Figures:
    recall_at_5: float
    precision: float
    recall: float
    positives: int
    negatives: int
    pool: int
    misses: list[Pair] = field(default_factory=list)  # positives not in the top 5
    false_same: list[Pair] = field(default_factory=list)  # negatives called the same claim
    missed_same: list[Pair] = field(default_factory=list)  # positives not called the same claim


def evaluate(index: SearchIndex, pool: int, *, given_language: bool = False) -> Figures:
    """Every labelled pair through the matcher over ``index``: recall@5 and same_claim's precision and recall."""
    matcher = Matcher(index)
    found_at_5 = true_same = false_same = 0
    figures = Figures(0.0, 0.0, 0.0, 0, 0, pool)
    for pair in pairs():
        matches = matcher.match(pair.query, limit=5, language=pair.language if given_language else None)
        hit = next((m for m in matches if m.slug == pair.slug), None)
        said_same = hit is not None and hit.same_claim
        if pair.same:
            figures.positives += 1
            if hit is not None:
                found_at_5 += 1
            else:
                figures.misses.append(pair)
            if said_same:
                true_same += 1
            else:
                figures.missed_same.append(pair)
        else:
            figures.negatives += 1
            if said_same:
                false_same += 1
                figures.false_same.append(pair)
    figures.recall_at_5 = found_at_5 / figures.positives
    figures.recall = true_same / figures.positives
    figures.precision = true_same / (true_same + false_same) if true_same + false_same else 1.0
    return figures
