"""Which revision a search index has applied, in a small JSON file beside it (both engines)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = "state.json"


class RevisionState:
    """The index's state file: the last revision applied and the schema it was written with.

    Another process sharing the directory may move it on, so ``last_revision`` reads the file each
    time. An index of another schema counts as having applied nothing (it is rebuilt).
    """

    path: Path
    schema_version: int
    _revision: int

    @property
    def last_revision(self) -> int:
        state = self._read_state()
        return int(state.get("revision", self._revision)) if state.get("schema") == self.schema_version else 0

    def _read_state(self) -> dict[str, Any]:
        try:
            return dict(json.loads((self.path / STATE_FILE).read_text()))
        except (OSError, ValueError):
            return {}

    def _write_state(self, revision: int) -> None:
        temporary = self.path / f"{STATE_FILE}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps({"schema": self.schema_version, "revision": revision}))
        temporary.replace(self.path / STATE_FILE)
        self._revision = revision
