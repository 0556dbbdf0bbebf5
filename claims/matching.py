"""Whether two texts make the same claim: the comparison rules, as pure functions (no I/O).

A text is *analysed* once (``analyse``): its content words stemmed in its language (stop words
dropped, a few synonyms folded together), its figures read as numbers whatever way they are
written ("69%" = "69 percent", "1,000" = "a thousand", "$1.5 billion" = "1,500,000,000 dollars"),
whether it is negated and which way it says something moved (up or down). Two analysed texts are
then *compared* (``compare``): a score in [0, 1] from the words they share (typos forgiven by
rapidfuzz), raised when they give the same figures, lowered when figures, negation or direction
disagree; ``same_claim`` only when the score clears ``SAME_CLAIM_THRESHOLD`` and nothing
disagrees. The reason says why, in words a person can check.

The candidates to compare come from the search index (``kb.read.matching``); the rules here are
what decides, and ``tests/test_matching_quality.py`` holds them to the figures in the README.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

import numpy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from text_to_num import alpha2digit
from whoosh.lang import stemmer_for_language, stopwords_for_language

# The languages analysed with their own stemmer, stop words, number words and negations.
LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de")
DEFAULT_LANGUAGE = "en"

SAME_CLAIM_THRESHOLD = 0.68  # measured on tests/data/matching-pairs.jsonl (see the README)
CONFLICT_FACTOR = 0.55  # a score is multiplied by this when figures, negation or direction disagree
SAME_CLAIMANT_BONUS = 0.05
SAME_FIGURES_BONUS = 0.1

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)

# Words that say the same in claims, folded to one before stemming (per language).
SYNONYMS: dict[str, dict[str, str]] = {
    "en": {
        "kids": "children",
        "child": "children",
        "folks": "people",
        "persons": "people",
        "americans": "american",
        "america": "us",
        "u.s.": "us",
        "usa": "us",
        "nation": "country",
        "nations": "country",
        "country's": "country",
        "govt": "government",
        "legislation": "law",
        "bill": "law",
        "obamacare": "affordablecareact",
        "homicides": "murders",
        "homicide": "murder",
        "employment": "jobs",
        "unemployed": "jobless",
        "physicians": "doctors",
        "physician": "doctor",
        "automobile": "car",
        "automobiles": "cars",
        "vehicles": "cars",
        "vehicle": "car",
        "salary": "pay",
        "salaries": "pay",
        "wages": "pay",
        "wage": "pay",
        "raise": "increase",
        "raised": "increased",
        "raises": "increases",
        "hike": "increase",
        "hiked": "increased",
        "boost": "increase",
        "boosted": "increased",
        "rose": "increased",
        "grew": "increased",
        "slash": "cut",
        "slashed": "cut",
        "reduce": "cut",
        "reduced": "cut",
        "decrease": "cut",
        "decreased": "cut",
        "lowered": "cut",
        "fell": "dropped",
        "declined": "dropped",
        "says": "",
        "said": "",
        "claims": "",
        "claimed": "",
        "according": "",
        "approximately": "",
        "about": "",
        "nearly": "",
        "almost": "",
        "roughly": "",
        "around": "",
        "some": "",
        "over": "",
        "percent": "",
        "dollars": "",
        "dollar": "",
    },
    "es": {"dijo": "", "afirma": "", "aproximadamente": "", "casi": "", "unos": "", "unas": ""},
    "fr": {"affirme": "", "déclare": "", "environ": "", "presque": "", "près": ""},
    "de": {"sagt": "", "behauptet": "", "etwa": "", "fast": "", "rund": "", "ungefähr": ""},
}

NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        {"not", "no", "never", "n't", "none", "nobody", "nothing", "neither", "nor", "cannot"}
        # the same without the apostrophe, as many claim files write them ("dont", "cant")
        | {
            "dont",
            "doesnt",
            "didnt",
            "isnt",
            "wasnt",
            "arent",
            "werent",
            "havent",
            "hasnt",
            "hadnt",
            "wont",
            "wouldnt",
            "shouldnt",
            "couldnt",
            "cant",
            "aint",
            "mustnt",
        }
    ),
    "es": frozenset({"no", "nunca", "jamás", "ni", "ningún", "ninguna", "ninguno", "nadie", "nada"}),
    "fr": frozenset({"ne", "n'", "pas", "jamais", "aucun", "aucune", "rien", "ni"}),
    "de": frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "nichts", "niemand"}),
}

# Opposite poles that turn a claim into another: more/less, rich/poor, support/oppose. A word
# ending in "*" is a beginning ("increas*": increase, increased, increasing), others whole words.
# Two texts disagree on an axis when each names only the pole the other does not.
AXES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "en": {
        "amount": (
            (
                "increas*",
                "rais*",
                "rose",
                "rise",
                "rises",
                "rising",
                "risen",
                "grew",
                "grow*",
                "hike*",
                "boost*",
                "doubl*",
                "tripl*",
                "soar*",
                "jump*",
                "climb*",
                "gain*",
                "expand*",
                "up",
                "create",
                "created",
                "creates",
                "creating",
                "produced",
                "add",
                "added",
                "adding",
                "surg*",
            ),
            (
                "cut",
                "cuts",
                "cutting",
                "decreas*",
                "reduc*",
                "lowered",
                "fell",
                "fall*",
                "drop*",
                "declin*",
                "slash*",
                "shrink*",
                "shrank",
                "plummet*",
                "halv*",
                "lost",
                "lose*",
                "down",
                "eliminat*",
                "destroy*",
            ),
        ),
        "comparison": (
            ("more", "higher", "highest", "greater", "larger"),
            ("less", "fewer", "lower", "lowest", "smaller"),
        ),
        "wealth": (("rich*", "wealthi*"), ("poor*",)),
        "stance": (("support*", "favor*", "back", "backs", "backed", "endors*"), ("oppos*", "against", "reject*")),
        "quality": (("best", "better"), ("worst", "worse")),
        "legality": (("legal", "legally"), ("illegal*",)),
    },
    "es": {
        "amount": (
            ("aument*", "subi*", "sube", "suben", "subir*", "crec*", "increment*", "elev*", "duplic*"),
            ("reduj*", "reduc*", "baj*", "recort*", "disminu*", "cay*", "cae", "caen", "descend*"),
        ),
        "comparison": (("más",), ("menos",)),
    },
    "fr": {
        "amount": (
            ("augment*", "hauss*", "accru*", "doubl*", "progress*"),
            ("baiss*", "rédu*", "redu*", "diminu*", "chut*", "recul*"),
        ),
        "comparison": (("plus",), ("moins",)),
    },
    "de": {
        "amount": (
            (
                "erhöh*",
                "stieg",
                "steigt",
                "steigen",
                "gestiegen",
                "wächst",
                "wachsen",
                "wuchs",
                "verdoppel*",
                "zugenommen",
                "zunehmen",
            ),
            (
                "gesenkt",
                "senkt",
                "senken",
                "sank",
                "gesunken",
                "reduz*",
                "kürz*",
                "gekürzt",
                "verringer*",
                "gefallen",
                "fiel",
                "fällt",
            ),
        ),
        "comparison": (("mehr",), ("weniger",)),
    },
}


def _pole_matcher(words: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(w for w in words if not w.endswith("*")), tuple(w[:-1] for w in words if w.endswith("*"))


_POLES = {
    language: {axis: (_pole_matcher(plus), _pole_matcher(minus)) for axis, (plus, minus) in axes.items()}
    for language, axes in AXES.items()
}


def _on_pole(word: str, pole: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    return word in pole[0] or (bool(pole[1]) and word.startswith(pole[1]))


@lru_cache(maxsize=100_000)
def _poles_of(language: str, word: str) -> frozenset[str]:
    """The poles (``"amount+"`` …) a word puts a text on; most words, none."""
    found = set()
    for axis, (plus, minus) in _POLES[language].items():
        if _on_pole(word, plus):
            found.add(f"{axis}+")
        if _on_pole(word, minus):
            found.add(f"{axis}-")
    # One empty set for every word on no pole: the cache keeps one set per word, and thousands of
    # long-lived sets make each of the garbage collector's full passes longer (an import's, too).
    return frozenset(found) if found else _NO_POLES


_NO_POLES: frozenset[str] = frozenset()


_PERCENT_WORDS: dict[str, str] = {
    "en": r"per\s*cent(?:age points?)?|percent(?:age points?)?|pct",
    "es": r"por\s+ciento",
    "fr": r"pour\s*cent",
    "de": r"prozent",
}

# Scale words after a figure ("1.5 million", "$10bn", "2 Milliarden"); plain multipliers.
_SCALES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
    "tn": 1e12,
    "mil": 1e3,
    "millón": 1e6,
    "millones": 1e6,
    "billón": 1e12,
    "billones": 1e12,
    "mille": 1e3,
    "milliard": 1e9,
    "milliards": 1e9,
    "tausend": 1e3,
    "million(en)": 1e6,
    "millionen": 1e6,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "billion(en)": 1e12,
    "billionen": 1e12,
}
_SCALE_NUMBERS = {1e3, 1e6, 1e9, 1e12}
_NUMBER = re.compile(
    r"(?<![\w.,])(\d+(?:[.,\u00a0\u202f]\d{3})*(?:[.,]\d+)?)(\s*%)?"
    r"(?:\s*(thousand|millions?|billions?|trillions?|bn|mn|tn|k|m|b|mil millones|mil|millón|millones|billón|billones"
    r"|mille|milliards?|tausend|millionen|million|milliarden?|billionen)\b)?",
    re.IGNORECASE,
)


# Fractions of a whole said in words ("half of", "three quarters of") are percentages.
_FRACTION_VALUES = {
    "half": "50%",
    "a half": "50%",
    "one half": "50%",
    "a third": "33%",
    "one third": "33%",
    "one-third": "33%",
    "two thirds": "67%",
    "two-thirds": "67%",
    "a quarter": "25%",
    "one quarter": "25%",
    "one-quarter": "25%",
    "three quarters": "75%",
    "three-quarters": "75%",
}
_FRACTIONS = re.compile(r"\b(" + "|".join(sorted(_FRACTION_VALUES, key=len, reverse=True)) + r") of\b")

_SCALED = re.compile(
    r"(?<![\w.,])(\d+(?:[.,\u00a0\u202f]\d{3})*(?:[.,]\d+)?)\s*(thousand|millions?|billions?|trillions?|bn|mn|tn|k|m|b"
    r"|mil millones|mil|millón|millones|billón|billones|mille|milliards?|tausend|millionen|million|milliarden?"
    r"|billionen)\b",
    re.IGNORECASE,
)


def _scaled_digits(match: re.Match[str], language: str) -> str:
    value = _parse_number(match.group(1), language)
    word = match.group(2).lower()
    if value is None:
        return match.group(0)
    value *= 1e9 if word == "mil millones" else _SCALES.get(word, 1.0)
    return f"{value:.0f}" if value == int(value) else str(value)


@dataclass(frozen=True)
class Figure:
    """A figure in a claim: its value (scale words applied) and whether it is a percentage."""

    value: float
    percent: bool = False
    written: str = ""  # as the text wrote it, for the reason

    @property
    def label(self) -> str:
        """The figure as a person writes it: "69%", "500 billion", "1,000"."""
        if self.percent:
            return f"{self.value:g}%"
        for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(self.value) >= size:
                return f"{self.value / size:g} {word}"
        return (
            f"{self.value:,.0f}"
            if self.value == int(self.value) and not 1900 <= self.value <= 2100
            else f"{self.value:g}"
        )

    @property
    def key(self) -> tuple[float, bool]:
        if self.percent:
            return (round(self.value), True)  # "33%" and "a third of" alike; 15.3% and 15% too, a cost we accept
        return (round(self.value, 6 - len(str(int(abs(self.value))))) if self.value else 0.0, self.percent)


@dataclass(frozen=True)
class Analysed:
    """A text as the comparison sees it."""

    text: str
    language: str
    stems: frozenset[str]
    surface: dict[str, str] = field(hash=False, compare=False)  # stem -> the word as written, for reasons
    figures: tuple[Figure, ...] = ()
    negated: bool = False
    poles: frozenset[str] = frozenset()  # "amount+", "amount-", "stance+" …: see AXES
    claimant: str | None = None
    claimed: date | None = None  # when it was made, if known

    @cached_property
    def stems_text(self) -> str:
        """The stems in order, as rapidfuzz compares them (a candidate is compared with many texts)."""
        return " ".join(sorted(self.stems))

    @cached_property  # read for every candidate compared: made once (a frozen dataclass keeps a __dict__)
    def figure_keys(self) -> frozenset[tuple[float, bool]]:
        return frozenset(f.key for f in self.figures)


@dataclass(frozen=True)
class Comparison:
    """How a candidate compares with the text asked about."""

    score: float
    same_claim: bool
    reason: str
    shared_words: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()


def language_of(tag: str | None) -> str:
    """The analysed language for a BCP 47 tag ("es-MX" -> "es"); others are read as English."""
    primary = (tag or DEFAULT_LANGUAGE).split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def _stop_words(language: str) -> frozenset[str]:
    return frozenset(stopwords_for_language(language))


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Callable[[str], str]:
    return stemmer_for_language(language)


@lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    return str(_stemmer(language)(word))


def fold(text: str) -> str:
    """Lower case with typographic quotes and dashes made plain (accents kept: they carry meaning)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")


