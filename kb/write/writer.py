"""One writer for many web hosts: the hosts hand their changes to it, and it alone updates the SPARQL server.

Why: every revision is one SPARQL update whose ``WHERE`` checks the revision counter, and a server
that runs concurrent updates on snapshots (Oxigraph's repeatable read) lets two of them pass the same
check, so two writes from two hosts can share one revision number. A lock on one host does not stop
another host. Here one process, ``claimkb writer`` (``commands/writer.py``), applies every change
with ``Repository.apply`` under its own lock: the server never sees two updates at once, whatever its
isolation, and each change is still one atomic update.

This module holds both ends, with no HTTP framework: ``WriterService`` (what the writer does with a
request: the change in, the revision or the error out) and ``WriterClient`` (what a host's
repository calls instead of writing itself when ``CLAIMKB_WRITER_URL`` is set). A change travels as
JSON with its triples as N-Triples, and carries a nonce chosen by the host: the writer applies a
nonce once (a repeated request gets the revision it already made), and a host that lost the answer
asks the store whether that nonce landed.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pyoxigraph as ox
from rdflib import URIRef

from claims.model import Iris
from kb.errors import ConflictError, KBError, StoreUnavailable
from kb.store import Store, from_ox, to_ox
from kb.tls import tls_context
from kb.write.repository import Change, Repository, RevisionInfo, Triple

log = logging.getLogger(__name__)

APPLY_PATH = "apply"
HEALTH_PATH = "health"
CONNECT_TIMEOUT = 3.0
# A revision of a large import can take a while on the server; a host waits this long for its answer.
ANSWER_TIMEOUT = 120.0
# After a lost answer, a host asks again (same nonce: applied at most once) for this long.
RESEND_FOR = 10.0


# --- the change on the wire -------------------------------------------------------------------


def triples_to_text(triples: Iterable[Triple]) -> str:
    """Triples as an N-Triples document (pyoxigraph checks, writes and escapes each term)."""
    try:
        return "".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} .\n" for s, p, o in triples)
    except (TypeError, ValueError) as error:
        # As the store itself would refuse it: nothing is sent.
        raise KBError(f"The change could not be written: {error}", status=400) from error


def triples_from_text(text: str) -> set[Triple]:
    try:
        parsed = ox.parse(text.encode(), ox.RdfFormat.N_TRIPLES)
        return {(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in parsed}
    except SyntaxError as error:
        raise KBError(f"The writer was sent malformed triples: {error}", status=400) from error


def change_payload(
    change: Change, *, agent: URIRef, reason: str, revert_of: URIRef | None, nonce: str, base_iri: str
) -> dict[str, Any]:
    return {
        "base_iri": base_iri,
        "nonce": nonce,
        "agent": str(agent),
        "reason": reason,
        "revert_of": str(revert_of) if revert_of is not None else None,
        "added": triples_to_text(sorted(change.added)),
        "removed": triples_to_text(sorted(change.removed)),
        "changed": sorted(str(r) for r in change.changed),
        "expected_versions": {str(r): v for r, v in change.expected_versions.items()},
    }


def info_payload(info: RevisionInfo) -> dict[str, Any]:
    return {
        "number": info.number,
        "iri": str(info.iri),
        "agent": str(info.agent),
        "time": info.time.isoformat(),
        "reason": info.reason,
        "changed": [str(r) for r in info.changed],
        "added": info.added,
        "removed": info.removed,
    }


def info_from_payload(body: Mapping[str, Any]) -> RevisionInfo:
    return RevisionInfo(
        int(body["number"]),
        URIRef(body["iri"]),
        URIRef(body["agent"]),
        datetime.fromisoformat(body["time"]),
        str(body["reason"]),
        tuple(URIRef(r) for r in body["changed"]),
        int(body["added"]),
        int(body["removed"]),
    )


def error_payload(error: KBError) -> dict[str, Any]:
    return {"error": {"status": error.status, "title": error.title, "message": error.message, "details": error.details}}


def error_from_payload(body: Mapping[str, Any]) -> KBError:
    """The writer's error as the same exception the host would have raised itself."""
    error = body.get("error") or {}
    status = int(error.get("status", 500))
    details = error.get("details") or {}
    if status == 409 and "stale" in details:
        return ConflictError(
            {URIRef(iri): (int(v["expected"]), int(v["current"])) for iri, v in details["stale"].items()}
        )
    message = str(error.get("message") or "The writer refused the change.")
    if status == 503:
        return StoreUnavailable(message)
    return KBError(message, status=status, title=error.get("title"), details=details)


# --- the writer's side --------------------------------------------------------------------------


