"""Benchmarks: scripts with a ``--quick`` mode for CI and a full mode for the README figures."""
