"""Commands to import fact-checkers' data and export ours: ``import``, ``export-claimreview``, ``export-csv``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from commands import data_dir_option, main, open_kb
from commands.search import bring_index_up_to_date
from kb import settings as kb_settings
from kb.interchange import exports
from kb.interchange.imports.batch import DEFAULT_BATCH
from kb.interchange.imports.run import FORMATS, IMPORT_CANDIDATES, import_file
from kb.read.matching import Matcher
from kb.search.service import SearchService, index_dir

MAX_SHOWN = 100


@main.command("import")
@click.option("--format", "format_name", type=click.Choice(sorted(FORMATS)), required=True, help="Format of FILE.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
@click.option(
    "--batch-size",
    default=DEFAULT_BATCH,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Claims written per revision.",
)
@click.option(
    "--match/--no-match",
    default=True,
    show_default=True,
    help="Link each record to a claim recorded before that says the same (through the search index).",
)
@click.option(
    "--as-draft",
    is_flag=True,
    help="New claims land as drafts, visible to editors only until published (default: published).",
)
def import_command(format_name: str, file: Path, data_dir: Path, batch_size: int, match: bool, as_draft: bool) -> None:
    """Import FILE: a ClaimReview JSON-LD document or DataFeed, a LIAR TSV file or an AVeriTeC JSON file.

    Each claim is written with its verdict as an evidence event, in revisions by the import's own
    agent. Bad rows are reported with their line or record number and skipped; importing the same
    file again changes nothing. A record saying what a claim recorded before says is linked to it as
    the same claim (ck:sameClaimAs), unless --no-match. With --as-draft the new claims are drafts.
    """
    kb = open_kb(data_dir)
    try:
        matcher, search = None, None
        if match:
            backend = kb_settings.from_environment()["search"]
            search = SearchService.open(kb, index_dir(data_dir.resolve(), backend), backend=backend)
            matcher = Matcher(search, candidates=IMPORT_CANDIDATES)
        report = import_file(
            kb, format_name, file, batch_size=batch_size, progress=True, matcher=matcher, as_draft=as_draft
        )
        if search is not None:  # it followed the import's revisions: catch up with any it missed
            search.wait()
            search.catch_up()
        elif report.revisions:
            bring_index_up_to_date(kb, data_dir)
    finally:
        kb.close()
    for problem in report.problems[:MAX_SHOWN]:
        click.echo(f"{file}: {problem}; skipped", err=True)
    if report.skipped > MAX_SHOWN:
        click.echo(f"{file}: … and {report.skipped - MAX_SHOWN} more skipped", err=True)
    rate = report.imported / report.seconds if report.seconds else 0.0
    click.echo(
        f"Read {report.records} records: {report.imported} claims imported, {report.unchanged} already held, "
        f"{report.skipped} skipped, {report.linked} linked to a claim recorded before as the same claim; "
        f"{report.triples} triples in {len(report.revisions)} revision(s), "
        f"{report.seconds:.1f} s ({rate:.0f} claims/s)."
    )


output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)


@main.command("export-claimreview")
@data_dir_option
@output_option
def export_claimreview(data_dir: Path, output: Path | None) -> None:
    """Write a ClaimReview DataFeed (JSON-LD) of every claim with a verdict."""
    kb = open_kb(data_dir)
    try:
        publisher = kb_settings.from_environment()["publisher_name"]
        text = json.dumps(exports.claimreview_feed(kb, publisher=publisher), ensure_ascii=False, indent=1)
    finally:
        kb.close()
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@main.command("export-csv")
@data_dir_option
@output_option
def export_csv(data_dir: Path, output: Path | None) -> None:
    """Write the claim table as CSV: IRI, text, claimant, type, status, dates, source count."""
    kb = open_kb(data_dir)
    try:
        if output:
            with output.open("w", encoding="utf-8", newline="") as handle:
                exports.write_claims_csv(kb, handle)
        else:
            exports.write_claims_csv(kb, sys.stdout)
    finally:
        kb.close()
