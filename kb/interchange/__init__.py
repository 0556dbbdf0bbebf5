"""Our data in and out: dumps, exports, other communities' formats, imports, linked data."""
