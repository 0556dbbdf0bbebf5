"""The statistics page's figures: claims per month by status, type, topic and language, predictions
coming due and the most-checked claimants, each read from one SPARQL aggregate (``kb.queries.STATS_*``)
and cached until the next revision.

Each chart carries the query that reproduces it on the public endpoint: the same text the page was
computed with, with any value the code binds (today's date) written in as a ``VALUES`` block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal

from claims import concepts
from claims.vocab import CK_IRI
from kb import queries
from kb.knowledge import KnowledgeBase
from kb.store.remote import with_values

BASES = {"recorded": "first recorded here", "claimed": "made"}
DIMENSIONS = {"status": "status", "type": "claim type", "topic": "topic", "language": "language"}
NOT_RECORDED = "not recorded"
MOST_CHECKED = 15


@dataclass
class Category:
    key: str  # a status or type notation, a topic or entity slug, a language tag, or "not recorded"
    label: str


@dataclass
class MonthChart:
    """Claims per month, split by categories (a month may also be "undated")."""

    id: str
    title: str
    categories: list[Category]
    months: list[str]  # every month from the first to the last, gaps included
    values: dict[str, dict[str, int]]  # month -> category key -> claims
    sparql: str
    outside: dict[str, int] = field(default_factory=dict)  # "undated" -> claims (not on the axis)

    def rows(self) -> list[dict[str, object]]:
        labels = {c.key: c.label for c in self.categories}
        found = []
        for month in [*self.months, *self.outside]:
            for key, n in sorted(self.values.get(month, {}).items()):
                if n:
                    found.append({"month": month, "key": key, "label": labels.get(key, key), "claims": n})
        return found


@dataclass
class BarChart:
    """Claimants (rows) by status (categories)."""

    id: str
    title: str
    categories: list[Category]
    rows_: list[tuple[Category, dict[str, int]]]
    sparql: str

    def rows(self) -> list[dict[str, object]]:
        return [
            {"claimant": who.label, "slug": who.key, "status": key, "claims": n}
            for who, counts in self.rows_
            for key, n in counts.items()
            if n
        ]


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _is_month(value: str) -> bool:
    return len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit()


class Statistics:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def by_month(self, basis: str, dimension: str) -> MonthChart:
        if basis not in BASES or dimension not in DIMENSIONS:
            raise ValueError(f"No chart of claims by {dimension} per month {basis}.")
        return self.kb.cache.get(("stats-month", basis, dimension), lambda: self._by_month(basis, dimension))

    def _by_month(self, basis: str, dimension: str) -> MonthChart:
        query = queries.STATS_BY_MONTH[(basis, dimension)]
        values: dict[str, dict[str, int]] = defaultdict(dict)
        for row in self.kb.store.select_values(query):
            key = self._key(dimension, str(row["value"]))
            month = str(row["month"])
            values[month][key] = values[month].get(key, 0) + int(row["claims"])
        dated = sorted(m for m in values if _is_month(m))
        months = month_range(dated[0], dated[-1]) if dated else []
        outside = {m: sum(v.values()) for m, v in values.items() if not _is_month(m)}
        return MonthChart(
            id=f"claims-{basis}-by-{dimension}",
            title=f"Claims by month {BASES[basis]}, by {DIMENSIONS[dimension]}",
            categories=self._categories(dimension, {k for v in values.values() for k in v}),
            months=months,
            values=dict(values),
            sparql=query,
            outside=outside,
        )

    def _key(self, dimension: str, value: str) -> str:
        if dimension in ("status", "type"):
            return value.removeprefix(CK_IRI)
        if dimension == "topic":
            kind_slug = self.kb.iris.kind_and_slug(value)
            return kind_slug[1] if kind_slug else value
        return value

    def _categories(self, dimension: str, present: set[str]) -> list[Category]:
        if dimension == "status":
            return [Category(k, c.label) for k, c in concepts.statuses().items()]
        if dimension == "type":
            return [Category(k, c.label) for k, c in concepts.claim_types().items()]
        if dimension == "topic":
            labels = dict(self.kb.topics())
            found = [Category(slug, labels.get(slug, slug)) for slug in sorted(present - {"no topic"})]
            found.sort(key=lambda c: c.label.lower())
            return found + ([Category("no topic", "No topic")] if "no topic" in present else [])
        found = [Category(tag, tag) for tag in sorted(present - {NOT_RECORDED})]
        return found + ([Category(NOT_RECORDED, "Not recorded")] if NOT_RECORDED in present else [])

    def coming_due(self) -> MonthChart:
        today = self.kb.today()
        return self.kb.cache.get(("stats-due", today), self._coming_due)

    def _coming_due(self) -> MonthChart:
        bindings = {"today": Literal(self.kb.today())}
        values: dict[str, dict[str, int]] = {}
        for row in self.kb.store.select_values(queries.STATS_PREDICTIONS_COMING_DUE, bindings):
            values[str(row["month"])] = {"prediction": int(row["claims"])}
        dated = sorted(values)
        return MonthChart(
            id="predictions-coming-due",
            title=f"Open predictions coming due, by month of their deadline (from {self.kb.today().isoformat()})",
            categories=[Category("prediction", "Predictions")],
            months=month_range(dated[0], dated[-1]) if dated else [],
            values=values,
            sparql=with_values(queries.STATS_PREDICTIONS_COMING_DUE, bindings),
        )

    def most_checked(self) -> BarChart:
        return self.kb.cache.get(("stats-most-checked",), self._most_checked)

    def _most_checked(self) -> BarChart:
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        names: dict[str, str] = {}
        for row in self.kb.store.select_values(queries.STATS_MOST_CHECKED):
            iri = str(row["claimant"])
            kind_slug = self.kb.iris.kind_and_slug(iri)
            slug = kind_slug[1] if kind_slug else iri
            names[slug] = str(row["name"])
            status = str(row["status"]).removeprefix(CK_IRI)
            counts[slug][status] = counts[slug].get(status, 0) + int(row["claims"])
        top = sorted(counts, key=lambda s: (-sum(counts[s].values()), names[s].lower()))[:MOST_CHECKED]
        return BarChart(
            id="most-checked-claimants",
            title=f"The {MOST_CHECKED} most-checked claimants: their claims with a status other than unverified",
            categories=[Category(k, c.label) for k, c in concepts.statuses().items() if k != "unverified"],
            rows_=[(Category(slug, names[slug]), counts[slug]) for slug in top],
            sparql=queries.STATS_MOST_CHECKED,
        )

    def charts(self, basis: str = "recorded") -> list[MonthChart | BarChart]:
        return [
            *(self.by_month(basis, dimension) for dimension in DIMENSIONS),
            self.coming_due(),
            self.most_checked(),
        ]
