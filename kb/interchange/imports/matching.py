"""Matching an import's records in a second process, a few chunks ahead of the writing.

An import writes on one core (parsing, shapes, the revision); matching each record against the
search index costs about a third as much again. So once an import has ``CHUNK`` records, a second
process (``python -m kb.interchange.imports.matching``) opens the same index read-only and matches
the records ``CHUNK`` at a time, up to ``AHEAD`` chunks before the writer needs their answers. Until
it says it is ready (about 0.6 s), records are matched in this process, and it is told of them after.
On two cores, matching then costs the import a tenth of its time instead of a third (its CPU is
spent all the same, on the other core).

Matching ahead means the index may not hold yet the claims this import wrote a moment before: the
index follows the revisions on its own, and the records just matched are still being written. So the
second process also keeps the import's last ``RECENT`` records in memory and compares each record
with those too (``RecentClaims``): a twin earlier in the same file is found whether or not the index
has it yet. The answer for each record is the claim it says the same as, or none; the writer links
it only to a claim recorded by then (``kb.interchange.imports.run``).

If the second process cannot start or fails, the records it was given and all after are matched in
this process, as small imports always are: slower, never different in kind.
"""

from __future__ import annotations

import heapq
import logging
import math
import pickle
import sys
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from claims import matching
from kb.child import Child
from kb.errors import KBError
from kb.language import detect_or_default
from kb.read.matching import Matcher

log = logging.getLogger(__name__)

CHUNK = 100  # records sent to the second process at a time
AHEAD = 6  # chunks matched ahead of the writer: more than two batches, so that it works while one is written
RECENT = 5_000  # records of the same import compared in memory (the index may not hold them yet)
COMMON_SHARE, COMMON_HELD = 0.05, 50  # a stem held by more claims than both is not looked up
READY = "ready"  # what the second process says once it can match


@dataclass(frozen=True)
class Wanted:
    """One record to match: its claim's text, language, claimant, date, and its own IRI (left out)."""

    text: str
    language: str | None
    claimant: str | None
    claimed: date | None
    claim: str


def analysed(wanted: Wanted) -> tuple[str, matching.Analysed]:
    """``wanted``'s language tag (detected when the record gives none) and its text as the rules read it."""
    language = wanted.language or detect_or_default(wanted.text)
    return language, matching.analyse(wanted.text, language, wanted.claimant, wanted.claimed)


def best_same_claim(matcher: Matcher, wanted: Wanted, recent: RecentClaims | None = None) -> str | None:
    """The IRI of the claim ``wanted`` says the same as (``same_claim`` by the rules), or None.

    The best candidate of the index, and of ``recent`` when given: whichever scores higher.
    """
    language, query = analysed(wanted)
    try:
        found = matcher.match(
            wanted.text,
            language=language,
            claimant=wanted.claimant,
            claimed=wanted.claimed,
            limit=1,
            exclude=wanted.claim,
            analysed=query,
        )
    except KBError:  # a text the matcher refuses, or an index that cannot be read: not linked
        return None
    best = (found[0].score, found[0].iri) if found and found[0].same_claim else None
    if recent is not None:
        near = recent.best(query, exclude=wanted.claim)
        recent.add(wanted.claim, query)
        if near is not None and (best is None or near[0] > best[0]):
            best = near
    return best[1] if best else None