class WriterService:
    """Applies the hosts' changes one at a time; the only writer of the store."""

    def __init__(self, store: Store, iris: Iris, token: str) -> None:
        if len(token) < 16:
            raise KBError("The writer needs CLAIMKB_WRITER_TOKEN: a shared secret of at least 16 characters.")
        self.repository = Repository(store, iris)
        self.iris = iris
        self._token = token.encode()
        self._lock = threading.Lock()

    def authorised(self, header: str | None) -> bool:
        """Whether a request's ``Authorization`` header holds the shared token (compared in constant time)."""
        scheme, _, given = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self._token)

    def handle(self, body: Any) -> tuple[int, dict[str, Any]]:
        """One request's answer: (status, JSON body)."""
        try:
            return 200, info_payload(self.apply(body))
        except KBError as error:
            if error.status >= 500:
                log.warning("claimkb writer: %s", error.message)
            return error.status, error_payload(error)

    def apply(self, body: Any) -> RevisionInfo:
        if not isinstance(body, Mapping):
            raise KBError("The writer takes a JSON object.", status=400)
        try:
            base_iri, nonce = str(body["base_iri"]), str(body["nonce"])
            agent, reason = URIRef(body["agent"]), str(body["reason"])
            revert_of = URIRef(body["revert_of"]) if body.get("revert_of") else None
            change = Change(
                added=triples_from_text(str(body["added"])),
                removed=triples_from_text(str(body["removed"])),
                changed={URIRef(r) for r in body["changed"]},
                expected_versions={URIRef(r): int(v) for r, v in dict(body["expected_versions"]).items()},
            )
        except (KeyError, TypeError, ValueError) as error:
            raise KBError(f"The writer was sent an incomplete change: {error!r}", status=400) from error
        if base_iri != self.iris.base:
            raise KBError(
                f"This writer keeps the knowledge base of {self.iris.base}, not {base_iri}: "
                "give the hosts and the writer the same CLAIMKB_BASE_IRI.",
                status=400,
            )
        with self._lock:
            # A host that lost the answer sends the same change again: it gets the revision already made.
            done = self.repository.revision_by_nonce(nonce)
            if done is not None:
                return done
            info = self.repository.apply_with_nonce(
                change, agent=agent, reason=reason, revert_of=revert_of, nonce=nonce
            )
        if info is None:
            raise KBError("The change is empty: nothing to write.", status=400)
        return info


# --- the host's side ----------------------------------------------------------------------------


@dataclass
class WriterClient:
    """A host's way to write: hand the change to ``claimkb writer`` at ``url`` and return its revision."""

    url: str
    token: str
    store: Store
    iris: Iris

    def __post_init__(self) -> None:
        self._endpoint = self.url.rstrip("/") + "/" + APPLY_PATH
        self._client = httpx.Client(
            verify=tls_context(),
            timeout=httpx.Timeout(ANSWER_TIMEOUT, connect=CONNECT_TIMEOUT),
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def apply(self, change: Change, *, agent: URIRef, reason: str, revert_of: URIRef | None) -> RevisionInfo:
        nonce = uuid.uuid4().hex
        payload = change_payload(
            change, agent=agent, reason=reason, revert_of=revert_of, nonce=nonce, base_iri=self.iris.base
        )
        deadline = time.monotonic() + RESEND_FOR
        sent = False  # whether a try may have reached the writer (so the change may have landed)
        while True:
            try:
                response = self._client.post(self._endpoint, json=payload)
            except httpx.TransportError as error:
                # ConnectError: this try reached no writer. Anything else: it was sent, but the answer
                # was lost (the writer stopped, or the network broke). The update was one atomic
                # request, so it landed whole or not at all: while there is time, ask again with the
                # same nonce (a writer applies a nonce once, and a restarted one answers the revision
                # made), then ask the store whether that nonce landed.
                sent = sent or not isinstance(error, httpx.ConnectError)
                if sent and time.monotonic() < deadline:
                    log.warning("claimkb: no answer from the writer (%s); asking again", error)
                    time.sleep(0.2)
                    continue
                outcome = self._landed(nonce)
                if outcome is not None:
                    return outcome
                if not sent:
                    raise StoreUnavailable(
                        f"The writer service at {self.url} cannot be reached, so nothing was saved. "
                        "Reading still works; please try again in a moment."
                    ) from error
                raise StoreUnavailable(
                    f"The writer service at {self.url} did not confirm the change, and it is not in the "
                    "knowledge base: nothing was saved. Please try again in a moment."
                ) from error
            return self._answer(response)

    def _landed(self, nonce: str) -> RevisionInfo | None:
        try:
            return Repository(self.store, self.iris).revision_by_nonce(nonce)
        except StoreUnavailable:
            return None

    def _answer(self, response: httpx.Response) -> RevisionInfo:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200:
            return info_from_payload(body)
        if response.status_code in (401, 403):
            raise KBError(
                "The writer service refused this host: CLAIMKB_WRITER_TOKEN differs from the writer's. "
                "Nothing was saved.",
                status=503,
                title="Knowledge base unavailable",
            )
        if "error" not in body:
            raise StoreUnavailable(
                f"The writer service at {self.url} answered {response.status_code}; nothing was saved. "
                "Please try again in a moment."
            )
        raise error_from_payload(body)

    def close(self) -> None:
        self._client.close()
