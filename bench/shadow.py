"""A writable stand-in for a knowledge base that must not be written: hard links and small copies.

``python -m bench --existing DIR`` measures over a base restored before (minutes to hours to make at
1M claims), which other runs share read-only. Opening it writes (RocksDB's log and manifest, the
accounts database, the due-check marker; a save writes the store and the search index), so the bench
opens a shadow of it instead: every file of the store and the search index that its engine never
changes once written (RocksDB's ``.sst`` tables, Tantivy's segment files) is hard-linked, costing
neither time nor disk; everything else (small: logs, manifests, ``meta.json``, state files) is
copied. The engines replace or delete such files, never rewrite them in place, so nothing written
in the shadow reaches the original.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

# Files written once and then only read or deleted: RocksDB's tables and blobs, Tantivy's segments.
IMMUTABLE = re.compile(r".*\.(sst|blob)$|^[0-9a-f]{32}\.[a-z]+$")


def shadow(original: Path, into: Path) -> Path:
    """A copy of the data directory ``original`` in ``into`` (created), immutable files hard-linked."""
    for folder, _dirs, files in os.walk(original):
        target = into / Path(folder).relative_to(original)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            source = Path(folder) / name
            if IMMUTABLE.match(name):
                try:
                    os.link(source, target / name)
                    continue
                except OSError:
                    pass  # another file system: copied instead
            shutil.copy2(source, target / name)
    return into