def _parse_number(digits: str, language: str) -> float | None:
    """A figure's digits as a number: "1,000" / "1.000" (es, de) / "1 000" (fr) and decimals."""
    digits = digits.replace("\u00a0", " ").replace("\u202f", " ")
    if language == "en":
        grouped = re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?", digits)
        plain = digits.replace(",", "").replace(" ", "") if grouped else digits.replace(",", ".")
    else:
        grouped = re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", digits)
        plain = (digits.replace(".", "").replace(" ", "") if grouped else digits).replace(",", ".")
    try:
        return float(plain)
    except ValueError:
        return None


def figures_in(text: str, language: str = DEFAULT_LANGUAGE) -> tuple[Figure, ...]:
    """Every figure the text gives, number words and scale words read ("two thirds" is left alone)."""
    language = language_of(language)
    folded = re.sub(rf"\b(?:{_PERCENT_WORDS[language]})\b", "%", fold(text))
    if language == "fr":  # "1 000 000": spaces group thousands in French
        folded = re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)", "\u202f", folded)
    if language == "en":
        folded = _FRACTIONS.sub(lambda m: _FRACTION_VALUES[m.group(1)], folded)
        folded = re.sub(r"\bhalf an? (thousand|million|billion|trillion)\b", r"0.5 \1", folded)
    # Figures already in digits keep their scale word, so the number reader cannot split them.
    folded = _SCALED.sub(lambda m: _scaled_digits(m, language), folded)
    with suppress(Exception):  # a text the number reader cannot take still has its digits
        folded = alpha2digit(folded, language)
    folded = re.sub(r"\ba (1000|1000000|1000000000)\b", r"\1", folded)  # "a thousand" -> "1000"
    found: list[Figure] = []
    previous_end = -10
    for match in _NUMBER.finditer(folded):
        value = _parse_number(match.group(1), language)
        if value is None:
            continue
        scale_word = (match.group(3) or "").lower()
        scale = 1e9 if scale_word == "mil millones" else _SCALES.get(scale_word, 1.0)
        value *= scale
        gap = folded[previous_end : match.start()]
        # "1.5 1000000": the number reader turned "one point five million" into two numbers;
        # "$4 (million)": a scale word in brackets after a figure
        if found and value in _SCALE_NUMBERS and not re.sub(r"[\s(]", "", gap) and not found[-1].percent:
            last = found.pop()
            value *= last.value
            written = f"{last.written} {match.group(0).strip()}"
        else:
            written = match.group(0).strip()
        found.append(Figure(value=value, percent=bool(match.group(2)), written=written))
        previous_end = match.end()
    return tuple(found)


