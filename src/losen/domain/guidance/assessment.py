"""A self-assessment against a guideline: the close rule, the results and what changed.

Both national guidelines are normative: a municipality that departs from a ``skal`` or ``bør``
recommendation must document the alternative that still keeps its services forsvarlige
(Helsedirektoratet, «Om Helsedirektoratets normerende produkter»,
https://www.helsedirektoratet.no/produkter/om-helsedirektoratets-normerende-produkter;
helse- og omsorgstjenesteloven § 4-1, https://lovdata.no/lov/2011-06-24-30/§4-1). Hence the
close rule (:func:`close_gaps`): an assessment closes only when every check point has a status
and every ``skal`` or ``bør`` point that is not fully met (``delvis``, ``ikke-oppfylt``) has a
documented alternative. Every gap is listed at once. A ``skal`` gap is graded stronger than a
``bør`` gap (:func:`warning_level`); a ``kan`` point never blocks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .catalogue import Guideline

OPPFYLT, DELVIS, IKKE_OPPFYLT, IKKE_RELEVANT = "oppfylt", "delvis", "ikke-oppfylt", "ikke-relevant"
STATUSES = (OPPFYLT, DELVIS, IKKE_OPPFYLT, IKKE_RELEVANT)
NOT_FULLY_MET = (DELVIS, IKKE_OPPFYLT)
#: How good a status is, for "better" and "worse" between two assessments.
_RANK = {IKKE_OPPFYLT: 0, DELVIS: 1, OPPFYLT: 2}

#: Gap reasons (codes; the web layer words them).
UNANSWERED, NO_ALTERNATIVE = "unanswered", "no-alternative"
#: Warning levels.
STRONG, WARNING = "strong", "warning"


@dataclass(frozen=True, slots=True)
class Answer:
    """The assessment of one check point: its status and, when not met, the alternative."""

    status: str
    alternative: str = ""


@dataclass(frozen=True, slots=True)
class Gap:
    """Why an assessment cannot be closed yet, for one check point."""

    recommendation_id: str
    point_id: str
    strength: str
    reason: str

    @property
    def level(self) -> str:
        return STRONG if self.strength == "skal" else WARNING


def needs_alternative(strength: str, status: str) -> bool:
    """Whether a point of this strength in this status needs a documented alternative."""
    return strength in ("skal", "bør") and status in NOT_FULLY_MET


def warning_level(strength: str, status: str) -> str | None:
    """``strong`` for a ``skal`` point not fully met, ``warning`` for ``bør``, else ``None``."""
    if not needs_alternative(strength, status):
        return None
    return STRONG if strength == "skal" else WARNING


def close_gaps(guideline: Guideline, answers: Mapping[str, Answer]) -> list[Gap]:
    """Every reason the assessment cannot be closed, in the guideline's order.

    Args:
        guideline: The guideline assessed against.
        answers: Point id to answer; points without one are unanswered.

    Returns:
        An empty list when the assessment may be closed.
    """
    gaps: list[Gap] = []
    for recommendation, point in guideline.points():
        answer = answers.get(point.id)
        if answer is None or answer.status not in STATUSES:
            gaps.append(Gap(recommendation.id, point.id, recommendation.strength, UNANSWERED))
        elif (
            needs_alternative(recommendation.strength, answer.status)
            and not answer.alternative.strip()
        ):
            gaps.append(Gap(recommendation.id, point.id, recommendation.strength, NO_ALTERNATIVE))
    return gaps


@dataclass(frozen=True, slots=True)
class RecommendationResult:
    """The statuses of one recommendation's points and the share met.

    ``met_share`` counts a ``delvis`` point as half; points marked not relevant are left out,
    and it is ``None`` when no point is relevant or none is answered.
    """

    recommendation_id: str
    strength: str
    counts: Mapping[str, int]
    unanswered: int
    met_share: float | None

    @property
    def deviations(self) -> int:
        return self.counts.get(DELVIS, 0) + self.counts.get(IKKE_OPPFYLT, 0)


def _share(counts: Mapping[str, int]) -> float | None:
    relevant = counts.get(OPPFYLT, 0) + counts.get(DELVIS, 0) + counts.get(IKKE_OPPFYLT, 0)
    if relevant == 0:
        return None
    return (counts.get(OPPFYLT, 0) + 0.5 * counts.get(DELVIS, 0)) / relevant


def results(guideline: Guideline, answers: Mapping[str, Answer]) -> list[RecommendationResult]:
    """One result per recommendation, in the guideline's order."""
    rows = []
    for recommendation in guideline.recommendations:
        counts: Counter[str] = Counter()
        unanswered = 0
        for point in recommendation.check_points:
            answer = answers.get(point.id)
            if answer is None:
                unanswered += 1
            else:
                counts[answer.status] += 1
        rows.append(
            RecommendationResult(
                recommendation.id, recommendation.strength, dict(counts), unanswered, _share(counts)
            )
        )
    return rows


def overall_share(answers: Iterable[Answer]) -> float | None:
    """The share met over all answers (``delvis`` as half; not relevant left out)."""
    return _share(Counter(answer.status for answer in answers))


BETTER, WORSE, SAME, NEW, CHANGED = "better", "worse", "same", "new", "changed"


@dataclass(frozen=True, slots=True)
class Change:
    """How one check point's status moved from the previous assessment to this one."""

    point_id: str
    before: str | None
    after: str | None
    direction: str


def changes(
    guideline: Guideline, before: Mapping[str, Answer], after: Mapping[str, Answer]
) -> list[Change]:
    """What changed since the previous assessment, point by point, in the guideline's order.

    ``better`` and ``worse`` compare oppfylt > delvis > ikke-oppfylt; a move to or from
    ``ikke-relevant`` is ``changed``; a point without a previous answer is ``new``.
    """
    rows = []
    for _recommendation, point in guideline.points():
        old = before.get(point.id)
        new = after.get(point.id)
        old_status = old.status if old else None
        new_status = new.status if new else None
        if old_status is None:
            direction = NEW if new_status else SAME
        elif new_status == old_status or new_status is None:
            direction = SAME
        elif old_status in _RANK and new_status in _RANK:
            direction = BETTER if _RANK[new_status] > _RANK[old_status] else WORSE
        else:
            direction = CHANGED
        rows.append(Change(point.id, old_status, new_status, direction))
    return rows
