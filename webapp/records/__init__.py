"""Track records, the statistics page and the data releases: what the knowledge base says in sum.

One blueprint; its routes are in ``track.py``, ``statistics.py`` and ``releases.py``, its templates
in ``templates/records/`` and its charts come from ``webapp.charts_svg``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("records", __name__)

from webapp.records import releases, statistics, track  # noqa: E402,F401  (the routes register on bp)