# Names said in several words, folded to one before the words are read.
PHRASES: dict[str, dict[str, str]] = {
    "en": {"united states": "us", "u.s.": "us", "u. s.": "us"},
}


def _words(text: str, language: str) -> list[str]:
    folded = fold(text)
    for phrase, word in PHRASES.get(language, {}).items():
        folded = folded.replace(phrase, word)
    if language == "en":
        folded = re.sub(r"n't\b", " n't", folded)
    if language == "fr":
        folded = re.sub(r"\b([ldjmnst]|qu)'", r"\1' ", folded)
    words = []
    for match in _WORD.finditer(folded):
        word = match.group(0)
        words.append(word)
    if language == "en":
        words += ["n't"] * folded.count(" n't")
    return words


def analyse(
    text: str, language: str | None = DEFAULT_LANGUAGE, claimant: str | None = None, claimed: date | None = None
) -> Analysed:
    """``text`` read for comparison in ``language`` (a BCP 47 tag; unknown ones read as English)."""
    language = language_of(language)
    stops = _stop_words(language)
    synonyms = SYNONYMS.get(language, {})
    negations = NEGATIONS[language]
    stems: set[str] = set()
    surface: dict[str, str] = {}
    negated = False
    moved: set[str] = set()
    for word in _words(text, language):
        if word in negations or (language == "fr" and word == "n'"):
            negated = True
            continue
        moved |= _poles_of(language, word)
        word = synonyms.get(word, word)
        if not word or word in stops or len(word) < 2:
            continue
        stem = _stem(language, word)
        stems.add(stem)
        surface.setdefault(stem, word)
    return Analysed(
        text=text,
        language=language,
        stems=frozenset(stems),
        surface=surface,
        figures=figures_in(text, language),
        negated=negated,
        poles=frozenset(moved),
        claimant=claimant,
        claimed=claimed,
    )


