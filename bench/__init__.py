"""Benchmarks: what users feel, each figure measured next to its baseline.

Run `make bench` (full sizes; writes bench/results.json) or `make bench-quick` (small sizes,
seconds; a smoke run of the harness). Every figure uses the real parts: the SQLCipher vault,
the relay over HTTP on 127.0.0.1, Chromium.
"""
