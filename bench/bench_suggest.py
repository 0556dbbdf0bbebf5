"""Suggestion benchmark: how long the rules take on articles of growing size, and on hostile text.

Prints the median (and 95th percentile) of ``claims.suggestions.suggest`` on the made-up test article
repeated up to the size limit, and on texts built to make a careless splitter slow (thousands of
abbreviations or initials in a row); the baseline, measured in the same run, is splitting the same
text into sentences alone, so the ratio is the cost of the rules themselves.

Run: ``.venv/bin/python -m bench.bench_suggest`` (add ``--runs N``).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.timing import describe, timed
from claims.suggestions import split_sentences, suggest
from kb.write.suggesting import MAX_ARTICLE

ARTICLE = (Path(__file__).resolve().parents[1] / "tests" / "data" / "suggest-article.txt").read_text()


def texts() -> dict[str, str]:
    def fill(unit: str, size: int) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        f"test article ({len(ARTICLE):,} chars)": ARTICLE,
        "article x10 (15k chars)": fill(ARTICLE + "\n", 15_000),
        f"article to the limit ({MAX_ARTICLE:,} chars)": fill(ARTICLE + "\n", MAX_ARTICLE),
        "initials 'A. A. A.' (limit)": fill("A. ", MAX_ARTICLE),
        "'Example Inc. ' (limit)": fill("Example Inc. ", MAX_ARTICLE),
        "one line of quoted questions (limit)": fill("“Is it?” she asked. ", MAX_ARTICLE),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for name, text in texts().items():
        rules = timed(lambda text=text: suggest(text), args.runs)
        split = timed(lambda text=text: split_sentences(text), args.runs)
        ratio = statistics.median(rules) / max(statistics.median(split), 1e-6)
        print(f"{name:42} suggest {describe(rules)}")
        print(f"{'':42} split   {describe(split)}   rules cost x{ratio:.1f} of splitting")


if __name__ == "__main__":
    main()
