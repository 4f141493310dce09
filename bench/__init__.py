"""Benchmarks for `make bench`: data generators and the measurement runner (`python -m bench.run`)."""
