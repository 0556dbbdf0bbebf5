"""The statistics page (placeholder until its routes land)."""

from __future__ import annotations

from webapp.records import bp


@bp.get("/statistics")
def statistics() -> str:
    return "statistics"
