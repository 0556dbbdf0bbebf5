"""What the record pages share: reading ``?as_of=``, settings, CSV and JSON answers, chart series."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flask import Response, abort, current_app, request

from claims import concepts
from claims.model import SLUG_RE
from kb import settings as kb_settings
from webapp.charts_svg import Series


def as_of_arg() -> date | None:
    """``?as_of=YYYY-MM-DD`` as a date; 400 with a message for anything else."""
    value = request.args.get("as_of", "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, "The date must look like 2022-11-30.")


def slug_arg(slug: str) -> str:
    if not SLUG_RE.match(slug) or len(slug) > 200:
        abort(404, "That address does not name anything here.")
    return slug


def minimum() -> int:
    return kb_settings.min_resolved(current_app.config["CLAIMKB"])


def status_series() -> list[Series]:
    return [Series(key, c.label, f"fill-{key}") for key, c in concepts.statuses().items()]


def csv_response(columns: Sequence[str], rows: Iterable[dict[str, Any]], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
