"""``claimkb reindex``: rebuild the search index from the store."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from commands import data_dir_option, main, open_kb
from kb import settings as kb_settings
from kb.knowledge import KnowledgeBase
from kb.search.service import SearchService, index_dir


@main.command()
@data_dir_option
def reindex(data_dir: Path) -> None:
    """Rebuild the search index of DATA_DIR from the store, with a progress bar.

    The index is a cache: it follows every revision and catches up on start, so this is needed
    only to recover from a damaged index or after changing how claims are indexed.
    """
    kb = open_kb(data_dir)
    started = time.perf_counter()

    def progress(documents: Iterable[Any], total: int) -> Iterable[Any]:
        return tqdm(documents, desc="Indexing claims", unit=" claims", total=total)

    try:
        backend = kb_settings.from_environment()["search"]
        path = index_dir(data_dir.resolve(), backend)
        count = SearchService.open(kb, path, catch_up=False, backend=backend).rebuild(progress)
    finally:
        kb.close()
    click.echo(f"Indexed {count} claims in {time.perf_counter() - started:.1f} s.")


def bring_index_up_to_date(kb: KnowledgeBase, data_dir: Path) -> None:
    """Catch the search index up with what a command just wrote (a load, restore or import), so that
    the next start of the site finds it current and starts in seconds instead of rebuilding it."""
    started = time.perf_counter()
    backend = kb_settings.from_environment()["search"]
    search = SearchService.open(kb, index_dir(data_dir.resolve(), backend), catch_up=False, backend=backend)
    search.catch_up()
    click.echo(f"Search index up to date in {time.perf_counter() - started:.1f} s.", err=True)
