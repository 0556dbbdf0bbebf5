"""Reading submitted values (a form's fields or a JSON body) one field at a time, with their limits.

Which fields a body has, and each one's label, limit and options, is declared in
``kb.write.fields``; this module reads one value of each kind and words what is wrong with it.

Every problem is recorded against its field, so a form can show each message next to it and the API
can return them all at once (``ValidationFailed`` with ``details["fields"]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from claims.model import SLUG_RE
from kb.errors import ValidationFailed

MAX_TEXT = 2000
MAX_NAME = 120
MAX_TITLE = 200
MAX_HEADLINE = 500
MAX_NOTE = 20_000
MAX_QUOTE = 1000
MAX_CONTEXT = 500
MAX_URL = 2000
MAX_REASON = 500
MAX_LIST = 50

# Raw HTML in a Markdown note is refused rather than silently stripped, so the editor sees why.
RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s|/?>)|<!--")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A lone surrogate (a JSON "\ud800" escape) is not text any store can hold.
SURROGATE = re.compile("[\ud800-\udfff]")
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$", re.IGNORECASE)


class Problems:
    """Messages per field, collected while reading submitted values."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        # What an ambiguous or unknown reference might have meant, per field (kb.write.references).
        self.candidates: dict[str, list[dict[str, str]]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise invalid(self.fields, self.candidates)


def invalid(
    fields: Mapping[str, list[str]], candidates: Mapping[str, list[dict[str, str]]] | None = None
) -> ValidationFailed:
    count = sum(len(v) for v in fields.values())
    details: dict[str, Any] = {"fields": dict(fields)}
    if candidates:
        details["candidates"] = dict(candidates)
    return ValidationFailed(
        "Please correct the marked field." if count == 1 else f"Please correct the {count} marked fields.",
        details=details,
    )


class Reader:
    """Reads one submitted field at a time, recording what is wrong with it."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems = Problems()

    def text(self, name: str, *, required: bool = False, limit: int = MAX_TEXT, label: str = "This") -> str | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.problems.add(name, f"{label} is required.")
            return None
        if not isinstance(value, str):
            self.problems.add(name, f"{label} must be text.")
            return None
        value = value.replace("\r\n", "\n").strip()
        if not value:
            if required:
                self.problems.add(name, f"{label} is required.")
            return None
        if len(value) > limit:
            self.problems.add(name, f"{label} is too long: {len(value):,} characters, at most {limit:,}.")
            return None
        if CONTROL.search(value):
            self.problems.add(name, f"{label} contains control characters; please retype it.")
            return None
        if SURROGATE.search(value):
            self.problems.add(name, f"{label} contains characters that are not valid Unicode; please retype it.")
            return None
        return value

    def markdown(self, name: str, label: str = "The note") -> str | None:
        value = self.text(name, limit=MAX_NOTE, label=label)
        if value and RAW_HTML.search(value):
            self.problems.add(
                name, f"{label} is Markdown; HTML tags such as <script> are not allowed. Use Markdown formatting."
            )
            return None
        return value

    def choice(self, name: str, options: Iterable[str], *, required: bool = True, label: str = "This") -> str | None:
        options = tuple(options)
        value = self.text(name, required=required, limit=100, label=label)
        if value is not None and value not in options:
            self.problems.add(name, f"{label} must be one of: {', '.join(options)}.")
            return None
        return value

    def day(self, name: str, *, required: bool = False, label: str = "The date") -> date | None:
        value = self.text(name, required=required, limit=40, label=label)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.problems.add(name, f"{label} must be a date like 2022-10-11.")
            return None
        if not 1800 <= parsed.year <= 2200:
            self.problems.add(name, f"{label} must be between the years 1800 and 2200.")
            return None
        return parsed

    def url(self, name: str, *, label: str = "The address") -> str | None:
        value = self.text(name, limit=MAX_URL, label=label)
        if value is not None and not URL_RE.match(value):
            self.problems.add(name, f"{label} must be a web address starting with http:// or https://.")
            return None
        return value

    def slugs(self, name: str, *, label: str = "This") -> list[str]:
        value = self.data.get(name)
        if value in (None, ""):
            return []
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problems.add(name, f"{label} must be a list of names.")
            return []
        values = [v.strip() for v in values if v.strip()]
        if len(values) > MAX_LIST:
            self.problems.add(name, f"{label}: at most {MAX_LIST}.")
            return []
        bad = [v for v in values if not SLUG_RE.match(v) or len(v) > 200]
        if bad:
            self.problems.add(name, f"{label}: “{bad[0][:60]}” is not one of ours.")
            return []
        return list(dict.fromkeys(values))

    def references(self, name: str, *, label: str = "This") -> list[str]:
        """Several references (each a slug, an IRI or a name; resolved by kb.write.references)."""
        value = self.data.get(name)
        if value in (None, ""):
            return []
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problems.add(name, f"{label} must be a list of names, slugs or addresses.")
            return []
        if len(values) > MAX_LIST:
            self.problems.add(name, f"{label}: at most {MAX_LIST}.")
            return []
        found = []
        for item in values:
            text = self._one_text(name, item, required=False, label=label)
            if name in self.problems.fields:
                return []
            if text is not None:
                found.append(text)
        return list(dict.fromkeys(found))

    def reference(self, name: str, *, required: bool = False, label: str = "This") -> str | None:
        """One reference: a slug, an IRI or a name (resolved by kb.write.references)."""
        value = self.data.get(name)
        if isinstance(value, list):  # a form that sent the field twice
            if len(value) > 1:
                self.problems.add(name, f"{label}: choose one.")
                return None
            value = value[0] if value else None
        if value is not None and not isinstance(value, str):
            self.problems.add(name, f"{label} must be a name, a slug or an address.")
            return None
        return self._one_text(name, value, required=required, label=label)

    def _one_text(self, name: str, value: str | None, *, required: bool, label: str) -> str | None:
        """``value`` read as the text of field ``name`` (its problems recorded against it)."""
        single = Reader({name: value})
        text = single.text(name, required=required, limit=MAX_URL, label=label)
        for message in single.problems.fields.get(name, []):
            self.problems.add(name, message)
        return text

    def slug(self, name: str, *, required: bool = False, label: str = "This") -> str | None:
        found = self.slugs(name, label=label)
        if len(found) > 1:
            self.problems.add(name, f"{label}: choose one.")
            return None
        if not found and required and name not in self.problems.fields:
            self.problems.add(name, f"{label} is required.")
        return found[0] if found else None

    def version(self, name: str = "version") -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            self.problems.add(name, "The version must be a whole number.")
            return None
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            self.problems.add(name, "The version must be a whole number.")
            return None
        if number < 0 or number > 10**9:
            self.problems.add(name, "The version is out of range.")
            return None
        return number


def stem(data: Mapping[str, Any], *keys: str) -> str:
    """Words to mint a slug from: the first submitted text among ``keys`` (checked elsewhere)."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return "item"
