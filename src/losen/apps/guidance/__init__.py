"""Living up to the guidelines: self-assessment, documented deviations, the deviations
register and the improvement cycle (contract in ``docs/reference/guidance.md``)."""
