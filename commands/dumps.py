"""``claimkb export`` and ``claimkb restore``: dumps of the public dataset, and loading one back."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from commands import data_dir_option, main, open_kb
from commands.search import bring_index_up_to_date
from kb.interchange import dumps
from kb.sparql.formats import DUMP_FORMATS


@main.command()
@data_dir_option
@click.option(
    "--format",
    "dump_format",
    type=click.Choice([f.name for f in DUMP_FORMATS]),
    default="trig",
    show_default=True,
    help="trig, nquads and jsonld hold the revision history (named graphs); turtle the current state only.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write (default: stdout)."
)
def export(data_dir: Path, dump_format: str, output: Path | None) -> None:
    """Write the public dataset: current state and revision history, private graphs left out."""
    kb = open_kb(data_dir)
    try:
        fmt = dumps.dump_format(dump_format)
        if output is None:
            dumps.export(kb, fmt, sys.stdout.buffer)
        else:
            dumps.export_to_file(kb, fmt, output)
            click.echo(f"Wrote {output} ({fmt.label}).", err=True)
    finally:
        kb.close()


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
@click.option("--format", "rdf_format", default=None, help="trig, nquads, jsonld or turtle; guessed from the name.")
@click.option(
    "--index/--no-index",
    default=True,
    help="Build the search index after restoring (the default). With --no-index, run `claimkb reindex` "
    "before serving: the site's first start would otherwise build it (minutes at a million claims).",
)
def restore(file: Path, data_dir: Path, rdf_format: str | None, index: bool) -> None:
    """Restore a dump made by `claimkb export` into an EMPTY knowledge base, history included."""
    kb = open_kb(data_dir)
    try:
        count = dumps.restore(kb, file, rdf_format)
        click.echo(f"Restored {count} quads from {file}.")
        # The one full due check, here rather than on the first start (seconds at a million claims).
        kb.mark_due_predictions_on_start(data_dir)
        if index:
            bring_index_up_to_date(kb, data_dir)
        else:
            click.echo("Search index not built: run `claimkb reindex` before serving.", err=True)
    finally:
        kb.close()