# What the analysis of a text depends on besides the code: raise ANALYSIS_VERSION when ``analyse``
# reads texts differently; a change to the tables is seen by itself.
ANALYSIS_VERSION = 1
_TABLES = (SYNONYMS, NEGATIONS, AXES, PHRASES, _SCALES, _FRACTION_VALUES, _PERCENT_WORDS)
ANALYSIS_KEY = (
    f"{ANALYSIS_VERSION}-"
    + hashlib.sha256(
        json.dumps(_TABLES, sort_keys=True, default=sorted).encode()  # sets sorted: the same in every process
    ).hexdigest()[:12]
)


def stored_form(analysed: Analysed) -> dict[str, object]:
    """``analysed`` as a few plain JSON values, for a search index to keep beside the claim (``restored``).

    Matching compares each candidate the index hands over; reading the analysis back costs a tenth
    of analysing the text again. Kept short (about 150 bytes a claim): the stems in one string, each
    with the word as written when that differs ("tax:taxes"), and only what is there of the rest.
    Claimant and date are left out: the index keeps them already.
    """
    form: dict[str, object] = {
        "k": ANALYSIS_KEY,
        "w": " ".join(stem if word == stem else f"{stem}:{word}" for stem, word in sorted(analysed.surface.items())),
    }
    if analysed.figures:
        form["f"] = [[f.value, f.percent, f.written] for f in analysed.figures]
    if analysed.negated:
        form["n"] = True
    if analysed.poles:
        form["p"] = " ".join(sorted(analysed.poles))
    return form


