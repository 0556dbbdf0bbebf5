"""The ``claimkb`` command: serve the site, create and load the knowledge base, and more."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kb import settings as kb_settings
from kb.errors import KBError
from kb.knowledge import KnowledgeBase


def _settings_help() -> str:
    lines = ["Settings (environment variables):", ""]
    for s in kb_settings.SETTINGS:
        lines.append(f"  {s.env} (default {s.default!r}): {s.help}")
    return "\n".join(lines)


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CLAIMKB_DATA_DIR",
    default="var",
    show_default=True,
    help="Directory of the knowledge base (also CLAIMKB_DATA_DIR).",
)


def open_kb(data_dir: Path) -> KnowledgeBase:
    values = kb_settings.from_environment({"data_dir": str(data_dir)})
    try:
        return KnowledgeBase.open(
            kb_settings.data_dir(values),
            store_url=values["store"],
            base_iri=values["base_iri"],
            writer_url=values["writer_url"],
            writer_token=values["writer_token"],
        )
    except KBError as error:
        raise click.ClickException(error.message) from error


class ClaimkbGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KBError as error:
            raise click.ClickException(error.message) from error


@click.group(cls=ClaimkbGroup, epilog=_settings_help(), context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """claimkb: a claim-tracking fact-check knowledge base."""


@main.command()
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT", help="Port to listen on (also PORT).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes (gunicorn). More than one needs a SPARQL-server store (CLAIMKB_STORE=sparql+http://…).",
)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1), help="Threads per worker.")
@click.option("--debug/--no-debug", default=False, help="Flask's debugger and reloader (never in production).")
def serve(data_dir: Path, host: str, port: int, workers: int, threads: int, debug: bool) -> None:
    """Serve the site under gunicorn. An empty data directory is initialised with the seed claims."""
    config = {"data_dir": str(data_dir)}
    if debug:
        from webapp import create_app

        app = create_app(config)
        click.echo(f"claimkb: serving {data_dir.resolve()} on http://{host}:{port}/ (debug)")
        app.run(host=host, port=port, debug=True, threaded=True, use_reloader=True)
        return
    from commands.serving import check_workers
    from commands.serving import serve as serve_with_gunicorn

    check_workers(workers, kb_settings.from_environment(config)["store"])
    click.echo(f"claimkb: serving {data_dir.resolve()} on http://{host}:{port}/ ({workers} × {threads} threads)")
    serve_with_gunicorn(config, host=host, port=port, workers=workers, threads=threads)


@main.command()
@data_dir_option
@click.option("--no-seed", is_flag=True, help="Create an empty knowledge base, without the seed claims.")
def init(data_dir: Path, no_seed: bool) -> None:
    """Create the knowledge base in DATA_DIR and load the seed claims if it is empty."""
    kb = open_kb(data_dir)
    try:
        revision = None if no_seed else kb.ensure_seed()
        if revision:
            click.echo(f"Loaded the seed claims as revision {revision.number} ({revision.added} triples).")
        else:
            click.echo(f"The knowledge base in {data_dir} is ready (nothing to load).")
    finally:
        kb.close()


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
@click.option(
    "--format", "rdf_format", default=None, help="RDF syntax (turtle, nt, xml, json-ld...); guessed from the name."
)
@click.option("--reason", default=None, help="Why: recorded in the revision.")
def load(file: Path, data_dir: Path, rdf_format: str | None, reason: str | None) -> None:
    """Load an RDF FILE into the knowledge base, as one revision.

    The file is checked against the SHACL shapes first; a malformed or invalid file changes
    nothing. Loading the same file twice adds nothing the second time.
    """
    kb = open_kb(data_dir)
    try:
        revision = kb.load_file(file, rdf_format=rdf_format, reason=reason)
        if revision is not None:
            from commands.search import bring_index_up_to_date

            bring_index_up_to_date(kb, data_dir)
    except KBError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    finally:
        kb.close()
    if revision is None:
        click.echo("Nothing new: the knowledge base already holds every triple of that file.")
    else:
        click.echo(f"Loaded {file} as revision {revision.number}: {revision.added} triples added.")


# Each area defines its commands in a module of its own, registered on ``main`` by importing it.
# (one line per area below)
import commands.dumps  # noqa: E402, F401
import commands.imports  # noqa: E402, F401
import commands.releases  # noqa: E402, F401
import commands.search  # noqa: E402, F401
import commands.users  # noqa: E402, F401
import commands.watch  # noqa: E402, F401
import commands.writer  # noqa: E402, F401

if __name__ == "__main__":
    main()