class RecentClaims:
    """The last ``keep`` claims of an import, analysed, with their stems indexed in memory.

    Candidates are the claims sharing the most of a text's stems, each stem weighted by how rare it
    is among them (as the index's BM25 does); the rules then judge the best few.
    """

    def __init__(self, keep: int = RECENT, candidates: int = 5) -> None:
        self.keep = keep
        self.candidates = candidates
        self._order: deque[str] = deque()
        self._held: dict[str, matching.Analysed] = {}
        self._by_stem: dict[tuple[str, str], set[str]] = {}

    def add(self, iri: str, analysed: matching.Analysed) -> None:
        if iri in self._held:
            self._forget(iri)
        self._order.append(iri)
        self._held[iri] = analysed
        for stem in analysed.stems:
            self._by_stem.setdefault((analysed.language, stem), set()).add(iri)
        while len(self._order) > self.keep:
            self._forget(self._order[0])

    def _forget(self, iri: str) -> None:
        analysed = self._held.pop(iri)
        self._order.remove(iri)
        for stem in analysed.stems:
            holding = self._by_stem.get((analysed.language, stem))
            if holding is not None:
                holding.discard(iri)
                if not holding:
                    del self._by_stem[(analysed.language, stem)]

    def best(self, query: matching.Analysed, *, exclude: str | None = None) -> tuple[float, str] | None:
        """The score and IRI of the held claim that says the same as ``query``, if one does."""
        shared: defaultdict[str, float] = defaultdict(float)
        total = len(self._held)
        common = max(COMMON_HELD, COMMON_SHARE * total)
        for stem in query.stems:
            holding = self._by_stem.get((query.language, stem))
            # The very common stems are left out (as the index's search leaves out its very common
            # words): they weigh little, and would cost a look at most of the claims held.
            if holding and len(holding) <= common:
                weight = math.log(1 + total / len(holding))
                for iri in holding:
                    shared[iri] += weight
        shared.pop(exclude or "", None)
        best: tuple[float, str] | None = None
        for iri, _weight in heapq.nlargest(self.candidates, shared.items(), key=lambda item: (item[1], item[0])):
            verdict = matching.assess(query, self._held[iri]).verdict
            if verdict.same_claim and (best is None or verdict.score > best[0]):
                best = (verdict.score, iri)
        return best


class _Helper:
    """The second process (``kb.child.Child``). It says ``READY`` once it has the index open; then each
    ``("match", chunk)`` gets a list of answers and each ``("keep", records)`` none (records matched
    here while it started, which it compares later records with)."""

    def __init__(self, path: Path, backend: str, candidates: int) -> None:
        self.child = Child("kb.interchange.imports.matching", str(path), backend, str(candidates))
        self.ready = False

    def is_ready(self, *, wait: bool = False) -> bool:
        """Whether it has said it is ready (without waiting for it, unless ``wait``); OSError if it failed."""
        if not self.ready and (wait or self.child.has_output()):
            self.ready = self.child.receive() == READY
            if not self.ready:
                raise OSError("it did not start")
        return self.ready

    def send(self, kind: str, records: list[Wanted | None]) -> bool:
        return self.child.send((kind, records))

    def receive(self, size: int) -> list[str | None] | None:
        found = self.child.receive()
        if not (isinstance(found, list) and len(found) == size):
            return None
        return found

    def close(self) -> str:
        """Stop it (its input closed, it ends on its own) and return the end of what it wrote to stderr."""
        return self.child.stop(wait=5)


Chunk = list[tuple[Any, Wanted | None]]


