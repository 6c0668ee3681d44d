"""Use cases: read from the store, call the core, write back in one transaction."""
