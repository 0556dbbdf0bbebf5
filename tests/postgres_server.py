"""A real PostgreSQL server for the tests: Debian's ``initdb``/``pg_ctl`` in a temporary directory, on a
free loopback port, stopped after.

PostgreSQL refuses to run as root, and the tests do run as root: the cluster is made and run as an
unprivileged user (``postgres``, which Debian's package creates) through ``runuser``. Trust
authentication on loopback only, for a throwaway cluster.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.oxigraph_server import free_port

START_TIMEOUT = 30.0
USER = "postgres"


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def available() -> bool:
    if pg_bin() is None:
        return False
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return False
    return os.geteuid() != 0 or shutil.which("runuser") is not None


class PostgresServer:
    """One throwaway cluster; ``url`` is its SQLAlchemy URL (psycopg 3)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="claimkb-pg-"))
        self.data = self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://claimkb@127.0.0.1:{self.port}/claimkb"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", USER, "--"] if os.geteuid() == 0 else []
        return subprocess.run(  # noqa: S603 - fixed commands of our own
            [*prefix, *command], check=True, capture_output=True, text=True, cwd=self.directory, timeout=120
        )

    def start(self) -> PostgresServer:
        binaries = pg_bin()
        assert binaries is not None
        if os.geteuid() == 0:
            user = pwd.getpwnam(USER)
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        self._run(str(binaries / "initdb"), "-D", str(self.data), "-U", "claimkb", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._run(
            str(binaries / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self._run(
                    str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "claimkb", "claimkb"
                )
                return self
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise

    def fresh_database(self) -> str:
        """The URL of a new, empty database on this server (one per test, so tests never share tables)."""
        import sqlalchemy

        self._count = getattr(self, "_count", 0) + 1
        name = f"claimkb_{self._count}"
        engine = sqlalchemy.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        binaries = pg_bin()
        if binaries is not None and (self.data / "postmaster.pid").exists():
            self._run(str(binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)
