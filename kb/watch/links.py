"""Link checks: is each source's address still alive, moved elsewhere, or gone?

``LinkChecker`` fetches addresses politely: one request at a time, at most one request per host
every ``interval`` seconds (hosts are taken in turn, so one slow host does not hold the others
up more than it must), a timeout on every request, robots.txt obeyed (``urllib.robotparser``), and a
User-Agent naming the site. Only the status line and headers are read; the body is never
downloaded, so a slow body costs nothing. Redirects are followed by hand (at most
``MAX_REDIRECTS``), each hop under the same rate limit.

Outcomes (``Outcome.state``):

- ``alive``: answered 2xx (directly, or after temporary redirects only);
- ``moved``: a permanent redirect (301, 308) led to a live page elsewhere (``moved_to``);
- ``gone``: 404 or 410, directly or after redirects: the archived copy is what readers get;
- ``failed``: no answer in time, a refused connection, a server error, or 401/403/429 — it may be
  back tomorrow, so it is not called gone;
- ``blocked``: robots.txt asks us not to fetch it (or could not be read: RFC 9309 says to assume
  everything is disallowed then); not fetched.

The outcomes are operational data, kept in the accounts database beside the login throttle
(``LinkChecks``) rather than written as revisions: they are observations of other people's
servers, made again on every run, not editorial statements. As revisions, each run would add a
machine entry to the history, the change feeds and every watchlist, and raise the source's
version under an editor's open form (a 409 for them). What an editor decides — the archived copy's
address (``schema:archivedAt``) — is a revision, through the form or the API.
"""

from __future__ import annotations

import hashlib
import time
import urllib.robotparser
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from sqlalchemy import Column, Float, Integer, String, Table, Text, insert, select, update
from sqlalchemy.exc import IntegrityError

from kb import queries
from kb.accounts import Accounts, metadata
from kb.knowledge import KnowledgeBase
from kb.watch.watchlists import create_tables

STATES = ("alive", "moved", "gone", "failed", "blocked")
BROKEN = ("gone", "moved", "failed", "blocked")  # listed on the report page
MAX_REDIRECTS = 5
MAX_ROBOTS = 512 * 1024  # bytes of robots.txt read (Google reads 500 KiB)
ROBOTS_NAME = "claimkb-linkcheck"  # the product token robots.txt rules are matched against

