"""Reliable change and clinically significant change.

Two ideas from Jacobson & Truax (1991), "Clinical significance: a statistical approach to
defining meaningful change in psychotherapy research", J Consult Clin Psychol 59(1):12–19:

- **Reliable change**: a change larger than measurement error. With the instrument's standard
  deviation ``s`` and reliability ``r``, the standard error of a difference is
  ``sqrt(2) * s * sqrt(1 - r)``; a change is reliable (95 %) when it is at least 1.96 times that.
  :func:`reliable_change_threshold` computes it.
- **Clinically significant change**: moving from the clinical to the non-clinical population.
  Their criterion *c* is the point between the two means weighted by the standard deviations;
  :func:`clinical_cutoff_c` computes it.

Services usually publish fixed numbers instead. IAPT (England's Improving Access to
Psychological Therapies, now NHS Talking Therapies) uses 6 points on PHQ-9 and 4 on GAD-7 as
reliable change, and caseness at PHQ-9 ≥ 10 and GAD-7 ≥ 8 (Gyani et al. 2013, Behav Res Ther
51:597–606; NHS Digital's IAPT glossary). Those numbers are data in the definition files
(``change``) and can be overridden per municipality through :class:`ChangeCriteria`.

:func:`combine_outcomes` joins several instruments for one episode the IAPT way: improvement on
at least one measure and deterioration on none counts as improvement, and so on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from losen.domain.instruments.model import InstrumentDefinition


def reliable_change_threshold(sd: float, reliability: float, z: float = 1.96) -> float:
    """Return the smallest reliable change in total (Jacobson & Truax 1991, eq. for RC).

    Args:
        sd: Standard deviation of the instrument in a reference (usually pre-treatment) sample.
        reliability: Test–retest or internal-consistency reliability, in [0, 1).
        z: The normal quantile for the confidence wanted (1.96 for 95 %).

    Raises:
        ValueError: For a non-positive ``sd`` or a reliability outside [0, 1).
    """
    if sd <= 0:
        raise ValueError("standardavviket må være større enn 0")
    if not 0 <= reliability < 1:
        raise ValueError("reliabiliteten må ligge i [0, 1)")
    standard_error = sd * math.sqrt(1 - reliability)
    return z * math.sqrt(2) * standard_error


def clinical_cutoff_c(
    clinical_mean: float, clinical_sd: float, normal_mean: float, normal_sd: float
) -> float:
    """Return Jacobson & Truax's criterion *c* between a clinical and a normal population.

    ``c = (s0 * M1 + s1 * M0) / (s0 + s1)`` where 0 is the clinical and 1 the normal sample.

    Raises:
        ValueError: When either standard deviation is not positive.
    """
    if clinical_sd <= 0 or normal_sd <= 0:
        raise ValueError("standardavvikene må være større enn 0")
    return (clinical_sd * normal_mean + normal_sd * clinical_mean) / (clinical_sd + normal_sd)


@dataclass(frozen=True, slots=True)
class ChangeCriteria:
    """Thresholds for judging change on one instrument.

    Attributes:
        reliable_change_points: Smallest change in total counted as reliable (``>=``).
        clinical_cutoff: First total counted as a clinical case when higher is worse (last
            total counted as a case when higher is better).
        higher_is_worse: Direction of the scale.
    """

    reliable_change_points: float
    clinical_cutoff: float
    higher_is_worse: bool = True

    def is_case(self, total: float) -> bool:
        """Return whether ``total`` is at clinical caseness."""
        if self.higher_is_worse:
            return total >= self.clinical_cutoff
        return total <= self.clinical_cutoff


def criteria_for(
    definition: InstrumentDefinition, reliable_change_points: float | None = None
) -> ChangeCriteria | None:
    """Return the change criteria in the definition, optionally with a local RC threshold.

    Returns ``None`` when the definition has no ``change`` block.
    """
    if definition.change is None:
        return None
    points = (
        definition.change.reliable_change_points
        if reliable_change_points is None
        else reliable_change_points
    )
    return ChangeCriteria(points, definition.change.clinical_cutoff, definition.higher_is_worse)


class ChangeCategory(StrEnum):
    """Outcome of one episode, in the order a leader reads them."""

    RECOVERED = "recovered"
    IMPROVED = "improved"
    NO_RELIABLE_CHANGE = "no-reliable-change"
    DETERIORATED = "deteriorated"


CATEGORY_LABELS = {
    ChangeCategory.RECOVERED: "Bedret og under klinisk grense",
    ChangeCategory.IMPROVED: "Pålitelig bedring",
    ChangeCategory.NO_RELIABLE_CHANGE: "Ingen pålitelig endring",
    ChangeCategory.DETERIORATED: "Pålitelig forverring",
}


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """Change between two totals on one instrument.

    Attributes:
        before: Total at baseline.
        after: Total at the later measurement.
        improvement: Change in the better direction (positive = better).
        reliable_improvement: Improvement at least the reliable-change threshold.
        reliable_deterioration: Worsening at least the reliable-change threshold.
        case_before: At caseness at baseline.
        case_after: At caseness at the later measurement.
    """

    before: float
    after: float
    improvement: float
    reliable_improvement: bool
    reliable_deterioration: bool
    case_before: bool
    case_after: bool

    @property
    def recovered(self) -> bool:
        """Moved from caseness to non-caseness (IAPT "recovery")."""
        return self.case_before and not self.case_after

    @property
    def reliably_recovered(self) -> bool:
        """Recovered and reliably improved (IAPT "reliable recovery")."""
        return self.recovered and self.reliable_improvement


def classify_change(criteria: ChangeCriteria, before: float, after: float) -> ChangeResult:
    """Compare two totals on one instrument."""
    improvement = before - after if criteria.higher_is_worse else after - before
    return ChangeResult(
        before=before,
        after=after,
        improvement=improvement,
        reliable_improvement=improvement >= criteria.reliable_change_points,
        reliable_deterioration=-improvement >= criteria.reliable_change_points,
        case_before=criteria.is_case(before),
        case_after=criteria.is_case(after),
    )


@dataclass(frozen=True, slots=True)
class EpisodeOutcome:
    """Outcome of one episode over one or more instruments (IAPT-style paired rules).

    Attributes:
        category: The single category a leader's table counts.
        reliable_improvement: Reliable improvement on at least one measure, deterioration on none.
        reliable_deterioration: Reliable deterioration on at least one measure, improvement on
            none.
        case_at_start: At caseness on at least one measure at baseline (recovery is only
            counted for these).
        reliable_recovery: Case at start, no measure at caseness at the end, and reliable
            improvement.
    """

    category: ChangeCategory
    reliable_improvement: bool
    reliable_deterioration: bool
    case_at_start: bool
    reliable_recovery: bool


def combine_outcomes(results: Sequence[ChangeResult]) -> EpisodeOutcome:
    """Join the change on each instrument of one episode into one outcome.

    The rules follow IAPT's published definitions (NHS Digital, IAPT glossary; Gyani et al.
    2013): reliable improvement needs a reliable improvement on at least one measure and a
    reliable deterioration on none; reliable deterioration is the mirror image; recovery needs
    caseness on at least one measure at the start and on none at the end. Mixed results
    (better on one, worse on another) count as no reliable change.

    Raises:
        ValueError: When ``results`` is empty.
    """
    if not results:
        raise ValueError("minst én måling før og etter trengs")
    any_better = any(result.reliable_improvement for result in results)
    any_worse = any(result.reliable_deterioration for result in results)
    improved = any_better and not any_worse
    deteriorated = any_worse and not any_better
    case_at_start = any(result.case_before for result in results)
    case_at_end = any(result.case_after for result in results)
    reliable_recovery = improved and case_at_start and not case_at_end
    if reliable_recovery:
        category = ChangeCategory.RECOVERED
    elif improved:
        category = ChangeCategory.IMPROVED
    elif deteriorated:
        category = ChangeCategory.DETERIORATED
    else:
        category = ChangeCategory.NO_RELIABLE_CHANGE
    return EpisodeOutcome(category, improved, deteriorated, case_at_start, reliable_recovery)