def restored(
    stored: object, text: str, language: str | None, claimant: str | None = None, claimed: date | None = None
) -> Analysed | None:
    """The analysis ``stored_form`` kept for ``text``, or None when it was made by other rules (or is
    missing): then the text is analysed again."""
    if not isinstance(stored, dict) or stored.get("k") != ANALYSIS_KEY:
        return None
    surface = {}
    for item in str(stored["w"]).split():
        stem, _, word = item.partition(":")
        surface[stem] = word or stem
    figures = tuple(
        Figure(value=value, percent=percent, written=written) for value, percent, written in stored.get("f", ())
    )
    poles = stored.get("p")
    analysed = Analysed(
        text=text,
        language=language_of(language),
        stems=frozenset(surface),
        surface=surface,
        figures=figures,
        negated=bool(stored.get("n", False)),
        poles=frozenset(str(poles).split()) if poles else _NO_POLES,
        claimant=claimant,
        claimed=claimed,
    )
    # Filled in now, at no cost (the stems are stored in order), rather than by ``cached_property``,
    # which takes a lock at each first read (Python 3.11): a match restores a candidate only to compare it.
    analysed.__dict__["stems_text"] = " ".join(surface)
    analysed.__dict__["figure_keys"] = frozenset(f.key for f in figures) if figures else _NO_FIGURE_KEYS
    return analysed


_NO_FIGURE_KEYS: frozenset[tuple[float, bool]] = frozenset()


TYPO_MIN_LETTERS = 5  # shorter words are not read as typos of others


def _typo_edits(stem: str) -> int:
    """The edits by which a word of ``stem``'s length may be a typo (a swap of two letters counting as one)."""
    return 1 if len(stem) < 8 else 2


# Above this many pairs of words to compare (words of one text missing from the other, by words
# of the other left over), rapidfuzz compares them all in one call; below, a loop is quicker.
_PAIRS_IN_ONE_CALL = 60


