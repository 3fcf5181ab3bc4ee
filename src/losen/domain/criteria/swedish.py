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
and the numbers it used: each :class:`RankingStep` carries a
:class:`~losen.domain.explain.Fact` (codes ``swedish.a`` … ``swedish.category.fou``, listed in
:data:`losen.domain.explain.CODES`) that the translated layer words
(:mod:`losen.apps.criteria.wording`); the domain writes no prose of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from losen.domain.criteria.model import CombinedAssessment, CriteriaCatalogue, default_catalogue
from losen.domain.explain import Fact

LOWEST_RANK = 10
HIGHEST_RANK = 1

STEPS = ("a", "b", "c", "d", "kategori")
"""The steps in the order they are taken."""


@dataclass(frozen=True)
class RankingStep:
    """One step of the helper.

    Attributes:
        step: ``a``–``d`` as in the model, or ``kategori`` for the final category check.
        rank_before: Rank before the step (None before step a).
        rank_after: Rank after the step.
        fact: What was looked at and what it did, to be worded by the translated layer:

            * a: ``swedish.a`` (``severity`` label, start ``rank``);
            * b: ``swedish.b.kept`` (``benefit``, ``severity``) or ``swedish.b.down``
              (also ``shortfall`` in levels and the new ``rank``);
            * c: ``swedish.c.kept`` (``cost``) or ``swedish.c.down`` (also ``steps`` and
              ``rank``);
            * d: ``swedish.d.kept`` (``uncertainty``) or ``swedish.d.down`` (also ``steps``
              and ``rank``);
            * kategori: ``swedish.category.rank`` (``rank``), ``swedish.category.ikke_gjore``
              (``benefit``, ``uncertainty``) or ``swedish.category.fou`` (``uncertainty``).

            ``steps`` is the rule's number of ranks; the rank never leaves 1–10, so
            ``rank_after - rank_before`` can be smaller.
    """

    step: str
    rank_before: int | None
    rank_after: int
    fact: Fact


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


def _moved(code: str, steps: int, rank: int, **params: str) -> Fact:
    """``<code>.down`` with the steps and the new rank, or ``<code>.kept``."""
    if steps:
        return Fact(f"{code}.down", {**params, "steps": steps, "rank": rank})
    return Fact(f"{code}.kept", params)


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
            "a", None, start, Fact("swedish.a", {"severity": severity.label, "rank": start})
        )
    )

    shortfall = max(0, severity.value - benefit.value)
    after_benefit = _clamp(start + shortfall * rules.rank_steps_per_benefit_level_short)
    labels = {"benefit": benefit.label, "severity": severity.label}
    if shortfall:
        fact = Fact("swedish.b.down", {**labels, "shortfall": shortfall, "rank": after_benefit})
    else:
        fact = Fact("swedish.b.kept", labels)
    steps.append(RankingStep("b", start, after_benefit, fact))

    cost_label = assessment.ressurs.level
    cost_steps = dict(rules.rank_steps_by_cost).get(cost_label, 0)
    after_cost = _clamp(after_benefit + cost_steps)
    steps.append(
        RankingStep(
            "c",
            after_benefit,
            after_cost,
            _moved("swedish.c", cost_steps, after_cost, cost=cost_label),
        )
    )

    uncertainty = evidence_uncertainty(assessment)
    evidence_steps = dict(rules.rank_steps_by_uncertainty).get(uncertainty, 0)
    final = _clamp(after_cost + evidence_steps)
    steps.append(
        RankingStep(
            "d",
            after_cost,
            final,
            _moved("swedish.d", evidence_steps, final, uncertainty=uncertainty),
        )
    )

    category = str(final)
    max_uncertainty = uncertainty_scale.level(rules.ikke_gjore_max_uncertainty).value
    certain_enough = uncertainty_scale.level(uncertainty).value <= max_uncertainty
    if benefit.label in rules.ikke_gjore_benefit and certain_enough:
        category = "ikke-gjøre"
        fact = Fact(
            "swedish.category.ikke_gjore", {"benefit": benefit.label, "uncertainty": uncertainty}
        )
    elif uncertainty in rules.fou_uncertainty or benefit.label in rules.ikke_gjore_benefit:
        category = "FoU"
        fact = Fact("swedish.category.fou", {"uncertainty": uncertainty})
    else:
        fact = Fact("swedish.category.rank", {"rank": final})
    steps.append(RankingStep("kategori", final, final, fact))
    return SwedishRanking(category, final, tuple(steps), rules.source)
