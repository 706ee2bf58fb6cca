"""Benchmarks: data generation and people search at scale. Run with `make bench` (see docs/performance.md)."""
