"""The public SPARQL 1.1 query service: safety checks, limits, worker processes, result formats."""
