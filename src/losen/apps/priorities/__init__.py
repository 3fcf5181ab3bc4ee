"""The leaders' prioritisation cases: prepare, carry out, evaluate; participation; openness."""
