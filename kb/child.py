"""One of our own modules run as a second process, talking in pickles through its pipes.

The search index's rebuild (``kb.search.scan``) and an import's matching
(``kb.interchange.imports.matching``) each hand half their work to a second process on the other
core. Both start it the same way, exchange values the same way and stop it the same way: here.
"""

from __future__ import annotations

import pickle
import select
import subprocess
import sys
import tempfile
from contextlib import suppress
from typing import IO

# What reading a cut-short or garbled answer raises: the caller gets None and carries on without it.
_UNREADABLE = (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError)


class Child:
    """``python -m MODULE ARGS`` with this interpreter, values pickled to its input and from its output.

    Its pipes are held by this process alone, so what it answers is unpickled as ours. What it writes
    to stderr goes to a file, not a pipe (a pipe nobody reads could fill up and stop it), and ``stop``
    returns the end of it for the caller's log. Raises ``OSError`` when it cannot be started.
    """

    def __init__(self, module: str, *args: str) -> None:
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )
        self.stopped = False

    def send(self, value: object, *, last: bool = False) -> bool:
        """Pickle ``value`` to it (``last``: then close its input); False if it is gone."""
        try:
            stdin: IO[bytes] = self.process.stdin  # type: ignore[assignment]
            pickle.dump(value, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            if last:
                stdin.close()
            else:
                stdin.flush()
        except (OSError, ValueError):  # a broken pipe, or its input closed already
            return False
        return True

    def has_output(self) -> bool:
        """Whether it has written something to read, without waiting."""
        return bool(select.select([self.process.stdout], [], [], 0)[0])

    def receive(self) -> object | None:
        """Its next value; None if it ended or wrote something that is not a value."""
        try:
            return pickle.load(self.process.stdout)  # type: ignore[arg-type]  # noqa: S301 - see the class
        except _UNREADABLE:
            return None

    def stop(self, *, wait: float = 0.0) -> str:
        """Close its input, give it up to ``wait`` seconds to end, kill it if it still runs; return the
        end of what it wrote to stderr (empty the second time)."""
        if self.stopped:
            return ""
        self.stopped = True
        with suppress(OSError):  # flushing what it will never read
            self.process.stdin.close()  # type: ignore[union-attr]
        if wait:
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=wait)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        with suppress(OSError):
            self.process.stdout.close()  # type: ignore[union-attr]
        self.errors.seek(0)
        said = self.errors.read()[-500:].decode(errors="replace")
        self.errors.close()
        return said
