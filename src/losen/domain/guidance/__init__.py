"""Guideline recommendations as data, self-assessment against them, the deviations register
and the improvement cycle; pure (no Django). See ``docs/reference/guidance.md``."""