def _matched(mine: frozenset[str], theirs: frozenset[str]) -> tuple[set[str], dict[str, str]]:
    """The stems of ``mine`` found in ``theirs``, exactly or as a typo (mine -> theirs).

    A typo is a word of five letters or more one or two edits (by its length) from a word of
    ``theirs`` (of five letters or more too), read as the closest one (the first in alphabetical
    order among equally close ones). Long texts have dozens of words each side, and comparing the
    pairs one by one in Python cost most of a match: there, rapidfuzz's ``cdist`` compares them in C.
    """
    exact = set(mine & theirs)
    typos: dict[str, str] = {}
    missing = [stem for stem in mine if len(stem) >= TYPO_MIN_LETTERS and stem not in exact]
    if not missing:
        return exact, typos
    rest = [other for other in theirs if len(other) >= TYPO_MIN_LETTERS and other not in exact]
    if not rest:
        return exact, typos
    if len(missing) * len(rest) > _PAIRS_IN_ONE_CALL:
        rest.sort()
        edits = process.cdist(
            missing, rest, scorer=OSA.distance, processor=None, score_cutoff=2, dtype=numpy.int8, workers=1
        )
        edits_allowed = numpy.array([_typo_edits(stem) for stem in missing], dtype=numpy.int8)[:, None]
        near = numpy.where(edits <= edits_allowed, edits, numpy.int8(3))  # 3: too far for any word
        closest = near.argmin(axis=1)  # the first of the closest, in ``rest``'s order
        for row in numpy.flatnonzero(near.min(axis=1) < 3):
            typos[missing[row]] = rest[closest[row]]
        return exact, typos
    for stem in missing:
        allowed = _typo_edits(stem)
        best: tuple[int, str] | None = None
        for other in rest:
            if abs(len(other) - len(stem)) <= allowed:
                found = OSA.distance(stem, other, score_cutoff=allowed)
                if found <= allowed and (best is None or (found, other) < best):
                    best = (found, other)
        if best is not None:
            typos[stem] = best[1]
    return exact, typos


def _opposed(query: Analysed, candidate: Analysed) -> list[tuple[set[str], set[str]]]:
    """The axes on which one text names only one pole and the other only the opposite one: for each,
    the query's poles and the candidate's."""
    found: list[tuple[set[str], set[str]]] = []
    if not query.poles or not candidate.poles:  # most texts name no pole: nothing can be opposed
        return found
    for axis in AXES.get(query.language, {}):
        mine = {p for p in query.poles if p.startswith(axis)}
        theirs = {p for p in candidate.poles if p.startswith(axis)}
        if mine and theirs and not mine & theirs:
            found.append((mine, theirs))
    return found


def _pole_words(analysed: Analysed, poles: set[str]) -> str:
    """The words of ``analysed`` that put it on ``poles``, for the reason."""
    axes = _POLES[analysed.language]
    words = []
    for word in _words(analysed.text, analysed.language):
        for pole in poles:
            axis, sign = pole[:-1], pole[-1]
            if _on_pole(word, axes[axis][0 if sign == "+" else 1]) and word not in words:
                words.append(word)
    return "/".join(f"“{w}”" for w in words[:3])


def _figures_text(figures: Iterable[Figure]) -> str:
    return ", ".join(dict.fromkeys(f.label for f in figures))


@dataclass(frozen=True)
class Verdict:
    """A candidate's score and verdict, without the reason (``compare`` gives both)."""

    score: float
    same_claim: bool


@dataclass(frozen=True)
class Assessment:
    """What ``compare`` found, before it is put in words."""

    verdict: Verdict
    exact: set[str]
    typos: dict[str, str]
    figures_differ: bool
    shared_figures: list[Figure]
    negation_differs: bool
    opposed: list[tuple[set[str], set[str]]]
    same_claimant: bool


