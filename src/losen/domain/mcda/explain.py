"""Plain-language sentences (bokmål) about a ranking and its robustness.

Analysts read intervals and matrices; politicians and citizens need sentences such as
«A er først i 87 % av de plausible vektingene» or «A og B bytter plass hvis vekten på ressurs
passerer 0,31». Anchors §B.10 notes that only desktop tools for analysts show this today.
Numbers use Norwegian conventions: decimal comma, a space before the per cent sign.
"""

from __future__ import annotations

import numpy as np

from losen.domain.mcda.model import DecisionProblem, Method
from losen.domain.mcda.ranking import Ranking
from losen.domain.mcda.smaa import SmaaResult
from losen.domain.mcda.stability import WeightInterval

MAX_LISTED = 5
"""At most this many alternatives get their own acceptability sentence."""


def format_number(value: float, decimals: int = 2) -> str:
    """``0.3125`` → ``"0,31"``; ``6000000`` with 0 decimals → ``"6 000 000"``.

    Norwegian conventions: decimal comma, space between thousands, a true minus sign.
    """
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace("-", "−")


def format_share(share: float) -> str:
    """A probability as Norwegian per cent: ``0.874`` → ``"87 %"``; never rounds to 0 or 100."""
    if share <= 0:
        return "0 %"
    if share >= 1:
        return "100 %"
    percent = share * 100
    if percent < 0.5:
        return "under 1 %"
    if percent >= 99.5:
        return "over 99 %"
    return f"{round(percent):d} %"


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def _threshold_sentences(
    problem: DecisionProblem, ranking: Ranking, stability: list[WeightInterval]
) -> list[str]:
    names = [alternative.name for alternative in problem.alternatives]
    leader = int(ranking.order[0])
    runner_up = int(ranking.order[1]) if ranking.order.size > 1 else None
    sentences = []
    for interval in stability:
        criterion = problem.criteria[interval.criterion].name
        for bound, rival, way in (
            (interval.upper, interval.upper_rival, "stiger over"),
            (interval.lower, interval.lower_rival, "faller under"),
        ):
            if rival is None:
                continue
            if rival == runner_up:
                subject = f"{names[leader]} og {names[rival]} bytter plass"
            else:
                subject = f"{names[rival]} går forbi {names[leader]}"
            sentences.append(
                f"{subject} hvis vekten på {criterion} {way} {format_number(bound)} "
                f"(nå {format_number(interval.weight)})."
            )
    steady = [
        problem.criteria[interval.criterion].name
        for interval in stability
        if interval.lower_rival is None and interval.upper_rival is None
    ]
    if steady and len(problem.criteria) > 1:
        sentences.append(
            f"{names[leader]} forblir først uansett hvor stor vekt {_join(steady)} får "
            "(de andre vektene skaleres forholdsmessig)."
        )
    return sentences


def rank_sentences(
    problem: DecisionProblem, ranking: Ranking, stability: list[WeightInterval]
) -> list[str]:
    """Sentences for ``losen rank --explain``: who is first, and which weight changes matter."""
    names = [alternative.name for alternative in problem.alternatives]
    method = "vektet sum" if ranking.method is Method.WEIGHTED_SUM else "TOPSIS"
    first = [int(i) for i in ranking.order if ranking.ranks[i] == 1]
    score = format_number(float(ranking.scores[first[0]]))
    if len(first) == 1:
        sentences = [f"{names[first[0]]} er rangert først med skår {score} ({method})."]
    else:
        sentences = [
            f"{_join([names[i] for i in first])} deler førsteplassen med skår {score} ({method})."
        ]
    if ranking.order.size > 1:
        sentences.extend(_threshold_sentences(problem, ranking, stability))
    return sentences


def smaa_sentences(
    problem: DecisionProblem,
    result: SmaaResult,
    centre: Ranking,
    centre_stability: list[WeightInterval],
    scores_uncertain: bool,
) -> list[str]:
    """Sentences for ``losen smaa --explain``.

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
    sentences = [
        f"{names[i]} er først i {format_share(float(first_share[i]))} av de plausible vektingene."
        for i in ordered[:MAX_LISTED]
    ]
    if len(ordered) > MAX_LISTED:
        rest = float(first_share[ordered[MAX_LISTED:]].sum())
        sentences.append(
            f"{len(ordered) - MAX_LISTED} andre alternativer er først i til sammen "
            f"{format_share(rest)} av vektingene."
        )
    never = [names[i] for i in range(len(names)) if first_share[i] == 0]
    if never and len(never) <= MAX_LISTED:
        sentences.append(f"{_join(never)} er ikke først i noen av de plausible vektingene.")
    elif never:
        sentences.append(
            f"{len(never)} alternativer er ikke først i noen av de plausible vektingene."
        )
    if scores_uncertain:
        for i in ordered[:MAX_LISTED]:
            sentences.append(
                f"Med vektene som typisk gjør {names[i]} best, er {names[i]} først i "
                f"{format_share(float(result.confidence[i]))} av trekningene av usikre skårer."
            )
    if centre.order.size > 1:
        sentences.append(
            f"Med vekter midt i det plausible området er {names[int(centre.order[0])]} først."
        )
        sentences.extend(_threshold_sentences(problem, centre, centre_stability))
    return sentences
