"""Each claim's words analysed in its own language: stemmer and stop words for English, Spanish, French, German.

Both engines index the same tokens (the Tantivy backend analyses text in Python with these analysers
too). A claim's text reaches the analyser with its language marked at the start (``marked``); the
tokenizer strips the mark and every filter downstream reads the language from the tokens:

- English: exactly Whoosh's ``StemmingAnalyzer`` (its stop list, Porter stemmer), as before;
- Spanish, French, German: Whoosh's stop list and Snowball stemmer of that language, plus the English
  stem of each word at the same position, so a search with no language chosen (analysed as English)
  still finds words spelt alike ("Mercedes", "Covid") in any of them.

At query time there is no mark: a query is analysed in the language of its parser (one parser per
language; ``SearchRequest.filters["language"]`` picks it, English otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang import stopwords_for_language
from whoosh.lang.porter import stem as porter_stem

from claims.matching import DEFAULT_LANGUAGE, LANGUAGES

MARK = "\x1e"  # record separator: never in a claim's text (control characters are refused)


def marked(text: str, language: str | None) -> str:
    """``text`` with its language marked for the analyser (English, the default, needs no mark)."""
    primary = (language or DEFAULT_LANGUAGE).split("-", 1)[0].lower()
    if primary == DEFAULT_LANGUAGE or primary not in LANGUAGES:
        return text
    return f"{MARK}{primary}{MARK}{text}"


def query_language(language: str | None) -> str:
    """The language a query is analysed in: the language filter's, if analysed, else English."""
    primary = (language or DEFAULT_LANGUAGE).split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


class LanguageTokenizer(RegexTokenizer):
    """Whoosh's word tokenizer that reads (and drops) a leading language mark."""

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Any]:
        language = DEFAULT_LANGUAGE
        if value.startswith(MARK):
            end = value.find(MARK, 1)
            if end > 0:
                language, value = value[1:end], value[end + 1 :]
        for token in super().__call__(value, **kwargs):
            token.language = language
            yield token


def _language(token: Any, default: str) -> str:
    return default if getattr(token, "mode", "") == "query" else getattr(token, "language", DEFAULT_LANGUAGE)


class LanguageStopFilter(Filter):
    """Drops the stop words of the stream's language (English: Whoosh's own list, as StemmingAnalyzer)."""

    def __init__(self, default: str = DEFAULT_LANGUAGE) -> None:
        self.default = default
        self._filters = {
            language: StopFilter() if language == "en" else StopFilter(stoplist=stopwords_for_language(language))
            for language in LANGUAGES
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageStopFilter) and other.default == self.default

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        first = next(tokens, None)
        if first is None:
            return
        language = _language(first, self.default)

        def stream() -> Iterator[Any]:
            yield first
            yield from tokens

        yield from self._filters[language](stream())


class LanguageStemFilter(Filter):
    """Stems in the stream's language; outside English, also yields the English stem at the same position."""

    is_morph = True

    def __init__(self, default: str = DEFAULT_LANGUAGE) -> None:
        self.default = default
        self._stems = {
            language: StemFilter() if language == "en" else StemFilter(lang=language) for language in LANGUAGES
        }
        self._english_stops = frozenset(StopFilter().stops)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageStemFilter) and other.default == self.default

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        english = self._stems["en"]._stem
        for token in tokens:
            language = _language(token, self.default)
            if token.stopped:
                yield token
                continue
            word = token.text
            token.text = self._stems[language]._stem(word)
            yield token
            if language != "en" and getattr(token, "mode", "") != "query" and word not in self._english_stops:
                also = english(word)
                if also != token.text:
                    token.text = also
                    yield token


def multilingual_analyzer(default: str = DEFAULT_LANGUAGE) -> CompositeAnalyzer:
    """The content analyser: a marked text in its language; a query (no mark) in ``default``."""
    return (
        LanguageTokenizer(expression=default_pattern)
        | LowercaseFilter()
        | LanguageStopFilter(default)
        | LanguageStemFilter(default)
    )


# --- the same tokens, quicker: for indexing many claims ---------------------------------------------

# Whoosh's default_pattern (``[\w\*]+(\.?[\w\*]+)*``) with its group made non-capturing, so that
# ``findall`` returns whole words.
_WORD = re.compile(default_pattern.pattern.replace(r"(\.?", r"(?:\.?"), default_pattern.flags)
# The same words in ASCII text, found a quarter quicker: ASCII classes, and the optional dot made
# required (a run of word characters needs no dot to continue: the same matches).
_ASCII_WORD = re.compile(r"[\w*]+(?:\.[\w*]+)*", re.ASCII)
_STEMS_KEPT = 500_000  # distinct words whose stems are remembered (the vocabulary of a large base)


class _Stems(dict[str, str]):
    """Lower-case word -> its token in English content: its Porter stem, or "" for a stop word or a
    one-letter word (left out). Filled on first sight, so that most words cost one look-up in C."""

    def __init__(self, stops: frozenset[str]) -> None:
        super().__init__()
        self.stops = stops

    def __missing__(self, word: str) -> str:
        if len(self) >= _STEMS_KEPT:
            self.clear()
        stemmed = self[word] = "" if len(word) < 2 or word in self.stops else porter_stem(word)
        return stemmed


class QuickAnalysis:
    """The tokens of English text and of names exactly as the Whoosh analysers above make them, in a
    fraction of the time: one regular expression and one dictionary look-up per word instead of a
    chain of generator filters and token objects per word (a rebuild analyses hundreds of millions).

    Only English content takes this path; a claim marked with another language goes through
    ``multilingual_analyzer`` as before. A test compares both on every claim of generated data.
    """

    def __init__(self) -> None:
        self._stops = frozenset(StopFilter().stops)
        self._stems = _Stems(self._stops)

    @property
    def stops(self) -> frozenset[str]:
        """The stop words the English analysis leaves out."""
        return self._stops

    @staticmethod
    def lowered(text: str) -> list[str]:
        """The words of ``text`` in lower case, as Whoosh's tokenizer and ``LowercaseFilter`` make them.

        ASCII text is lower-cased whole before it is split (the same words: lower case changes no
        ASCII letter's class); other text word by word, as lower case may change a word's length
        or letters (``İ``)."""
        if text.isascii():
            return _ASCII_WORD.findall(text.lower())
        return [word.lower() for word in _WORD.findall(text)]

    def english_words(self, words: list[str]) -> str:
        """``english`` of the words ``lowered`` gave."""
        return " ".join(filter(None, map(self._stems.__getitem__, words)))

    def english(self, text: str) -> str:
        """``multilingual_analyzer`` on unmarked (English) text, tokens joined by spaces."""
        return self.english_words(self.lowered(text))

    @classmethod
    def words(cls, text: str) -> str:
        """``StandardAnalyzer(stoplist=None)`` (every word, lower case), tokens joined by spaces."""
        return " ".join(cls.lowered(text))
