"""One lock for rdflib's SPARQL parser, which every thread of a process shares.

rdflib parses SPARQL with pyparsing, whose parser objects are not thread-safe (rdflib issue #1282):
under load, two threads parsing at once failed with "TypeError: <lambda>() missing 1 required
positional argument" in a shape's SPARQL constraint or a public query. Whatever parses SPARQL through
rdflib (pyshacl's SPARQL constraints, the public endpoint's safety check) does it holding this lock.
"""

from __future__ import annotations

import threading

RDFLIB_SPARQL_LOCK = threading.RLock()