def assess(query: Analysed, candidate: Analysed) -> Assessment:
    """The score and verdict of ``candidate`` against ``query`` (see ``compare``), and the findings."""
    exact, typos = _matched(query.stems, candidate.stems)
    matched = len(exact) + len(typos)
    covered_query = matched / len(query.stems) if query.stems else 0.0
    covered_candidate = matched / len(candidate.stems) if candidate.stems else 0.0
    overlap = (
        2 * covered_query * covered_candidate / (covered_query + covered_candidate)
        if covered_query + covered_candidate
        else 0.0
    )
    ordered = fuzz.token_set_ratio(query.stems_text, candidate.stems_text) / 100
    score = 0.75 * overlap + 0.25 * ordered

    conflicted = False
    figures_differ = False
    mine, theirs = query.figure_keys, candidate.figure_keys
    shared_figures = [f for f in query.figures if f.key in theirs]
    if mine and theirs:
        if mine - theirs and theirs - mine:
            figures_differ = conflicted = True
        elif shared_figures:
            score += SAME_FIGURES_BONUS
    elif mine or theirs:
        score *= 0.9  # one gives a figure the other leaves out: probably the same, less sure
    negation_differs = query.negated != candidate.negated
    opposed = _opposed(query, candidate)
    conflicted = conflicted or negation_differs or bool(opposed)
    same_claimant = bool(query.claimant and candidate.claimant and query.claimant == candidate.claimant)
    if same_claimant:
        score += SAME_CLAIMANT_BONUS
    if conflicted:
        score *= CONFLICT_FACTOR
    score = max(0.0, min(1.0, score))
    return Assessment(
        verdict=Verdict(score=round(score, 4), same_claim=score >= SAME_CLAIM_THRESHOLD and not conflicted),
        exact=exact,
        typos=typos,
        figures_differ=figures_differ,
        shared_figures=shared_figures,
        negation_differs=negation_differs,
        opposed=opposed,
        same_claimant=same_claimant,
    )


def compare(query: Analysed, candidate: Analysed, assessed: Assessment | None = None) -> Comparison:
    """How far ``candidate`` makes the claim of ``query``: score, verdict and the reason.

    The score is the words shared (0.75 of it: how much of each text the shared words cover; 0.25:
    rapidfuzz's token set ratio), raised for the same figures and the same claimant, lowered when one
    text gives a figure the other lacks, and cut by ``CONFLICT_FACTOR`` when figures, negation or
    direction disagree. ``assessed`` is ``assess``'s finding for the same two, when made already.
    """
    found = assessed if assessed is not None else assess(query, candidate)
    exact, typos = found.exact, found.typos
    matched = len(exact) + len(typos)
    conflicts: list[str] = []
    notes: list[str] = []
    if found.figures_differ:
        mine, theirs = query.figure_keys, candidate.figure_keys
        conflicts.append(
            f"the figures differ ({_figures_text(f for f in query.figures if f.key not in theirs)} "
            f"against {_figures_text(f for f in candidate.figures if f.key not in mine)})"
        )
    elif query.figure_keys and candidate.figure_keys and found.shared_figures:
        notes.append(f"the same figures ({_figures_text(found.shared_figures)})")
    if found.negation_differs:
        conflicts.append("one of them is negated and the other is not")
    if found.opposed:
        opposed = [
            f"{_pole_words(query, mine)} against {_pole_words(candidate, theirs)}" for mine, theirs in found.opposed
        ]
        conflicts.append(f"they say opposite things ({', '.join(opposed)})")
    if found.same_claimant:
        notes.append("the same claimant")
    if query.claimed and candidate.claimed:
        # When says nothing of whether it is the same claim (claims are repeated for years); it is told.
        days = abs((query.claimed - candidate.claimed).days)
        notes.append("made the same day" if days == 0 else f"made {days} days apart")

    shared = sorted(
        {candidate.surface.get(s, s) for s in exact} | {candidate.surface.get(t, t) for t in typos.values()}
    )
    parts = []
    if shared:
        shown = ", ".join(f"“{w}”" for w in shared[:8]) + (" …" if len(shared) > 8 else "")
        parts.append(f"shares {matched} of {len(query.stems)} words ({shown})")
    else:
        parts.append("shares no words")
    if typos:
        parts.append(
            "reading "
            + ", ".join(
                f"“{query.surface.get(a, a)}” as “{candidate.surface.get(b, b)}”" for a, b in sorted(typos.items())
            )
        )
    parts += notes
    reason = "; ".join(parts)
    if conflicts:
        reason += "; but " + " and ".join(conflicts)
    return Comparison(
        score=found.verdict.score,
        same_claim=found.verdict.same_claim,
        reason=reason[0].upper() + reason[1:] + ".",
        shared_words=tuple(shared),
        conflicts=tuple(conflicts),
    )
