"""``claimkb release``: a dated, versioned, checksummed release of the whole public data set."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click

from commands import data_dir_option, main, open_kb
from kb import settings as kb_settings
from kb.interchange.releases import make_release


@main.command()
@data_dir_option
@click.option("--version", "version", required=True, help="The release's name, e.g. 2026.1 (letters, digits, . _ -).")
@click.option(
    "--date",
    "issued",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Its date (default: today, UTC). The same data, version and date give the same bytes.",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory of releases (default: CLAIMKB_RELEASES_DIR, else DATA_DIR/releases).",
)
def release(data_dir: Path, version: str, issued: datetime | None, output: Path | None) -> None:
    """Write release VERSION: TriG, N-Quads and JSON-LD dumps, the claims as CSV, a VoID + DCAT
    description and SHA256SUMS, under RELEASES_DIR/VERSION. An existing release is never overwritten."""
    values = kb_settings.from_environment({"data_dir": str(data_dir)})
    target = output or kb_settings.releases_dir(values)
    day: date = issued.date() if issued else datetime.now(UTC).date()
    kb = open_kb(data_dir)
    try:
        made = make_release(
            kb,
            version,
            target,
            issued=day,
            publisher=values["publisher_name"],
            licence=values["licence"],
            endpoint=f"{kb.iris.base}sparql",
        )
    finally:
        kb.close()
    click.echo(f"Release {made.version} ({day.isoformat()}) written to {made.directory}:")
    for f in made.files:
        click.echo(f"  {f.name}  {f.size} bytes  sha256 {f.sha256}")
    click.echo(f"Check it with: cd {made.directory} && sha256sum -c SHA256SUMS")