links_table = Table(
    "link_checks",
    metadata,
    Column("digest", String(64), primary_key=True),  # SHA-256 of the URL: any length fits a key
    Column("url", Text, nullable=False),
    Column("state", String(10), nullable=False),
    Column("status", Integer, nullable=True),  # the last HTTP status seen, if any
    Column("moved_to", Text, nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Column("checked_at", Float, nullable=False),
    Column("since", Float, nullable=False),  # when this state was first seen (unchanged since)
)


@dataclass(frozen=True)
class Outcome:
    url: str
    state: str
    status: int | None = None
    moved_to: str | None = None
    detail: str = ""
    checked_at: float = 0.0
    since: float = 0.0


@dataclass(frozen=True)
class SourceAddress:
    slug: str
    headline: str
    url: str
    archived: str | None  # the archived copy's address, if one is recorded


def source_addresses(kb: KnowledgeBase) -> list[SourceAddress]:
    """Every source (not withdrawn) with a web address, by slug."""
    return [
        SourceAddress(
            str(r["slug"]), str(r["headline"]), str(r["url"]), str(r["archived"]) if r.get("archived") else None
        )
        for r in kb.store.select(queries.SOURCE_ADDRESSES)
    ]


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


class LinkChecks:
    """The latest outcome of each address's check, in the accounts database."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        create_tables(accounts, [links_table])

    def record(self, outcome: Outcome) -> Outcome:
        """Record ``outcome``; ``since`` stays what it was while the state does not change."""
        key = _digest(outcome.url)
        for attempt in range(2):
            try:
                with self.accounts._tx() as tx:
                    row = tx.execute(select(links_table).where(links_table.c.digest == key)).first()
                    since = row.since if row is not None and row.state == outcome.state else outcome.checked_at
                    values = {
                        "url": outcome.url,
                        "state": outcome.state,
                        "status": outcome.status,
                        "moved_to": outcome.moved_to,
                        "detail": outcome.detail[:2000],
                        "checked_at": outcome.checked_at,
                        "since": since,
                    }
                    if row is None:
                        tx.execute(insert(links_table).values(digest=key, **values))
                    else:
                        tx.execute(update(links_table).where(links_table.c.digest == key).values(**values))
                break
            except IntegrityError:
                if attempt:  # two runs recorded the same address at once: record over theirs
                    raise
        return self.get(outcome.url) or outcome

    def get(self, url: str) -> Outcome | None:
        return self.many([url]).get(url)

    def many(self, urls: Iterable[str]) -> dict[str, Outcome]:
        keys = {_digest(u) for u in urls if u}
        if not keys:
            return {}
        with self.accounts._tx() as tx:
            rows = tx.execute(select(links_table).where(links_table.c.digest.in_(keys))).all()
        return {r.url: _outcome(r) for r in rows}

    def broken(self) -> list[Outcome]:
        with self.accounts._tx() as tx:
            rows = tx.execute(
                select(links_table).where(links_table.c.state.in_(BROKEN)).order_by(links_table.c.url)
            ).all()
        return [_outcome(r) for r in rows]

    def last_checked(self) -> float | None:
        with self.accounts._tx() as tx:
            rows = tx.execute(select(links_table.c.checked_at).order_by(links_table.c.checked_at.desc()).limit(1))
            return rows.scalar()


def _outcome(row: object) -> Outcome:
    m = row._mapping  # type: ignore[attr-defined]
    return Outcome(
        url=m["url"],
        state=m["state"],
        status=m["status"],
        moved_to=m["moved_to"],
        detail=m["detail"] or "",
        checked_at=m["checked_at"],
        since=m["since"],
    )


class LinkChecker:
    """Checks addresses one at a time, politely (see the module's docstring)."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float = 10.0,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}  # host -> when it may be asked again
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}  # origin -> rules or why none
        self.client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: the check is of the address itself
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> LinkChecker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- one run --------------------------------------------------------------------------------

    def check_all(self, urls: Iterable[str]) -> Iterator[Outcome]:
        """Check each address once, hosts taken in turn; yields each outcome as it is known."""
        for url in in_turn(list(dict.fromkeys(urls))):
            yield self.check(url)

    def check(self, url: str) -> Outcome:
        started = time.time()
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            return Outcome(url, "failed", detail="not an http(s) address", checked_at=started)
        permanent = False
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            refusal = self._robots_refusal(current)
            if refusal:
                return Outcome(url, "blocked", detail=refusal, checked_at=started)
            try:
                status, location = self._fetch(current)
            except httpx.TimeoutException:
                return Outcome(url, "failed", detail=f"no answer within {self.timeout:g} s", checked_at=started)
            except httpx.HTTPError as error:
                return Outcome(url, "failed", detail=f"could not connect: {error}"[:300], checked_at=started)
            if 300 <= status < 400 and location:
                permanent = permanent or status in (301, 308)
                current = urljoin(current, location)
                continue
            if 200 <= status < 300:
                if current != url and permanent:
                    return Outcome(url, "moved", status, current, f"{status}: moved permanently", started)
                return Outcome(url, "alive", status, detail=f"{status}", checked_at=started)
            if status in (404, 410):
                where = f" (after redirects to {current})" if current != url else ""
                return Outcome(url, "gone", status, detail=f"{status}{where}", checked_at=started)
            return Outcome(url, "failed", status, detail=f"the server answered {status}", checked_at=started)
        return Outcome(url, "failed", detail=f"more than {MAX_REDIRECTS} redirects", checked_at=started)

    # --- politeness -----------------------------------------------------------------------------

    def _fetch(self, url: str) -> tuple[int, str | None]:
        """GET ``url`` and read only its status and headers (the body is left unread)."""
        self._wait_for(url)
        try:
            with self.client.stream("GET", url) as response:
                return response.status_code, response.headers.get("location")
        finally:
            self._done_with(url)

    def _wait_for(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        wait = self._next.get(host, 0.0) - self.clock()
        if wait > 0:
            self.sleep(wait)  # the per-host rate limit, not a wait for a condition

    def _done_with(self, url: str) -> None:
        self._next[urlsplit(url).netloc.lower()] = self.clock() + self.interval

    def _robots_refusal(self, url: str) -> str | None:
        """Why robots.txt forbids fetching ``url``, or ``None`` when it allows it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, str):
            return rules
        return None if rules.can_fetch(ROBOTS_NAME, url) else "robots.txt disallows it"

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | str:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        url = origin + "/robots.txt"
        self._wait_for(url)
        try:
            with self.client.stream("GET", url, follow_redirects=True) as response:
                status = response.status_code
                body = b""
                if status == 200:
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) >= MAX_ROBOTS:
                            break
        except httpx.HTTPError as error:
            return f"robots.txt could not be read ({type(error).__name__}), so nothing there is fetched"
        finally:
            self._done_with(url)
        if status == 200:
            parser.parse(body[:MAX_ROBOTS].decode("utf-8", "replace").splitlines())
        elif 400 <= status < 500:
            parser.allow_all = True  # type: ignore[attr-defined]  # no robots.txt: everything may be fetched (RFC 9309, 2.3.1.3)
        else:
            return f"robots.txt answered {status}, so nothing there is fetched"
        return parser


def in_turn(urls: list[str]) -> list[str]:
    """``urls`` reordered so that hosts take turns (a, b, c, a, b, a…), each host's in their order."""
    by_host: OrderedDict[str, list[str]] = OrderedDict()
    for url in urls:
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    ordered: list[str] = []
    queues = [list(reversed(q)) for q in by_host.values()]
    while queues:
        for queue in queues:
            ordered.append(queue.pop())
        queues = [q for q in queues if q]
    return ordered


def user_agent(site: str, publisher: str) -> str:
    """The User-Agent of the checks: names the site, and where to read about it."""
    return f"{ROBOTS_NAME}/1.0 (+{site}; link checker of {publisher}'s fact-check sources)"
