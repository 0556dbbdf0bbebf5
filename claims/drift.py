"""Quote drift: how the words quoted for a claim changed from a source to a source derived from it.

Pure functions, no I/O. A claim's quoted passages are compared along ``prov:wasDerivedFrom``
chains: a passage in a rewrite is compared with the passage of the same claim in the source it
derives from (one or several steps up), word by word, with ``difflib``.

- A **copy** carries the same words as what it copies, so a passage read in a copy stands for the
  copied source (the seed quotes Ars Technica from a full-text copy of it).
- A **translation** changes every word, so no comparison crosses one.
- Two passages are "the same passage" when at least ``MIN_SIMILARITY`` of their words match, in
  order (``SequenceMatcher.ratio`` on the words); a claim quoted in two places from different
  sentences is not drift.
- Words that one quote has beyond the other's ends (a longer or shorter selection) are not drift:
  only changes inside the span both quotes cover count.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

MIN_SIMILARITY = 1 / 3

_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class Segment:
    """A run of words that both quotes share (``equal``), or that one of them lacks."""

    op: str  # "equal", "delete" (only in the original) or "insert" (only in the derived quote)
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class QuotedPassage:
    """One quote of a claim: its IRI, the source it is in, and its exact words."""

    quote: str
    source: str
    exact: str


@dataclass(frozen=True)
class Derivation:
    """One ``prov:wasDerivedFrom`` link, with its ``ck:derivationKind`` when known."""

    source: str
    parent: str
    kind: str | None = None


@dataclass(frozen=True)
class Drift:
    """A passage of a claim whose words changed between a source and a source derived from it."""

    original: QuotedPassage
    derived: QuotedPassage
    path: tuple[str, ...]  # sources from the derived one up to the one whose words the original carries
    segments: tuple[Segment, ...]
    similarity: float
    cut_before: bool  # one quote starts earlier than the other: the diff shows the common span
    cut_after: bool

    @property
    def removed(self) -> list[str]:
        return [w for s in self.segments if s.op == "delete" for w in s.words]

    @property
    def added(self) -> list[str]:
        return [w for s in self.segments if s.op == "insert" for w in s.words]


def word_key(word: str) -> str:
    """What a word is compared by: case, curly quotes and surrounding punctuation do not count."""
    return _EDGE_PUNCTUATION.sub("", word.translate(_QUOTE_MARKS)).casefold()


def _matcher(original: list[str], derived: list[str]) -> SequenceMatcher:
    # autojunk off: in short quotes a frequent word ("or", "the") is still a word that matters
    return SequenceMatcher(None, [word_key(w) for w in original], [word_key(w) for w in derived], autojunk=False)


def similarity(original: str, derived: str) -> float:
    """The share of words the two quotes have in common, in order (0 to 1)."""
    return _matcher(original.split(), derived.split()).ratio()


def word_diff(original: str, derived: str) -> tuple[list[Segment], bool, bool]:
    """The word-level difference from ``original`` to ``derived``, over the span both quotes cover.

    Returns the segments (``equal`` runs in the derived quote's spelling) and whether words
    outside that span were left out at the start and at the end.
    """
    a, b = original.split(), derived.split()
    opcodes = _matcher(a, b).get_opcodes()
    cut_before = bool(opcodes) and opcodes[0][0] in ("delete", "insert") and len(opcodes) > 1
    cut_after = bool(opcodes) and opcodes[-1][0] in ("delete", "insert") and len(opcodes) > 1
    if cut_before:
        opcodes = opcodes[1:]
    if cut_after:
        opcodes = opcodes[:-1]
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            segments.append(Segment("equal", tuple(b[j1:j2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", tuple(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", tuple(b[j1:j2])))
    return segments, cut_before, cut_after


class Lineage:
    """The derivation links of a knowledge base, indexed once and asked about many claims."""

    def __init__(self, derivations: Iterable[Derivation]) -> None:
        self._parents: dict[str, list[Derivation]] = {}
        for link in derivations:
            self._parents.setdefault(link.source, []).append(link)
        for links in self._parents.values():
            links.sort(key=lambda d: d.parent)
        self._ancestors: dict[str, dict[str, tuple[str, ...]]] = {}

    def text_of(self, source: str) -> str:
        """The source whose words ``source`` carries: up through copies to the copied original."""
        seen = {source}
        while True:
            copied = [d.parent for d in self._parents.get(source, []) if d.kind == "copy"]
            if not copied or copied[0] in seen:
                return source
            source = copied[0]
            seen.add(source)

    def ancestors(self, source: str) -> dict[str, tuple[str, ...]]:
        """Every source ``source`` derives from, with the path to it (nearest first, no translations)."""
        if source not in self._ancestors:
            paths: dict[str, tuple[str, ...]] = {source: (source,)}
            queue = deque([source])
            while queue:
                node = queue.popleft()
                for link in self._parents.get(node, []):
                    if link.kind == "translation" or link.parent in paths:
                        continue
                    paths[link.parent] = (*paths[node], link.parent)
                    queue.append(link.parent)
            del paths[source]
            self._ancestors[source] = paths
        return self._ancestors[source]


def find_drifts(passages: Iterable[QuotedPassage], lineage: Lineage | Iterable[Derivation]) -> list[Drift]:
    """The drifting passages among one claim's quotes: at most one per derived quote.

    Each quote is matched with the most similar quote of the claim in a source it derives from
    (the nearest source on a tie); it drifts when they are the same passage (``MIN_SIMILARITY``)
    and their words differ inside the span both cover.
    """
    if not isinstance(lineage, Lineage):
        lineage = Lineage(lineage)
    quoted = sorted(set(passages), key=lambda p: (p.source, p.quote))
    drifts: list[Drift] = []
    for derived in quoted:
        ancestry = lineage.ancestors(derived.source)
        candidates = []
        for original in quoted:
            text_source = lineage.text_of(original.source)
            if original.source == derived.source or text_source not in ancestry:
                continue
            path = ancestry[text_source]
            score = similarity(original.exact, derived.exact)
            candidates.append((-score, len(path), original.quote, original, path, score))
        if not candidates:
            continue
        _, _, _, original, path, score = min(candidates)
        if score < MIN_SIMILARITY:
            continue
        segments, cut_before, cut_after = word_diff(original.exact, derived.exact)
        if all(s.op == "equal" for s in segments):
            continue
        drifts.append(Drift(original, derived, path, tuple(segments), score, cut_before, cut_after))
    return drifts
