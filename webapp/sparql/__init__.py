"""The SPARQL endpoint, linked data for every IRI, the vocabulary document and dumps."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask.blueprints import BlueprintSetupState

from kb.errors import KBError
from kb.sparql.service import Limits, SparqlService

bp = Blueprint("sparql", __name__)

_SERVICE_KEY = "claimkb.sparql"


@bp.record_once
def _start_service(state: BlueprintSetupState) -> None:
    app = state.app
    kb = app.extensions["claimkb"]
    try:
        limits = Limits.from_settings(app.config["CLAIMKB"])
        service = SparqlService(kb, limits, replica_dir=app.config["DATA_DIR"] / "sparql-replica")
    except KBError as error:
        app.extensions[_SERVICE_KEY] = error  # the endpoint answers with it; the rest of the site works
        return
    kb.close_hooks.append(service.close)
    app.extensions[_SERVICE_KEY] = service


def get_service() -> SparqlService:
    service = current_app.extensions[_SERVICE_KEY]
    if isinstance(service, KBError):
        raise service
    assert isinstance(service, SparqlService)
    return service


from webapp.sparql import dumps, endpoint, linked  # noqa: E402, F401  (views register on ``bp``)
