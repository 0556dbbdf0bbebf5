"""A bounded load client for a running site: readers and editors on threads, over real HTTP.

Every write it sends carries a unique reason and unique words, and every write the site
acknowledges is recorded (``Ack``), so that afterwards each can be looked for through the JSON
API, the search and the store's revision log. Deliberate concurrent edits of one shared claim may
answer 409; those are counted, not errors.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from kb import queries
from kb.knowledge import KnowledgeBase

SHARED_CLAIM = "fbt-job-listings"
SEED_CLAIMS = ("fbt-job-listings", "own-us-fulfilment-centres", "uk-shop-struggling")
# A made-up word in every claim the client creates, so one search finds them all.
RUN_WORD = "zephyrquill"
SPARQL_QUERY = "SELECT ?claim ?status WHERE { ?claim ck:status ?status } LIMIT 50"
# The whole revision log: fixed text, nothing bound.
ALL_REVISIONS = "SELECT ?n ?reason WHERE { ?rev a ck:Revision ; ck:revisionNumber ?n ; ck:reason ?reason }"


@dataclass(frozen=True)
class Ack:
    """A write the site acknowledged: what it was, on which claim, its unique words and revision."""

    kind: str  # "claim", "event", "edit", "shared-edit"
    claim: str
    slug: str
    words: str
    reason: str
    revision: int


@dataclass
class Tally:
    requests: int = 0
    writes: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str) -> None:
        with self.lock:
            self.requests += 1
            self.by_kind[kind] += 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.writes += 1
            self.acks.append(ack)


class Editor:
    """One client's writes through the JSON API; raises ``Unexpected`` on any answer it did not expect."""

    def __init__(self, http: httpx.Client, token: str, tally: Tally, name: str) -> None:
        self.http = http
        self.auth = {"Authorization": f"Bearer {token}"}
        self.tally = tally
        self.name = name
        self.own: list[str] = []  # claims this client created (only it edits them: no conflicts)

    def _unique(self) -> tuple[str, str]:
        tag = uuid.uuid4().hex[:10]
        return tag, f"{self.name} write {tag}"

    def _send(self, kind: str, method: str, path: str, body: dict[str, Any], ok: tuple[int, ...]) -> httpx.Response:
        self.tally.record(kind)
        response = self.http.request(method, path, json=body, headers=self.auth)
        if response.status_code not in ok:
            raise Unexpected(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response

    def create_claim(self) -> Ack:
        tag, reason = self._unique()
        words = f"Example Org {RUN_WORD} {tag} opens a shop."
        body = {"text": words, "claim_type": "statement", "claimant": "tiktok", "reason": reason, "matches_seen": True}
        data = self._send("create claim", "POST", "/api/claims", body, (201,)).json()
        ack = Ack("claim", data["slug"], data["slug"], words, reason, data["revision"])
        self.own.append(data["slug"])
        self.tally.ack(ack)
        return ack

    def add_event(self, claim: str) -> Ack:
        tag, reason = self._unique()
        version = self.http.get(f"/api/claims/{claim}").json()["version"]
        body = {"date": "2024-05-01", "stance": "context", "note": f"Made-up note {tag}.", "version": version}
        body["reason"] = reason
        data = self._send("add evidence", "POST", f"/api/claims/{claim}/events", body, (201,)).json()
        ack = Ack("event", claim, data["slug"], f"Made-up note {tag}.", reason, data["revision"])
        self.tally.ack(ack)
        return ack

    def edit_claim(self, claim: str, *, shared: bool = False, together: threading.Barrier | None = None) -> Ack | None:
        """Edit ``claim`` from the version just read; ``together`` makes several clients save at once."""
        tag, reason = self._unique()
        current = self.http.get(f"/api/claims/{claim}").json()
        if together is not None:
            together.wait(timeout=60)
        words = f"Example Org {RUN_WORD} {tag} opens a shop." if not shared else f"Listings edited {tag}."
        body = {
            "text": words,
            "claim_type": current["claim_type"],
            "claimant": current["claimant"],
            "deadline": current["deadline"],
            "version": current["version"],
            "reason": reason,
        }
        kind = "edit shared claim" if shared else "edit claim"
        response = self._send(kind, "PUT", f"/api/claims/{claim}", body, (200, 409) if shared else (200,))
        if response.status_code == 409:
            with self.tally.lock:
                self.tally.conflicts += 1
            return None
        data = response.json()
        # No lost update: the save landed on exactly the version this client read.
        if data["version"] != current["version"] + 1:
            raise Unexpected(f"PUT {claim} from version {current['version']} answered version {data['version']}")
        ack = Ack("shared-edit" if shared else "edit", claim, claim, words, reason, data["revision"])
        self.tally.ack(ack)
        return ack


class Unexpected(Exception):
    """An answer the client did not expect: counted as an error."""


class Reader:
    """One client's reads: claim pages, listings, search, SPARQL and the JSON API."""

    def __init__(self, http: httpx.Client, tally: Tally, *, sparql: bool) -> None:
        self.http = http
        self.tally = tally
        self.sparql = sparql

    def read(self, rng: random.Random, claims: list[str]) -> None:
        self._get(*rng.choice(self._choices(rng.choice(claims))))

    def read_each(self, claim: str) -> None:
        """One read of every kind."""
        for choice in self._choices(claim):
            self._get(*choice)

    def _choices(self, claim: str) -> list[tuple[str, str, dict[str, str]]]:
        choices: list[tuple[str, str, dict[str, str]]] = [
            ("claim page", f"/claims/{claim}", {}),
            ("claim api", f"/api/claims/{claim}", {}),
            ("listing", "/claims", {}),
            ("listing", "/claims?status=supported", {}),
            ("home", "/", {}),
            ("search", "/search?q=tiktok+holidays", {}),
            ("search", f"/search.json?q={RUN_WORD}", {}),
        ]
        if self.sparql:
            choices.append(("sparql", "/sparql", {"query": SPARQL_QUERY}))
        return choices

    def _get(self, kind: str, path: str, params: dict[str, str]) -> None:
        self.tally.record(kind)
        headers = {"Accept": "application/sparql-results+json"} if kind == "sparql" else {}
        response = self.http.get(path, params=params, headers=headers)
        if response.status_code != 200:
            raise Unexpected(f"GET {path}: {response.status_code} {response.text[:300]}")


def run_load(base: str, token: str, *, clients: int, seconds: float, sparql: bool, seed: int = 8) -> Tally:
    """``clients`` threads, each mixing reads and writes (about one in four) until ``seconds`` pass."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    # First, every client edits the shared claim from the same version at once: one save wins, the
    # others must be refused with 409 (a lost update otherwise); then the mix runs.
    together = threading.Barrier(clients)

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        with httpx.Client(base_url=base, timeout=60) as http:
            editor = Editor(http, token, tally, f"client-{number}")
            reader = Reader(http, tally, sparql=sparql)
            try:
                editor.edit_claim(SHARED_CLAIM, shared=True, together=together)
                # Then one of each kind of write and read, so that every kind is in even a short run.
                ack = editor.create_claim()
                editor.add_event(ack.claim)
                editor.edit_claim(ack.claim)
                reader.read_each(ack.claim)
            except (Unexpected, httpx.HTTPError, threading.BrokenBarrierError) as error:
                tally.error(f"{type(error).__name__}: {error}")
            while time.monotonic() < stop_at:
                try:
                    roll = rng.random()
                    if roll < 0.75:
                        reader.read(rng, [*SEED_CLAIMS, *editor.own])
                    elif roll < 0.82 or not editor.own:
                        editor.create_claim()
                    elif roll < 0.89:
                        editor.add_event(rng.choice(editor.own))
                    elif roll < 0.95:
                        editor.edit_claim(rng.choice(editor.own))
                    else:
                        editor.edit_claim(SHARED_CLAIM, shared=True)
                except (Unexpected, httpx.HTTPError) as error:
                    tally.error(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=client, args=(n,), name=f"load-{n}") for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


# --- looking for acknowledged writes afterwards ----------------------------------------------------


def latest_words(acks: list[Ack]) -> dict[str, str]:
    """The words each claim should now have: those of its newest acknowledged create or edit."""
    newest: dict[str, Ack] = {}
    for ack in acks:
        if ack.kind in ("claim", "edit", "shared-edit") and (
            ack.claim not in newest or ack.revision > newest[ack.claim].revision
        ):
            newest[ack.claim] = ack
    return {claim: ack.words for claim, ack in newest.items()}


def missing_through_api(base: str, acks: list[Ack]) -> list[str]:
    """Acknowledged writes the JSON API and the search do not show (each as a sentence)."""
    missing = []
    with httpx.Client(base_url=base, timeout=60) as http:
        for claim, words in latest_words(acks).items():
            response = http.get(f"/api/claims/{claim}")
            if response.status_code != 200 or response.json()["text"] != words:
                got = f"{response.status_code} {response.text[:200]}"
                missing.append(f"claim {claim}: expected text {words!r}, got {got}")
        for ack in acks:
            if ack.kind == "event":
                response = http.get(f"/api/events/{ack.slug}")
                if response.status_code != 200 or response.json()["note"] != ack.words:
                    missing.append(f"event {ack.slug}: {response.status_code} {response.text[:200]}")
                evidence = http.get(f"/api/claims/{ack.claim}").json().get("evidence", [])
                if ack.slug not in evidence:
                    missing.append(f"event {ack.slug} is not in the evidence of {ack.claim}")
        written = {a.claim for a in acks if a.kind in ("claim", "edit")}
        found = searched_claims(http)
        if not written <= found:
            missing.append(f"search for {RUN_WORD!r} misses {sorted(written - found)}")
        stored = stored_claims(http)
        if found != stored:
            missing.append(f"the search index is not the store: {sorted(found ^ stored)}")
    return missing


def searched_claims(http: httpx.Client) -> set[str]:
    """The claims the search finds by the run's word, every page of them."""
    slugs: set[str] = set()
    page = 1
    while True:
        found = http.get("/search.json", params={"q": RUN_WORD, "per_page": 100, "page": page}).json()
        slugs |= {hit["slug"] for hit in found["results"]}
        if page >= found["pages"]:
            return slugs
        page += 1


# The store's own answer, through the public SPARQL endpoint (the API's list is read from the search index).
STORED_QUERY = (
    "PREFIX schema: <http://schema.org/> "
    f'SELECT ?claim WHERE {{ ?claim a schema:Claim ; schema:text ?text . FILTER(CONTAINS(?text, "{RUN_WORD}")) }}'
)


def stored_claims(http: httpx.Client) -> set[str]:
    """The claims with the run's word that the store holds, as its SPARQL endpoint answers."""
    response = http.get(
        "/sparql", params={"query": STORED_QUERY}, headers={"Accept": "application/sparql-results+json"}
    )
    response.raise_for_status()
    return {row["claim"]["value"].rsplit("/", 1)[1] for row in response.json()["results"]["bindings"]}


def missing_from_log(knowledge: KnowledgeBase, acks: list[Ack]) -> list[str]:
    """Acknowledged writes the store's revision log lacks, and any gap or repeat in the log."""
    rows = knowledge.store.select(ALL_REVISIONS)
    reasons: dict[int, list[str]] = {}
    for row in rows:
        reasons.setdefault(int(row["n"].toPython()), []).append(str(row["reason"]))
    problems = []
    count = knowledge.repository.revision_count()
    counters = knowledge.store.select(queries.REVISION_COUNT, {"kb": knowledge.iris.knowledge_base})
    if len(counters) != 1:
        problems.append(f"the knowledge base has {len(counters)} revision counters: {counters}")
    if sorted(reasons) != list(range(1, count + 1)):
        gaps = sorted(set(range(1, count + 1)) - set(reasons))
        problems.append(f"the revision log is not 1..{count} without gaps: {gaps}")
    repeated = {n: r for n, r in reasons.items() if len(r) > 1}
    if repeated:
        problems.append(f"revision numbers given to several writes: {repeated}")
    for ack in acks:
        if ack.reason not in reasons.get(ack.revision, []):
            problems.append(f"revision {ack.revision} is not the acknowledged write {ack.reason!r}")
    return problems