class MatchingAhead:
    """Matches records a few chunks before the writer takes them: ``submit`` each record, and take back
    from it (and from ``drain`` at the end) the records whose answers are in, in the order submitted.

    The second process starts once ``CHUNK`` records are waiting and the matcher's index can be opened
    by another process (it has a ``path`` and a ``backend``). Records are matched here until it says
    it is ready (so its start costs the import nothing), and all of them if it fails.
    """

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.location = _location(matcher.index)
        self.seconds = 0.0  # spent waiting for answers or matching here
        self.ahead = 0  # records the second process matched
        self._helper: _Helper | None = None
        self._failed = self.location is None
        self._waiting: Chunk = []
        self._sent: deque[Chunk] = deque()
        self._kept: list[Wanted | None] = []  # matched here while it started: it is told of them
        self._recent = RecentClaims()  # the import's own records, as the second process keeps them

    def submit(self, item: Any, wanted: Wanted | None) -> list[tuple[Any, str | None]]:
        """Take ``item`` to match as ``wanted`` says (None: nothing to match, kept in its place); return
        the records answered meanwhile, each with the IRI of the claim it says the same as, or None."""
        self._waiting.append((item, wanted))
        if len(self._waiting) < CHUNK:
            return []
        chunk, self._waiting = self._waiting, []
        return list(self._chunk(chunk))

    def drain(self) -> Iterator[tuple[Any, str | None]]:
        """The records still waiting, answered: the last chunk by the second process too, if it is
        running (it holds the import's records that chunk is compared with)."""
        chunk, self._waiting = self._waiting, []
        there = bool(chunk) and self._helper is not None and self._helper.ready
        if there:
            yield from self._chunk(chunk)
        while self._sent:
            yield from self._answers(self._sent.popleft())
        if not there:
            yield from self._here(chunk)
        self.close()

    def close(self) -> None:
        if self._helper is not None:
            said = self._helper.close()
            self._helper = None
            if self._sent:
                log.warning("import matching: the second process stopped early (%s)", said)

    def _chunk(self, chunk: Chunk) -> Iterator[tuple[Any, str | None]]:
        helper = self._ready_helper()
        if helper is None:
            if not self._failed:  # still starting: matched here, and it is told of them later
                self._kept.extend(wanted for _item, wanted in chunk)
            yield from self._here(chunk)
            return
        if (not self._kept or helper.send("keep", self._kept)) and helper.send(
            "match", [wanted for _item, wanted in chunk]
        ):
            self._kept = []
            self._sent.append(chunk)
            self.ahead += len(chunk)
            while len(self._sent) > AHEAD:
                yield from self._answers(self._sent.popleft())
            return
        self._fail("taking records")
        while self._sent:
            yield from self._here(self._sent.popleft())
        yield from self._here(chunk)

    def start(self, *, wait: bool = False) -> bool:
        """Start the second process now rather than at the first chunk; with ``wait``, until it is
        ready (or has failed). True if it is ready."""
        return self._ready_helper(wait=wait) is not None

    def _ready_helper(self, *, wait: bool = False) -> _Helper | None:
        """The second process if it is ready; started if it was not yet."""
        if self._failed or self.location is None:
            return None
        try:
            if self._helper is None:
                self._helper = _Helper(*self.location, self.matcher.candidates)
            return self._helper if self._helper.is_ready(wait=wait) else None
        except OSError as error:  # no interpreter to start (an embedded Python), or it died: match here
            self._fail(f"starting ({error})")
            return None

    def _answers(self, chunk: Chunk) -> Iterator[tuple[Any, str | None]]:
        found = None
        if self._helper is not None:
            started = time.perf_counter()
            found = self._helper.receive(len(chunk))
            self.seconds += time.perf_counter() - started
        if found is None:
            self._fail("matching")
            yield from self._here(chunk)
            return
        for (item, _wanted), iri in zip(chunk, found, strict=True):
            yield item, iri if isinstance(iri, str) else None

    def _here(self, chunk: Chunk) -> Iterator[tuple[Any, str | None]]:
        for item, wanted in chunk:
            if wanted is None:
                yield item, None
                continue
            started = time.perf_counter()
            iri = best_same_claim(self.matcher, wanted, self._recent)
            self.seconds += time.perf_counter() - started
            yield item, iri

    def _fail(self, doing: str) -> None:
        if self._failed:
            return
        self._failed = True
        if self._helper is not None:
            said = self._helper.close()
            self._helper = None
            log.warning("import matching: the second process failed while %s (%s); matching here", doing, said)


def _location(index: object) -> tuple[Path, str] | None:
    path, backend = getattr(index, "path", None), getattr(index, "backend", None)
    if isinstance(path, Path) and isinstance(backend, str):
        return path, backend
    return None


def main(argv: list[str]) -> int:
    """The second process: say ``READY``, then answer every message read from stdin (see ``_Helper``)."""
    from kb.search.service import open_index

    path, backend, candidates = Path(argv[0]), argv[1], int(argv[2])
    index = open_index(path, backend)
    matcher = Matcher(index, candidates=candidates)
    recent = RecentClaims()
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    pickle.dump(READY, sink, pickle.HIGHEST_PROTOCOL)
    sink.flush()
    while True:
        try:
            kind, records = pickle.load(source)  # noqa: S301 - from the process that started us, through our pipe
        except EOFError:
            break
        if kind == "keep":
            for wanted in records:
                if wanted is not None:
                    recent.add(wanted.claim, analysed(wanted)[1])
            continue
        found = [best_same_claim(matcher, wanted, recent) if wanted is not None else None for wanted in records]
        pickle.dump(found, sink, pickle.HIGHEST_PROTOCOL)
        sink.flush()
    index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
