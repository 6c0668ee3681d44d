"""``qaf demo``: a synthetic council's year replayed with simulated work, and the generator of synthetic councils."""
