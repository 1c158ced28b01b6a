"""Benchmarks of lookup_lib against torch: ``python -m benchmarks.run`` (see benchmarks/README.md)."""
