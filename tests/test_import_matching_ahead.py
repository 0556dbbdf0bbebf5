"""A large import's records are matched by a second process, ahead of the writer, with the same answers.

Real LIAR statements, the app's real search index over the seeded knowledge base, the real second
process (``python -m kb.interchange.imports.matching``) and the real importer.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from claims import matching
from kb.interchange.imports.matching import MatchingAhead, RecentClaims, Wanted, best_same_claim
from kb.interchange.imports.run import IMPORT_CANDIDATES, import_file
from kb.read.matching import Matcher
from tests.matching_eval import SHARED
from tests.test_import_matching import EXISTING, REWORDED

LIAR_ROWS = (SHARED / "liar" / "valid.tsv").read_text(encoding="utf-8").splitlines(keepends=True)[:260]


def statement(row: str) -> str:
    return row.split("\t")[2]


def wanted_records() -> list[Wanted]:
    """260 real statements, the seed's claim reworded among them, and a restatement of the first at the end."""
    records = [
        Wanted(statement(row), "en", None, None, f"https://example.org/claims/liar-row-{n}")
        for n, row in enumerate(LIAR_ROWS)
    ]
    records.insert(150, Wanted(REWORDED, "en", None, None, "https://example.org/claims/reworded"))
    records.append(Wanted(statement(LIAR_ROWS[0]), "en", None, None, "https://example.org/claims/again"))
    return records


def matched(ahead: MatchingAhead, records: list[Wanted]) -> list[str | None]:
    answers: list[tuple[int, str | None]] = []
    for number, record in enumerate(records):
        answers.extend(ahead.submit(number, record))
    answers.extend(ahead.drain())
    assert [number for number, _ in answers] == list(range(len(records)))  # in the order submitted
    return [iri for _, iri in answers]


@pytest.fixture
def matcher(app: Any) -> Matcher:
    from webapp.extensions import get_search

    with app.app_context():
        return Matcher(get_search(), IMPORT_CANDIDATES)


def test_the_second_process_answers_as_this_one_would(matcher: Matcher, kb: Any) -> None:
    records = wanted_records()
    recent = RecentClaims()
    expected = [best_same_claim(matcher, record, recent) for record in records]
    assert expected[150] == str(kb.iris.claim(EXISTING))  # from the index
    assert expected[-1] == records[0].claim  # from the import's own records, which the index lacks
    assert sum(iri is not None for iri in expected) < len(records) // 4  # most statements are new

    ahead = MatchingAhead(matcher)
    assert ahead.start(wait=True)
    assert matched(ahead, records) == expected
    assert ahead.ahead == len(records)  # every record went to the second process, the last part-chunk too


def test_a_second_process_that_fails_leaves_the_matching_here(
    matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    records = wanted_records()
    recent = RecentClaims()
    expected = [best_same_claim(matcher, record, recent) for record in records]
    ahead = MatchingAhead(matcher)
    assert ahead.location is not None
    ahead.location = (ahead.location[0], "no-such-engine")  # it cannot open the index, and exits
    with caplog.at_level(logging.WARNING, logger="kb.interchange.imports.matching"):
        assert not ahead.start(wait=True)
        assert matched(ahead, records) == expected
    assert ahead.ahead == 0
    assert "failed while starting" in caplog.text and "no-such-engine" in caplog.text


def test_recent_claims_finds_a_restatement_and_forgets_the_oldest() -> None:
    recent = RecentClaims(keep=3)
    texts = [
        "The state cut school funding by $10 billion last year.",
        "Unemployment in the county fell to 4 percent in March.",
        "The mayor doubled the number of bus lines.",
    ]
    for number, text in enumerate(texts):
        recent.add(f"c{number}", matching.analyse(text, "en"))
    reworded = matching.analyse("Last year the state cut funding for schools by $10 billion.", "en")
    found = recent.best(reworded)
    assert found is not None and found[1] == "c0" and found[0] >= matching.SAME_CLAIM_THRESHOLD
    assert recent.best(reworded, exclude="c0") is None  # a claim is not its own match
    opposite = matching.analyse("The state raised school funding by $10 billion last year.", "en")
    assert recent.best(opposite) is None  # the rules' verdict, not shared words alone
    recent.add("c3", matching.analyse("A new bridge opened over the river in May.", "en"))
    assert recent.best(reworded) is None  # c0, the oldest of four, is no longer held


def test_an_import_links_to_the_index_and_to_its_own_earlier_records(matcher: Matcher, kb: Any, tmp_path: Path) -> None:
    """More rows than a chunk: the second process may match some of them; the links are the same."""
    first = LIAR_ROWS[0].split("\t")
    again = "\t".join(["9999.json", *first[1:]])  # the first row's statement, again, as another record
    reworded = "\t".join(["9998.json", "false", REWORDED, *first[3:]])
    path = tmp_path / "liar.tsv"
    path.write_text("".join(LIAR_ROWS[:150]) + reworded + "".join(LIAR_ROWS[150:]) + again, encoding="utf-8")
    report = import_file(kb, "liar", path, matcher=matcher)
    assert report.imported == len(LIAR_ROWS) + 2 and not report.problems
    first_claim = kb.iris.claim("liar-" + first[0].removesuffix(".json"))
    assert kb.claim_page("liar-9999").claim.same_as == [first_claim]
    assert kb.claim_page("liar-9998").claim.same_as == [kb.iris.claim(EXISTING)]
    assert 2 <= report.linked < len(LIAR_ROWS) // 4
