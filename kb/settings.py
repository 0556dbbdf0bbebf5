"""Every setting in one registry: its name, environment variable, default and a line of help.

A test checks that each one is documented in the README.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "CLAIMKB_DATA_DIR", "var", "Directory of the knowledge base: store, search index, secrets."),
    Setting(
        "store",
        "CLAIMKB_STORE",
        "oxigraph",
        "Store backend: 'oxigraph' (embedded, in DATA_DIR/store), 'memory', or 'sparql+http://host:port/path'.",
    ),
    Setting(
        "base_iri",
        "CLAIMKB_BASE_IRI",
        "http://localhost:5000/",
        "Base IRI of every claim, source, entity, event and revision; set once, stored with the data.",
    ),
    Setting(
        "accounts_db",
        "CLAIMKB_ACCOUNTS_DB",
        "",
        "Database of editor accounts, password hashes, sessions and tokens (SQLAlchemy URL). Empty: "
        "sqlite:///DATA_DIR/accounts.sqlite3; postgresql+psycopg://… for several hosts.",
    ),
    Setting(
        "writer_url",
        "CLAIMKB_WRITER_URL",
        "",
        "Several web hosts on one SPARQL server: the 'claimkb writer' service (http://host:port/) every host "
        "hands its writes to. Empty: this process writes to the store itself.",
    ),
    Setting(
        "writer_token",
        "CLAIMKB_WRITER_TOKEN",
        "",
        "The secret the hosts and 'claimkb writer' share (16 characters or more); the writer refuses any other.",
    ),
    Setting(
        "trusted_proxies",
        "CLAIMKB_TRUSTED_PROXIES",
        "0",
        "Reverse proxies in front of the site whose X-Forwarded-For/-Proto are believed (0: none).",
    ),
    Setting("seed", "CLAIMKB_SEED", "1", "Load the seed claims into an empty knowledge base on start (1 or 0)."),
    Setting(
        "secret_key",
        "CLAIMKB_SECRET_KEY",
        "",
        "Signs session cookies. Empty: a random key is generated once and kept in DATA_DIR/secret_key.",
    ),
    Setting(
        "secure_cookies",
        "CLAIMKB_SECURE_COOKIES",
        "auto",
        "Session cookies marked Secure: 'auto' (when the request came over HTTPS) or '1' (always, behind a TLS proxy).",
    ),
    Setting(
        "search",
        "CLAIMKB_SEARCH",
        "whoosh",
        "Search engine: 'whoosh' (pure Python, fine to about 10k claims) or 'tantivy' (fast on large knowledge bases).",
    ),
    Setting("sparql_timeout", "CLAIMKB_SPARQL_TIMEOUT", "10", "Seconds a public SPARQL query may run."),
    Setting(
        "publisher_name",
        "CLAIMKB_PUBLISHER_NAME",
        "claimkb",
        "Name of the organisation running the site: the author of its ClaimReviews and feeds.",
    ),
    Setting("sparql_max_rows", "CLAIMKB_SPARQL_MAX_ROWS", "10000", "Most result rows a public SPARQL query returns."),
    Setting(
        "sparql_workers",
        "CLAIMKB_SPARQL_WORKERS",
        "2",
        "Worker processes that run public SPARQL queries (each can be stopped at the time limit).",
    ),
    Setting(
        "sparql_per_client",
        "CLAIMKB_SPARQL_PER_CLIENT",
        "2",
        "Public SPARQL queries one client (IP address) may have running at once; more get 429.",
    ),
    # --- track records, statistics and releases (issue 18) ---
    Setting(
        "track_record_min_resolved",
        "CLAIMKB_TRACK_RECORD_MIN_RESOLVED",
        "5",
        "Resolved claims a track record needs before it shows rates; with fewer it says 'too few to judge'.",
    ),
    Setting(
        "licence",
        "CLAIMKB_LICENCE",
        "https://creativecommons.org/licenses/by/4.0/",
        "Licence (an IRI) of the published data: in releases and the VoID/DCAT descriptions.",
    ),
    # --- the newsroom's workflow (issue 17) ---
    Setting(
        "review_required",
        "CLAIMKB_REVIEW_REQUIRED",
        "1",
        "Publishing a claim needs a second editor's approval (1); 0 lets an editor publish alone (small desks).",
    ),
    Setting(
        "releases_dir",
        "CLAIMKB_RELEASES_DIR",
        "",
        "Directory of the data releases (claimkb release); empty: DATA_DIR/releases.",
    ),
    # --- watchlists, reminders and link checks (issue 17) ---
    Setting(
        "smtp_url",
        "CLAIMKB_SMTP_URL",
        "",
        "SMTP server for reminder mails: smtp://host:port, smtp+starttls://user:pass@host:587 or "
        "smtps://user:pass@host. Empty: no mail is sent (the watchlist page says so).",
    ),
    Setting(
        "mail_from",
        "CLAIMKB_MAIL_FROM",
        "claimkb@localhost",
        "The From address of reminder mails.",
    ),
    Setting(
        "remind_every",
        "CLAIMKB_REMIND_EVERY",
        "0",
        "Minutes between reminder runs inside 'claimkb serve' (one host at a time sends); 0: never "
        "(run 'claimkb remind' from cron instead).",
    ),
    Setting(
        "link_check_timeout",
        "CLAIMKB_LINK_CHECK_TIMEOUT",
        "10",
        "Seconds 'claimkb check-links' waits for each answer.",
    ),
    Setting(
        "link_check_interval",
        "CLAIMKB_LINK_CHECK_INTERVAL",
        "5",
        "Seconds 'claimkb check-links' leaves between two requests to one host.",
    ),
    # --- image and video claims (issue 17) ---
    Setting(
        "media_dir",
        "CLAIMKB_MEDIA_DIR",
        "",
        "Directory of uploaded frames and thumbnails (by content hash); empty: DATA_DIR/media. Several web "
        "hosts must share one (a network file system), like their store.",
    ),
    Setting(
        "media_max_bytes",
        "CLAIMKB_MEDIA_MAX_BYTES",
        "1000000",
        "Largest upload (a frame or thumbnail) in bytes; larger ones get 413 and nothing is saved.",
    ),
    Setting(
        "media_max_pixels",
        "CLAIMKB_MEDIA_MAX_PIXELS",
        "25000000",
        "Most pixels an uploaded image may have (width x height); more is refused as a decompression bomb.",
    ),
)


def setting_defaults() -> dict[str, str]:
    return {s.name: s.default for s in SETTINGS}


def from_environment(overrides: Mapping[str, object] | None = None) -> dict[str, str]:
    """Each setting from the environment, else its default; ``overrides`` (non-None) win."""
    values = {s.name: os.environ.get(s.env, s.default) for s in SETTINGS}
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = str(value)
    return values


def data_dir(values: Mapping[str, str]) -> Path:
    return Path(values["data_dir"]).expanduser().resolve()


def releases_dir(values: Mapping[str, str]) -> Path:
    """Where releases are written and served from (``CLAIMKB_RELEASES_DIR``, else ``DATA_DIR/releases``)."""
    if values.get("releases_dir"):
        return Path(values["releases_dir"]).expanduser().resolve()
    return data_dir(values) / "releases"


def media_dir(values: Mapping[str, str]) -> Path:
    """Where uploads are kept (``CLAIMKB_MEDIA_DIR``, else ``DATA_DIR/media``)."""
    if values.get("media_dir"):
        return Path(values["media_dir"]).expanduser().resolve()
    return data_dir(values) / "media"


def whole_number(values: Mapping[str, str], name: str) -> int:
    """A setting that must be a positive whole number; a clear error at start otherwise."""
    raw = values.get(name) or setting_defaults()[name]
    env = next(s.env for s in SETTINGS if s.name == name)
    try:
        number = int(raw)
    except ValueError:
        raise ValueError(f"{env} must be a whole number, not {raw!r}") from None
    if number < 1:
        raise ValueError(f"{env} must be at least 1, not {number}")
    return number


def min_resolved(values: Mapping[str, str]) -> int:
    """The "too few to judge" threshold, at least 1."""
    try:
        return max(1, int(values.get("track_record_min_resolved") or 5))
    except ValueError:
        return 5


def number(values: Mapping[str, str], name: str, *, least: float = 0.0) -> float:
    """A numeric setting (at least ``least``); a value that is not a number is an error naming it."""
    setting = next(s for s in SETTINGS if s.name == name)
    raw = values.get(name) or setting.default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{setting.env} must be a number, not {raw!r}") from None
    if value < least:
        raise ValueError(f"{setting.env} must be at least {least:g}, not {raw!r}")
    return value


def review_required(values: Mapping[str, str]) -> bool:
    """Whether publishing needs a second editor (``CLAIMKB_REVIEW_REQUIRED``; anything but 0/false/no: yes)."""
    return str(values.get("review_required", "1")).strip().lower() not in ("0", "false", "no", "off")
