"""Moving the accounts out of the store: from the old private named graph into the accounts database.

Older versions kept accounts, password hashes, logout times and token digests in the named graph
``{base}private/accounts`` of the RDF store, which a SPARQL server's own endpoint publishes. On every
start (and with ``claimkb migrate-accounts``) whatever that graph holds is copied into the accounts
database and the graph is dropped, with any other ``{base}private/…`` graph. Running it again finds
nothing to do; an interrupted run is finished by the next one (copying skips what is already there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from kb import queries
from kb.accounts import Accounts
from kb.knowledge import KnowledgeBase
from kb.store import to_ox


@dataclass
class Migration:
    imported: list[str] = field(default_factory=list)  # accounts added to the database
    kept: list[str] = field(default_factory=list)  # accounts the database already had
    dropped_graphs: list[str] = field(default_factory=list)

    @property
    def moved_anything(self) -> bool:
        return bool(self.imported or self.kept or self.dropped_graphs)


def private_graphs(kb: KnowledgeBase) -> list[URIRef]:
    """Every named graph of the store under ``{base}private/``, but the newsroom's own
    (``{base}private/editorial/``: drafts and the desk, which stay)."""
    prefix = Literal(str(kb.iris.base) + "private/")
    # A store keeping its default graph in a named graph is on Virtuoso (see kb.store.remote).
    query = (
        queries.GRAPHS_WITH_TRIPLES_STARTING_WITH
        if getattr(kb.store, "default_graph", None)
        else queries.GRAPHS_STARTING_WITH
    )
    rows = kb.store.select(query, {"prefix": prefix})
    return [URIRef(str(row["g"])) for row in rows if not kb.iris.is_editorial(str(row["g"]))]


def migrate_accounts(kb: KnowledgeBase, accounts: Accounts) -> Migration:
    """Copy the store's private accounts graph into ``accounts`` and drop every private graph."""
    report = Migration()
    graphs = private_graphs(kb)
    if not graphs:
        return report
    legacy = kb.iris.private_graph("accounts")
    if legacy in graphs:
        digests: dict[str, list[str]] = {}
        for row in kb.store.select(queries.LEGACY_DIGESTS, {"g": legacy}):
            digests.setdefault(str(row["name"]), []).append(str(row["digest"]))
        for row in kb.store.select(queries.LEGACY_ACCOUNTS, {"g": legacy}):
            name = str(row["name"])
            added = accounts.import_account(
                name,
                role=str(row["role"]),
                disabled=str(row["disabled"]) in ("true", "1"),
                password_hash=str(row["hash"]) if row.get("hash") is not None else None,
                sessions_from=int(row["sessionsFrom"]) if row.get("sessionsFrom") is not None else 0,  # type: ignore[call-overload]
                digests=digests.get(name, []),
            )
            (report.imported if added else report.kept).append(name)
    # Only now, with every account safe in the database, do the secrets leave the store: one request.
    kb.store.update(" ;\n".join(f"DROP SILENT GRAPH {to_ox(graph)}" for graph in graphs))
    report.dropped_graphs = [str(g) for g in graphs]
    return report
