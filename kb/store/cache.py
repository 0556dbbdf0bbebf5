"""A small cache of read results that stays valid until the next revision lands.

Reads are keyed by what they depend on; each entry remembers the revision count it was computed
at, and one cheap query for the current count decides whether it is still good. Any process
sharing the store sees the counter move, so no entry outlives a write made elsewhere.

A page that reads many entries can read the counter once (``pinned``): entries it computes are then
kept as of that count, so a revision landing meanwhile only makes them stale sooner, never wrongly current.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class RevisionCache:
    def __init__(self, current_revision: Callable[[], int], max_entries: int = 2048) -> None:
        self._current_revision = current_revision
        self._entries: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._local = threading.local()  # this thread's pinned revision count, if any

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Read the revision counter once for every ``get`` in this block (on this thread)."""
        if getattr(self._local, "revision", None) is not None:  # already pinned by an outer block
            yield
            return
        self._local.revision = self._current_revision()
        try:
            yield
        finally:
            self._local.revision = None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key`` if no revision has landed since; else ``compute()``."""
        revision = self.revision()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == revision:
                self._entries.move_to_end(key)
                return entry[1]  # type: ignore[return-value]
        value = compute()
        self._keep(key, revision, value)
        return value

    def revision(self) -> int:
        """The current revision count (the pinned one inside ``pinned``): what a value computed from now on
        is valid for."""
        pinned: int | None = getattr(self._local, "revision", None)
        return self._current_revision() if pinned is None else pinned

    def put(self, key: Hashable, value: object, revision: int) -> None:
        """Keep ``value`` for ``key`` as computed at ``revision`` (read before computing it, so that a
        revision landing meanwhile makes it stale rather than wrongly current)."""
        self._keep(key, revision, value)

    def _keep(self, key: Hashable, revision: int, value: object) -> None:
        with self._lock:
            self._entries[key] = (revision, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
