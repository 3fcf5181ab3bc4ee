"""Performance runs against named peers, printing ratios (``python -m benchmarks``)."""
