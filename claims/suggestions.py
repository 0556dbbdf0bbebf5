"""Check-worthy sentences in an article's text, found by plain rules an editor can read and judge.

The text is split into sentences (``split_sentences``); each sentence is matched against the rules in
``RULES``. A sentence on which at least one rule fires becomes a ``Suggestion``: its exact words with a
Web Annotation TextQuoteSelector (``selector``), the claim type the rules point to, every rule that
fired (with the words it matched) and, for predictions, a deadline read from the sentence.

Which claim type wins when several rules fire, strongest first: a denial or assurance, a rumour
(hedged or unnamed sources), a prediction, a statement (figures or dates: "170 people work there,
according to X" is checked as a statement), and an attribution (someone said or reported
something). Pure functions, no I/O: the same text always gives the same suggestions.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

# --- sentences ----------------------------------------------------------------------------------

# Words that end with a full stop but never end a sentence: titles before a name, and "No. 3".
TITLES = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col capt sgt st rev hon pres supt det insp fr sr jr no nos vol pp".split()
)
# Abbreviations that may end a sentence ("… Example Inc. The company …") or not ("Example Inc. said").
MAYBE_FINAL = frozenset(
    "inc ltd co corp plc llc bros etc approx est dept univ assn jan feb mar apr jun jul aug sep sept oct nov dec"
    " e.g i.e vs".split()
)
# After an abbreviation that may end a sentence, these words start the next one.
SENTENCE_STARTERS = frozenset(
    "the a an it its he she they we i this that these those there but and or so yet however meanwhile in on at"
    " for as if when while after before since according his her their our my some many most all no".split()
)
CLOSERS = "\"'”’)]»"
OPENERS = "\"'“‘([«"
# A candidate end: sentence punctuation, any closing quotes or brackets, then white space.
_END = re.compile(r"[.!?…]+[" + re.escape(CLOSERS) + r"]*(?=\s)")
MAX_WORD = 20  # characters looked back for the word a full stop ends
_WORD_BEFORE = re.compile(r"(?<![A-Za-z.])([A-Za-z][A-Za-z.]*)\.$")
_FOLLOWING = re.compile(r"\s*(\S)")
_NEXT_WORD = re.compile(r"\W*([A-Za-z]+)")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets; a line break always ends one (headlines, paragraphs)."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        offset, line_text = line.start(), line.group()
        begin = 0
        for end_mark in _END.finditer(line_text):
            stop = end_mark.end()
            if _ends_sentence(line_text, end_mark.start(), stop):
                _add(sentences, text, offset + begin, offset + stop)
                begin = stop
        _add(sentences, text, offset + begin, offset + len(line_text))
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        sentences.append(Sentence(start, end, text[start:end]))


def _ends_sentence(line: str, mark: int, stop: int) -> bool:
    # Matching at positions, never on slices of the rest of the line, keeps long texts linear.
    following = _FOLLOWING.match(line, stop)
    if following is None:
        return True
    first = following.group(1)
    if not (first.isupper() or first.isdigit() or first in OPENERS):
        return False  # "“Is it ready?” she asked." goes on
    if line[mark] != "." or line.startswith("...", mark):
        return True
    window = max(0, mark - MAX_WORD)
    word_match = _WORD_BEFORE.search(line, window, mark + 1)
    if word_match is None:
        return True
    word = word_match.group(1)
    lowered = word.lower()
    if lowered in TITLES or (len(word) == 1 and word.isupper()):
        return False  # "Dr. Smith", "J. Smith"
    if lowered in MAYBE_FINAL or _INITIALISM.match(word):
        next_word = _NEXT_WORD.match(line, following.start(1))
        return next_word is not None and next_word.group(1).lower() in SENTENCE_STARTERS
    return True


# --- rules ----------------------------------------------------------------------------------------

ATTRIBUTION = "attribution"
PREDICTION = "prediction"
FIGURE = "figure"
DATE = "date"
HEDGE = "hedge"
DENIAL = "denial"

# The family's claim type, strongest first: the first family present decides.
TYPE_OF_FAMILY = {
    DENIAL: "denial",
    HEDGE: "rumour",
    PREDICTION: "prediction",
    FIGURE: "statement",
    DATE: "statement",
    ATTRIBUTION: "attribution",
}

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\."
)


@dataclass(frozen=True)
class Rule:
    """One plain pattern: its name, family, what it means and the regular expression that finds it."""

    name: str
    family: str
    explanation: str
    pattern: re.Pattern[str]


def _rule(name: str, family: str, explanation: str, pattern: str, flags: int = re.IGNORECASE) -> Rule:
    return Rule(name, family, explanation, re.compile(pattern, flags))


RULES: tuple[Rule, ...] = (
    _rule("according-to", ATTRIBUTION, "names who says it (“according to …”)", r"\baccording to\b"),
    _rule(
        "said-told",
        ATTRIBUTION,
        "reports what someone said, told, reported or announced",
        r"\b(said|says|told|tells|reported|reports|stated|announced|confirmed|wrote|claimed|estimated|"
        r"estimates|testified|disclosed)\b",
    ),
    _rule(
        "will",
        PREDICTION,
        "says what will happen (“will”, “won't”, “is going to”)",
        r"\b(will|won[’']t|shall|(is|are) going to)\b",
        0,  # lower case only: "Will" is also a name
    ),
    _rule(
        "reported-future",
        PREDICTION,
        "what someone said or expects would happen (“said … would”)",
        r"\b(said|says|told|expects?|expected|believes?|predicted)\b.{0,120}\bwould\b",
        0,
    ),
    _rule(
        "plans",
        PREDICTION,
        "a plan, intention or expectation (“plans to”, “expected to”, “aims to”, “is set to”)",
        r"\b(plans?|planning|planned|intends?|intending|aims?|expects?|expected|set|scheduled|poised|"
        r"on track|forecast|projected|predicts?|predicted)\s+to\b",
    ),
    _rule(
        "by-when",
        PREDICTION,
        "a time by which something should happen (“by the end of”, “by 2027”, “next year”)",
        r"\b(by the (end|middle|start|beginning) of|by (early |mid-?|late )?(" + MONTHS + r"|(19|20)\d\d)\b"
        r"|(next|later this|early next|within the next) (year|month|quarter|decade))",
    ),
    _rule(
        "percent-money",
        FIGURE,
        "a percentage or an amount of money",
        r"(\d+(\.\d+)?\s?(%|percent\b|per cent\b)|[$€£¥]\s?\d|\b\d[\d,.]*\s?(dollars|euros|pounds)\b)",
    ),
    _rule(
        "number",
        FIGURE,
        "a number or quantity (“170 people”, “3 million”, “a third”)",
        r"(\b(?!(19|20)\d\d\b)\d+([.,]\d+)*\b(?!\s*(" + MONTHS + r"))"
        r"|\b(millions?|billions?|trillions?|thousands|hundreds|dozens)\b"
        r"|\b(half|a third|a quarter|two-thirds|doubled?|tripled?)\b)",
    ),
    _rule(
        "calendar-date",
        DATE,
        "a date or year (“October 11, 2022”, “in 2019”, “last week”)",
        r"(\b(" + MONTHS + r")(\s+\d{1,2}(st|nd|rd|th)?)?,?\s+(19|20)\d\d\b|\b(" + MONTHS + r")\s+\d{1,2}\b"
        r"|\b(in|since|by|until|from|before|after) (19|20)\d\d\b|\b\d{4}-\d\d-\d\d\b"
        r"|\b(last|this|next) (week|month|year|quarter|spring|summer|autumn|fall|winter)\b)",
    ),
    _rule(
        "hedge",
        HEDGE,
        "hedged or unconfirmed (“may”, “might”, “reportedly”, “is said to”)",
        r"\b(may|might|could|reportedly|allegedly|apparently|rumou?red|is said to|are said to|"
        r"unconfirmed|speculat\w+|considering|in talks|weighing whether)\b",
    ),
    _rule(
        "unnamed-source",
        HEDGE,
        "rests on unnamed sources (“people familiar with”, “sources said”)",
        r"\b(people|persons|sources?|insiders?|officials?) (familiar with|close to|with knowledge of|"
        r"who (asked|spoke|declined))|\b(anonymous|unnamed|anonymity)\b|\bsources (said|say|told)\b",
    ),
    _rule(
        "denial",
        DENIAL,
        "a denial or assurance (“denied”, “has no plans to”, “is not planning”)",
        r"\b(denied|denies|deny|denying|rejected the|dismissed|refuted|no plans? to|not planning|"
        r"(is|are|was|were) not (going to|true)|never (said|planned))\b",
    ),
)

# "may" is a hedge, "May" a month: the hedge rule must see the word in lower case.
_HEDGE_CASE = re.compile(r"\bMay\b")


@dataclass(frozen=True)
class Hit:
    """A rule that fired: which one, the words it matched and where (offsets into the whole text)."""

    rule: str
    family: str
    explanation: str
    match: str
    start: int
    end: int


@dataclass(frozen=True)
class TextQuoteSelector:
    """The Web Annotation selector of a quote: its exact words and a few words either side."""

    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Suggestion:
    """A check-worthy sentence with the claim type it suggests and why."""

    start: int
    end: int
    selector: TextQuoteSelector
    claim_type: str
    hits: tuple[Hit, ...]
    deadline: date | None = None
    deadline_words: str | None = None
    speaker: str | None = None
    families: tuple[str, ...] = field(default=())

    @property
    def exact(self) -> str:
        return self.selector.exact


CONTEXT = 32  # characters of prefix and suffix, as the seed's quotes keep
MAX_SENTENCE = 1000  # a quote is at most this long (the shapes' limit on oa:exact)


def selector(text: str, start: int, end: int, context: int = CONTEXT) -> TextQuoteSelector:
    """The TextQuoteSelector of ``text[start:end]``: up to ``context`` characters either side, cut at words."""
    prefix = text[max(0, start - context) : start]
    if start - context > 0 and " " in prefix:
        prefix = prefix[prefix.index(" ") + 1 :]
    suffix = text[end : end + context]
    if end + context < len(text) and " " in suffix:
        suffix = suffix[: suffix.rindex(" ")]
    return TextQuoteSelector(exact=text[start:end], prefix=prefix, suffix=suffix)


def locate(text: str, exact: str, near: int = 0) -> int | None:
    """Where ``exact`` occurs in ``text`` (the occurrence nearest ``near``), or None."""
    if not exact:
        return None
    found = [m.start() for m in re.finditer(re.escape(exact), text)]
    return min(found, key=lambda at: abs(at - near)) if found else None


def rule_hits(text: str, sentence: Sentence) -> list[Hit]:
    """Every rule that fires on the sentence, in the order of ``RULES``."""
    hits = []
    for rule in RULES:
        for match in rule.pattern.finditer(sentence.text):
            if rule.name == "hedge" and _HEDGE_CASE.fullmatch(match.group()):
                continue
            if rule.family == PREDICTION and rule.name == "plans" and _is_denied_plan(sentence.text, match.start()):
                continue
            hits.append(
                Hit(
                    rule=rule.name,
                    family=rule.family,
                    explanation=rule.explanation,
                    match=match.group(),
                    start=sentence.start + match.start(),
                    end=sentence.start + match.end(),
                )
            )
            break  # one hit per rule is enough to explain it
    return hits


def _is_denied_plan(sentence: str, at: int) -> bool:
    """ "has no plans to" is a denial, not a plan."""
    return bool(re.search(r"\b(no|not)\s+$", sentence[:at], re.IGNORECASE))


def claim_type_of(families: set[str]) -> str:
    for family, claim_type in TYPE_OF_FAMILY.items():
        if family in families:
            return claim_type
    return "statement"


def suggest(text: str, published: date | None = None) -> list[Suggestion]:
    """The check-worthy sentences of ``text``, in order; ``published`` dates relative deadlines."""
    suggestions = []
    for sentence in split_sentences(text):
        if len(sentence.text) > MAX_SENTENCE:
            continue
        hits = rule_hits(text, sentence)
        if not hits:
            continue
        families = {hit.family for hit in hits}
        claim_type = claim_type_of(families)
        deadline, words = find_deadline(sentence.text, published) if claim_type == "prediction" else (None, None)
        suggestions.append(
            Suggestion(
                start=sentence.start,
                end=sentence.end,
                selector=selector(text, sentence.start, sentence.end),
                claim_type=claim_type,
                hits=tuple(hits),
                deadline=deadline,
                deadline_words=words,
                speaker=find_speaker(sentence.text) if ATTRIBUTION in families else None,
                families=tuple(f for f in TYPE_OF_FAMILY if f in families),
            )
        )
    return suggestions


# --- deadlines and speakers -------------------------------------------------------------------------

_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NUMBER.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NUMBER["sept"] = 9
_DEADLINE = re.compile(
    r"\b(?:by|before|until|in)\s+(?:the\s+(?:end|middle|start|beginning)\s+of\s+)?(?:(early|mid-?|late)\s+)?"
    r"(?:(?P<month>[A-Z][a-z]+)\.?\s+)?(?P<year>(?:19|20)\d\d)\b"
    r"|\b(?:by\s+the\s+end\s+of\s+|by\s+|before\s+|within\s+)?(?P<relative>(?:the\s+end\s+of\s+)?(?:this|next)\s+year"
    r"|the\s+end\s+of\s+the\s+year)\b",
)


def find_deadline(sentence: str, published: date | None) -> tuple[date | None, str | None]:
    """The last day of the period a prediction names ("by March 2026" -> 2026-03-31), and those words."""
    for match in _DEADLINE.finditer(sentence):
        if match.group("year"):
            year = int(match.group("year"))
            month_name = (match.group("month") or "").lower()
            month = _MONTH_NUMBER.get(month_name, 12) if month_name else 12
            if month_name and month_name not in _MONTH_NUMBER:
                continue
            return date(year, month, calendar.monthrange(year, month)[1]), match.group().strip()
        relative = match.group("relative")
        if relative and published is not None:
            year = published.year + (1 if "next" in relative else 0)
            return date(year, 12, 31), match.group().strip()
    return None, None


_NAME = r"((?:[A-Z][\w’'&.-]*)(?:\s+(?:of\s+|the\s+|for\s+)?[A-Z][\w’'&.-]*){0,5})"
_SPEAKER = (
    re.compile(r"\b(?i:according) to (?:a |an |the )?(?:\w+ (?:from|by|of) )?(?:the )?" + _NAME),
    re.compile(_NAME + r",?(?: [a-z][\w ]{0,40},)? (?:said|says|told|reported|announced|wrote|confirmed|claimed)\b"),
    re.compile(r"\b(?:said|says|told) " + _NAME),
)
_NOT_NAMES = frozenset("He She They It We I This That The A An But And In On According".split())


def find_speaker(sentence: str) -> str | None:
    """Who the sentence attributes its words to, when it names them with capitalised words."""
    for pattern in _SPEAKER:
        for match in pattern.finditer(sentence):
            words = match.group(1).strip().rstrip(".,").split()
            while words and words[0].rstrip(".").lower() in TITLES:
                words = words[1:]  # "Ms. Lindqvist" is Lindqvist
            if words and words[0] not in _NOT_NAMES:
                return " ".join(words)
    return None
