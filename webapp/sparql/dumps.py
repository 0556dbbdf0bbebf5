"""``/dump``: the whole public dataset for download, written once per revision and kept on disk."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template, send_file
from werkzeug.wrappers import Response

from kb.interchange import dumps
from kb.sparql import formats
from webapp.extensions import get_kb
from webapp.sparql import bp

_SUFFIXES = "<any(" + ", ".join(f.suffix for f in formats.DUMP_FORMATS) + "):suffix>"


@bp.get("/dump")
def dump_index() -> str:
    return render_template("sparql/dump.html", formats=formats.DUMP_FORMATS)


@bp.get(f"/dump.{_SUFFIXES}")
def dump(suffix: str) -> Response:
    kb = get_kb()
    fmt = formats.by_suffix(suffix, formats.DUMP_FORMATS)
    assert fmt is not None
    folder = Path(current_app.config["DATA_DIR"]) / "dumps"
    folder.mkdir(exist_ok=True)
    path = folder / f"claimkb-r{kb.repository.revision_count()}.{fmt.suffix}"
    if not path.exists():
        dumps.export_to_file(kb, fmt, path)
        for older in folder.glob(f"claimkb-r*.{fmt.suffix}"):
            if older != path:
                older.unlink(missing_ok=True)
    return send_file(
        path, mimetype=formats.content_type(fmt), as_attachment=True, download_name=f"claimkb.{fmt.suffix}"
    )
