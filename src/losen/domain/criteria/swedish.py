"""The ranking helper of the Swedish national model: rank 1–10, ``ikke-gjøre`` or ``FoU``.

Step 7 («Väg samman och rangordna») of Prioriteringscentrum's model proposes (our
paraphrase, https://liu.se/artikel/prioriteringsarbete-i-er-verksamhet-vag-samman-och-rangordna):

a) set a starting rank from severity;
b) move it down if the benefit is less than the severity would allow, otherwise keep it;
c) move it down if the cost relative to benefit is high or very high;
d) consider moving it further down if the knowledge base is weak or very uncertain.

Socialstyrelsen's categories: 1 is the highest priority and 10 the lowest; ``icke-göra``
(here *ikke-gjøre*) for measures that should not be done, e.g. evidence of no benefit; ``FoU``
for measures whose evidence is missing, weak or contradictory and that belong in research or
systematic evaluation only
(https://www.socialstyrelsen.se/nationellariktlinjermissbrukochberoende/sokiriktlinjerna/vadbetydersiffrorna).

How many ranks each step moves is Losen's configurable default
(:class:`~losen.domain.criteria.model.SwedishRankingRules`), since the model leaves it to the
group's judgement. The helper proposes; people decide, and every step is shown with the rule
and the numbers it used.
"""

from __future__ import annotations

from dataclasses import dataclass

from losen.domain.criteria.model import CombinedAssessment, CriteriaCatalogue, default_catalogue

LOWEST_RANK = 10
HIGHEST_RANK = 1


@dataclass(frozen=True)
class RankingStep:
    """One step of the helper.

    Attributes:
        step: ``a``–``d`` as in the model, or ``kategori`` for the final category check.
        title: Short Norwegian title.
        explanation: What was looked at and what it did, in plain words.
        rank_before: Rank before the step (None before step a).
        rank_after: Rank after the step.
    """

    step: str
    title: str
    explanation: str
    rank_before: int | None
    rank_after: int


@dataclass(frozen=True)
class SwedishRanking:
    """The proposal: ``category`` is ``"1"``–``"10"``, ``"ikke-gjøre"`` or ``"FoU"``."""

    category: str
    rank: int
    steps: tuple[RankingStep, ...]
    source: str


def _clamp(rank: int) -> int:
    return max(HIGHEST_RANK, min(LOWEST_RANK, rank))


def evidence_uncertainty(assessment: CombinedAssessment) -> str:
    """The uncertainty of the knowledge base about benefit.

    The nytte part ``kunnskapsgrunnlag`` when assessed (its level is on the usikkerhet scale),
    otherwise the uncertainty of the nytte assessment as a whole.
    """
    part = assessment.nytte.part("kunnskapsgrunnlag")
    return part.level if part is not None else assessment.nytte.uncertainty


def swedish_rank(
    assessment: CombinedAssessment, catalogue: CriteriaCatalogue | None = None
) -> SwedishRanking:
    """Propose a rank 1–10, ``ikke-gjøre`` or ``FoU`` and show every step taken."""
    catalogue = catalogue or default_catalogue()
    rules = catalogue.ranking
    severity_scale = catalogue.scale(catalogue.criterion("alvorlighet").scale)
    benefit_scale = catalogue.scale(catalogue.criterion("nytte").scale)
    uncertainty_scale = catalogue.scale("usikkerhet")
    severity = severity_scale.level(assessment.alvorlighet.level)
    benefit = benefit_scale.level(assessment.nytte.level)
    steps = []

    start = _clamp(dict(rules.start_rank_by_severity)[severity.label])
    steps.append(
        RankingStep(
            "a",
            "Utgangspunkt i alvorlighet",
            f"Alvorligheten er «{severity.label}», som gir rang {start} som utgangspunkt.",
            None,
            start,
        )
    )

    shortfall = max(0, severity.value - benefit.value)
    after_benefit = _clamp(start + shortfall * rules.rank_steps_per_benefit_level_short)
    if shortfall:
        text = (
            f"Nytten «{benefit.label}» er {shortfall} nivå under det alvorligheten "
            f"«{severity.label}» gir rom for; rangen flyttes ned til {after_benefit}."
        )
    else:
        text = (
            f"Nytten «{benefit.label}» er så stor som alvorligheten gir rom for; rangen beholdes."
        )
    steps.append(RankingStep("b", "Nytte", text, start, after_benefit))

    cost_label = assessment.ressurs.level
    cost_steps = dict(rules.rank_steps_by_cost).get(cost_label, 0)
    after_cost = _clamp(after_benefit + cost_steps)
    if cost_steps:
        text = (
            f"Ressursbruken i forhold til nytten er «{cost_label}»; rangen flyttes ned "
            f"{cost_steps} til {after_cost}."
        )
    else:
        text = f"Ressursbruken i forhold til nytten er «{cost_label}»; rangen beholdes."
    steps.append(RankingStep("c", "Ressurs i forhold til nytte", text, after_benefit, after_cost))

    uncertainty = evidence_uncertainty(assessment)
    evidence_steps = dict(rules.rank_steps_by_uncertainty).get(uncertainty, 0)
    final = _clamp(after_cost + evidence_steps)
    if evidence_steps:
        text = (
            f"Usikkerheten i kunnskapsgrunnlaget er «{uncertainty}»; rangen flyttes ned "
            f"{evidence_steps} til {final}."
        )
    else:
        text = f"Usikkerheten i kunnskapsgrunnlaget er «{uncertainty}»; rangen beholdes."
    steps.append(RankingStep("d", "Kunnskapsgrunnlag", text, after_cost, final))

    category = str(final)
    max_uncertainty = uncertainty_scale.level(rules.ikke_gjore_max_uncertainty).value
    certain_enough = uncertainty_scale.level(uncertainty).value <= max_uncertainty
    if benefit.label in rules.ikke_gjore_benefit and certain_enough:
        category = "ikke-gjøre"
        text = (
            f"Nytten er «{benefit.label}» og kunnskapen om det er god nok (usikkerhet "
            f"«{uncertainty}»): tiltaket foreslås som ikke-gjøre, til utfasing."
        )
    elif uncertainty in rules.fou_uncertainty or benefit.label in rules.ikke_gjore_benefit:
        category = "FoU"
        text = (
            f"Kunnskapsgrunnlaget er for usikkert (usikkerhet «{uncertainty}») til å rangere "
            "tiltaket: det foreslås bare brukt i forskning eller systematisk utprøving (FoU)."
        )
    else:
        text = f"Tiltaket foreslås på rang {final} av 10 (1 er høyest prioritet)."
    steps.append(RankingStep("kategori", "Kategori", text, final, final))
    return SwedishRanking(category, final, tuple(steps), rules.source)
