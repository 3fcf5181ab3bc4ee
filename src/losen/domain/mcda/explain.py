"""What a ranking and its robustness say, as facts for people.

Analysts read intervals and matrices; politicians and citizens need sentences such as
«A er først i 87 % av de plausible vektingene» or «A og B bytter plass hvis vekten på ressurs
passerer 0,31». Anchors §B.10 notes that only desktop tools for analysts show this today.
This module finds those statements and returns them as :class:`~losen.domain.explain.Fact`
values (codes and params listed in :data:`losen.domain.explain.CODES`); the wording, in
bokmål, nynorsk and English, is done by one layer outside the domain
(:mod:`losen.apps.criteria.wording`), for the web pages and ``losen rank|smaa --explain``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from losen.domain.explain import Fact
from losen.domain.mcda.model import DecisionProblem, Method
from losen.domain.mcda.ranking import Ranking
from losen.domain.mcda.smaa import SmaaResult
from losen.domain.mcda.stability import WeightInterval

MAX_LISTED = 5
"""At most this many alternatives get their own acceptability fact."""


def format_number(value: float, decimals: int = 2) -> str:
    """``0.3125`` → ``"0,31"``; ``6000000`` with 0 decimals → ``"6 000 000"``.

    Norwegian conventions: decimal comma, space between thousands, a true minus sign. Only
    for the domain's own notes in bokmål (the portfolio's infeasibility reasons); sentences
    for people are worded by the translated layer, which formats numbers in their language.
    """
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace("-", "−")


def ranking_first(name: str) -> Fact:
    """«With the weights set, ``name`` comes first» (``ranking.first``)."""
    return Fact("ranking.first", {"name": name})


def weight_interval(criterion: str, lower: float, upper: float, weight: float) -> Fact:
    """«The weight on ``criterion`` can lie between ``lower`` and ``upper`` (now ``weight``)
    without the first place changing» (``weight.interval``; shares of 1)."""
    return Fact(
        "weight.interval",
        {
            "criterion": criterion,
            "lower": float(lower),
            "upper": float(upper),
            "weight": float(weight),
        },
    )


def weight_interval_facts(
    criterion_names: Sequence[str], stability: Sequence[WeightInterval]
) -> list[Fact]:
    """One ``weight.interval`` fact per criterion of a weight stability result."""
    return [
        weight_interval(
            criterion_names[interval.criterion], interval.lower, interval.upper, interval.weight
        )
        for interval in stability
    ]


def smaa_first_share(name: str, share: float) -> Fact:
    """«Trying all weightings, ``name`` is first in ``share`` of them» (``smaa.first_share``)."""
    return Fact("smaa.first_share", {"name": name, "share": float(share)})


def threshold_facts(
    problem: DecisionProblem, ranking: Ranking, stability: Sequence[WeightInterval]
) -> list[Fact]:
    """Which weight changes reorder the top, and which weights cannot unseat the leader.

    For each criterion and each bound of its stable interval that a rival crosses: the leader
    and the runner-up swap places (``weight.swap``), or another alternative passes the leader
    (``weight.overtake``), when the weight rises above or falls below the bound. Then one
    ``weight.steady`` fact naming the criteria whose weight can go anywhere.
    """
    names = [alternative.name for alternative in problem.alternatives]
    leader = int(ranking.order[0])
    runner_up = int(ranking.order[1]) if ranking.order.size > 1 else None
    facts = []
    for interval in stability:
        criterion = problem.criteria[interval.criterion].name
        for bound, rival, direction in (
            (interval.upper, interval.upper_rival, "above"),
            (interval.lower, interval.lower_rival, "below"),
        ):
            if rival is None:
                continue
            facts.append(
                Fact(
                    "weight.swap" if rival == runner_up else "weight.overtake",
                    {
                        "leader": names[leader],
                        "rival": names[rival],
                        "criterion": criterion,
                        "direction": direction,
                        "threshold": float(bound),
                        "weight": float(interval.weight),
                    },
                )
            )
    steady = [
        problem.criteria[interval.criterion].name
        for interval in stability
        if interval.lower_rival is None and interval.upper_rival is None
    ]
    if steady and len(problem.criteria) > 1:
        facts.append(Fact("weight.steady", {"leader": names[leader], "criteria": steady}))
    return facts


def rank_facts(
    problem: DecisionProblem, ranking: Ranking, stability: Sequence[WeightInterval]
) -> list[Fact]:
    """Facts for ``losen rank --explain``: who is first, and which weight changes matter.

    The first fact is ``ranking.top`` (one leader) or ``ranking.top_shared`` (several share
    rank 1), with the score and the method (``weighted-sum`` or ``topsis``); then the
    threshold facts of :func:`threshold_facts`.
    """
    names = [alternative.name for alternative in problem.alternatives]
    method = "weighted-sum" if ranking.method is Method.WEIGHTED_SUM else "topsis"
    first = [int(i) for i in ranking.order if ranking.ranks[i] == 1]
    score = float(ranking.scores[first[0]])
    if len(first) == 1:
        facts = [Fact("ranking.top", {"name": names[first[0]], "score": score, "method": method})]
    else:
        facts = [
            Fact(
                "ranking.top_shared",
                {"names": [names[i] for i in first], "score": score, "method": method},
            )
        ]
    if ranking.order.size > 1:
        facts.extend(threshold_facts(problem, ranking, stability))
    return facts


def smaa_facts(
    problem: DecisionProblem,
    result: SmaaResult,
    centre: Ranking,
    centre_stability: Sequence[WeightInterval],
    scores_uncertain: bool,
) -> list[Fact]:
    """Facts for ``losen smaa --explain``.

    In order: ``smaa.first`` for at most :data:`MAX_LISTED` alternatives that are ever first
    (most often first first), ``smaa.first_rest`` for the others that are, ``smaa.never_first``
    (names) or ``smaa.never_first_count`` (more than :data:`MAX_LISTED`), ``smaa.confidence``
    when some scores are intervals, then ``smaa.centre_first`` and the threshold facts of the
    centre ranking.

    Args:
        problem: The decision.
        result: The SMAA run.
        centre: A weighted-sum ranking at the mean sampled weights and the mid scores.
        centre_stability: Its weight stability, for the swap thresholds.
        scores_uncertain: Whether some scores were intervals (then confidence is reported).
    """
    names = [alternative.name for alternative in problem.alternatives]
    first_share = result.rank_acceptability[:, 0]
    ordered = [int(i) for i in np.argsort(-first_share, kind="stable") if first_share[i] > 0]
    facts = [
        Fact("smaa.first", {"name": names[i], "share": float(first_share[i])})
        for i in ordered[:MAX_LISTED]
    ]
    if len(ordered) > MAX_LISTED:
        rest = float(first_share[ordered[MAX_LISTED:]].sum())
        facts.append(Fact("smaa.first_rest", {"count": len(ordered) - MAX_LISTED, "share": rest}))
    never = [names[i] for i in range(len(names)) if first_share[i] == 0]
    if never and len(never) <= MAX_LISTED:
        facts.append(Fact("smaa.never_first", {"names": never}))
    elif never:
        facts.append(Fact("smaa.never_first_count", {"count": len(never)}))
    if scores_uncertain:
        facts.extend(
            Fact("smaa.confidence", {"name": names[i], "share": float(result.confidence[i])})
            for i in ordered[:MAX_LISTED]
        )
    if centre.order.size > 1:
        facts.append(Fact("smaa.centre_first", {"name": names[int(centre.order[0])]}))
        facts.extend(threshold_facts(problem, centre, centre_stability))
    return facts
