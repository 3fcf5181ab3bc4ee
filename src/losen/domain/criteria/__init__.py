"""The criteria nytte, ressurs and alvorlighet (Meld. St. 38) and how they are combined.

* :mod:`~losen.domain.criteria.model`: scales, parts, assessments; the default catalogue in
  ``data/defaults.json`` (levels from the Swedish national model, labelled as such).
* :mod:`~losen.domain.criteria.combined`: samlet vurdering, flags, the full view.
* :mod:`~losen.domain.criteria.swedish`: the Swedish ranking helper (1–10, ikke-gjøre, FoU).
"""

from losen.domain.criteria.combined import Flag, combine, combined_view, parse_combined
from losen.domain.criteria.model import (
    CombinedAssessment,
    CriteriaCatalogue,
    CriterionAssessment,
    CriterionKind,
    Level,
    OrdinalScale,
    SubAssessment,
    catalogue_from_data,
    default_catalogue,
)
from losen.domain.criteria.swedish import RankingStep, SwedishRanking, swedish_rank

__all__ = [
    "CombinedAssessment",
    "CriteriaCatalogue",
    "CriterionAssessment",
    "CriterionKind",
    "Flag",
    "Level",
    "OrdinalScale",
    "RankingStep",
    "SubAssessment",
    "SwedishRanking",
    "catalogue_from_data",
    "combine",
    "combined_view",
    "default_catalogue",
    "parse_combined",
    "swedish_rank",
]
