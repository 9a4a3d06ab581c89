"""valuehub benchmarks: see ``bench/run.py``."""
