"""Accounts written as versions before the accounts database kept them: in the store's private graph.

Used by the migration tests to make a knowledge base as an older claimkb left it.
"""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher

from kb.knowledge import KnowledgeBase
from kb.store import to_ox

ACCOUNT = "https://w3id.org/claimkb/accounts#"


def write_legacy_account(
    kb: KnowledgeBase, name: str, role: str, password: str, token: str, *, disabled: bool = False
) -> None:
    """The triples the old ``kb.accounts`` wrote for one account with one API token."""
    from rdflib import Literal, URIRef

    iri = kb.iris.agent(name)
    a = URIRef(ACCOUNT + "Account")
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        (iri, rdf_type, a),
        (iri, URIRef(ACCOUNT + "name"), Literal(name)),
        (iri, URIRef(ACCOUNT + "role"), Literal(role)),
        (iri, URIRef(ACCOUNT + "disabled"), Literal(disabled)),
        (iri, URIRef(ACCOUNT + "passwordHash"), Literal(PasswordHasher().hash(password))),
        (iri, URIRef(ACCOUNT + "sessionsValidFrom"), Literal(1_700_000_000_000_000_000)),
        (iri, URIRef(ACCOUNT + "tokenDigest"), Literal(hashlib.sha256(token.encode()).hexdigest())),
    ]
    body = "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
    kb.store.update(f"INSERT DATA {{ GRAPH {to_ox(kb.iris.private_graph('accounts'))} {{\n{body}\n}} }}")
