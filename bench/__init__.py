"""Benchmarks of the hot paths against baselines measured in the same run (`python -m bench`).

They print figures and ratios and write JSON under var/bench/; they assert nothing about speed.
See docs/performance.md for the latest table and what limits each figure.
"""
