"""Scorecard and quote-drift benchmark: what they cost beside the pages they sit next to.

On synthetic knowledge bases (``bench/synthetic.py``) where one claim in ten is also quoted, with one
word changed, in a made-up copy of its first source, prints medians and 95th percentiles of:
- an article's scorecard, computed afresh, against the claim pages of its claims (the baseline, same
  run: a scorecard is built from them);
- a claim's drifting quotes, computed afresh, against its claim page;
- the list of every drifting quote, computed afresh, and read again from the per-revision cache.

Run: ``.venv/bin/python -m bench.bench_scorecard [--claims 1000 10000] [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from bench.synthetic import BASE, Quad, synthetic_quads
from bench.timing import describe, timed
from claims.model import Iris
from claims.vocab import CK, OA, SCHEMA
from kb.knowledge import KnowledgeBase
from kb.read.scorecard import Scorecards
from kb.store import OxigraphStore


def with_drifting_copies(claims: int) -> Iterator[Quad]:
    """The synthetic quads, plus for every tenth claim a copy of its quoted source with one word changed."""
    iris = Iris(BASE)
    quote_of: dict[URIRef, URIRef] = {}
    source_of: dict[URIRef, URIRef] = {}
    words_of: dict[URIRef, str] = {}
    for quad in synthetic_quads(claims):
        yield quad
        s, p, o, _ = quad
        if p == CK.quote:
            quote_of[s] = o  # type: ignore[assignment]
        elif p == OA.hasSource:
            source_of[s] = o  # type: ignore[assignment]
        elif p == OA.exact:
            words_of[s] = str(o)
    for number, (claim, quote) in enumerate(sorted(quote_of.items())):
        if number % 10:
            continue
        copy, copied_quote = iris.source(f"copy-{number}"), iris.quote(f"copy-{number}")
        words = words_of[URIRef(f"{quote}/selector")].split()
        words[len(words) // 2] = "changed"
        selector = URIRef(f"{copied_quote}/selector")
        for triple in [
            (copy, RDF.type, SCHEMA.NewsArticle),
            (copy, CK.slug, Literal(f"copy-{number}")),
            (copy, SCHEMA.headline, Literal(f"Copy {number}")),
            (copy, PROV.wasDerivedFrom, source_of[quote]),
            (copy, CK.derivationKind, Literal("copy")),
            (claim, SCHEMA.appearance, copy),
            (claim, CK.quote, copied_quote),
            (copied_quote, RDF.type, CK.Quote),
            (copied_quote, OA.hasSource, copy),
            (copied_quote, OA.hasSelector, selector),
            (selector, RDF.type, OA.TextQuoteSelector),
            (selector, OA.exact, Literal(" ".join(words))),
        ]:
            yield (*triple, None)  # type: ignore[misc]


def fresh(kb: KnowledgeBase, compute: object) -> object:
    kb.cache.clear()
    return compute() if callable(compute) else None


def bench(claims: int, runs: int) -> None:
    store = OxigraphStore(None)
    store.bulk_load(with_drifting_copies(claims))
    kb = KnowledgeBase(store, Iris(BASE))
    cards = Scorecards(kb)
    source = max(cards.tracked_articles(), key=lambda article: article[3])
    claim = "claim-0"
    print(f"\n{claims} claims; busiest article: {source[0]} with {source[3]} claims")

    card = cards.scorecard(source[0])
    slugs = [row.claim.slug for row in card.rows]
    rows = {
        "its claims' pages (baseline)": timed(lambda: fresh(kb, lambda: [kb.claim_page(s) for s in slugs]), runs),
        "scorecard, afresh": timed(lambda: fresh(kb, lambda: cards.scorecard(source[0])), runs),
        "claim page (baseline)": timed(lambda: fresh(kb, lambda: kb.claim_page(claim)), runs),
        "claim's drifting quotes, afresh": timed(lambda: fresh(kb, lambda: cards.claim_drifts(claim)), runs),
        "every drifting quote, afresh": timed(lambda: fresh(kb, cards.all_drifts), max(3, runs // 5)),
    }
    found = cards.all_drifts()
    rows["every drifting quote, cached"] = timed(cards.all_drifts, runs)
    for name, samples in rows.items():
        print(f"  {name:34} {describe(samples)}")
    ratio = statistics.median(rows["scorecard, afresh"]) / statistics.median(rows["its claims' pages (baseline)"])
    drift_ratio = statistics.median(rows["claim's drifting quotes, afresh"]) / statistics.median(
        rows["claim page (baseline)"]
    )
    print(f"  scorecard / its claims' pages: {ratio:.2f}x; a claim's drift / its page: {drift_ratio:.2f}x")
    print(f"  drifting quotes found: {len(found)}")
    kb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for claims in args.claims:
        bench(claims, args.runs)


if __name__ == "__main__":
    main()
