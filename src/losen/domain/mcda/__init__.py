"""Multi-criteria decision analysis: ranking, weight stability, SMAA and explanations.

* :mod:`~losen.domain.mcda.model`: criteria, alternatives, the decision problem.
* :mod:`~losen.domain.mcda.parse`: validated input from JSON data or XLSX.
* :mod:`~losen.domain.mcda.ranking`: weighted sum and TOPSIS on numpy matrices.
* :mod:`~losen.domain.mcda.stability`: the weight interval that keeps the leader first.
* :mod:`~losen.domain.mcda.smaa`: SMAA-2 rank acceptability, central weights, confidence.
* :mod:`~losen.domain.mcda.explain`: what a ranking and its robustness say, as facts to word.
* :mod:`~losen.domain.mcda.report`: the JSON contracts of ``losen rank`` and ``losen smaa``.

A score is an aid to reasoning next to the written assessment, never the decision itself
(the guideline asks for a written, combined assessment, not a formula: https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester).
"""

from losen.domain.mcda.model import (
    Alternative,
    Criterion,
    DecisionProblem,
    Direction,
    Interval,
    Method,
    Scale,
)
from losen.domain.mcda.ranking import Ranking, competition_ranks, rank, topsis, weighted_sum
from losen.domain.mcda.smaa import SmaaResult, smaa
from losen.domain.mcda.stability import WeightInterval, weight_stability

__all__ = [
    "Alternative",
    "Criterion",
    "DecisionProblem",
    "Direction",
    "Interval",
    "Method",
    "Ranking",
    "Scale",
    "SmaaResult",
    "WeightInterval",
    "competition_ranks",
    "rank",
    "smaa",
    "topsis",
    "weight_stability",
    "weighted_sum",
]
