"""The benchmark kit behind scripts/bench.py: a synthetic program generator, a timer and a report."""
