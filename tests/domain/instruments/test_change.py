"""Reliable and clinically significant change (Jacobson & Truax 1991; IAPT's fixed numbers)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.instruments import (
    ChangeCategory,
    ChangeCriteria,
    classify_change,
    clinical_cutoff_c,
    combine_outcomes,
    criteria_for,
    load_registry,
    reliable_change_threshold,
)

REGISTRY = load_registry()
PHQ9 = criteria_for(REGISTRY["phq-9"])
GAD7 = criteria_for(REGISTRY["gad-7"])


def test_reliable_change_threshold_by_hand():
    """RC = 1.96 · √2 · SD · √(1 − r) (Jacobson & Truax 1991). With SD 5 and r 0.84 the
    standard error is 2, the standard error of a difference 2√2 ≈ 2.828 and RC ≈ 5.544."""
    assert reliable_change_threshold(5, 0.84) == pytest.approx(1.96 * 2 * math.sqrt(2))
    assert reliable_change_threshold(5, 0.84) == pytest.approx(5.5437, abs=1e-4)


@pytest.mark.parametrize(("sd", "reliability"), [(0, 0.8), (-1, 0.8), (5, 1.0), (5, -0.1)])
def test_reliable_change_threshold_rejects_impossible_inputs(sd, reliability):
    with pytest.raises(ValueError):
        reliable_change_threshold(sd, reliability)


@settings(max_examples=100, deadline=None)
@given(
    sd=st.floats(0.1, 50),
    r1=st.floats(0, 0.99),
    r2=st.floats(0, 0.99),
)
def test_more_reliable_instruments_need_smaller_changes(sd, r1, r2):
    """RC falls as reliability rises and scales linearly with the standard deviation."""
    low, high = sorted((r1, r2))
    assert reliable_change_threshold(sd, high) <= reliable_change_threshold(sd, low)
    assert reliable_change_threshold(2 * sd, low) == pytest.approx(
        2 * reliable_change_threshold(sd, low)
    )


def test_criterion_c_by_hand():
    """c = (s0·M1 + s1·M0)/(s0 + s1): clinical mean 20 (SD 6), normal mean 5 (SD 3) gives
    (6·5 + 3·20)/9 = 10 (Jacobson & Truax 1991, criterion c)."""
    assert clinical_cutoff_c(20, 6, 5, 3) == pytest.approx(10)
    assert clinical_cutoff_c(20, 4, 4, 4) == pytest.approx(12)


@settings(max_examples=100, deadline=None)
@given(m0=st.floats(-50, 50), s0=st.floats(0.1, 20), m1=st.floats(-50, 50), s1=st.floats(0.1, 20))
def test_criterion_c_lies_between_the_means(m0, s0, m1, s1):
    c = clinical_cutoff_c(m0, s0, m1, s1)
    assert min(m0, m1) - 1e-9 <= c <= max(m0, m1) + 1e-9


@pytest.mark.parametrize(
    ("before", "after", "reliable", "recovered", "reliably_recovered"),
    [
        (16, 10, True, False, False),  # 6 points better, but 10 is still caseness
        (16, 9, True, True, True),  # 7 points better and below 10
        (12, 7, False, True, False),  # below 10, but 5 points is within measurement error
        (8, 2, True, False, False),  # reliable, but 8 was never caseness
    ],
)
def test_phq9_iapt_examples(before, after, reliable, recovered, reliably_recovered):
    """IAPT: PHQ-9 reliable change ≥ 6, caseness ≥ 10; recovery = caseness to non-caseness,
    reliable recovery = recovery with reliable improvement (Gyani et al. 2013)."""
    result = classify_change(PHQ9, before, after)
    assert result.reliable_improvement is reliable
    assert result.recovered is recovered
    assert result.reliably_recovered is reliably_recovered


def test_gad7_threshold_is_four_points_and_caseness_eight():
    assert classify_change(GAD7, 12, 8).reliable_improvement
    assert classify_change(GAD7, 12, 8).case_after
    assert not classify_change(GAD7, 11, 8).reliable_improvement
    assert classify_change(GAD7, 8, 12).reliable_deterioration


def test_criteria_for_takes_a_local_threshold():
    """A municipality may set its own reliable-change threshold; caseness stays as defined."""
    local = criteria_for(REGISTRY["phq-9"], reliable_change_points=5)
    assert local == ChangeCriteria(5, 10, True)
    assert criteria_for(REGISTRY["audit"]) is None


def test_higher_is_better_scales_are_mirrored():
    """On a scale where higher is better, a rise is improvement and caseness is at or below."""
    criteria = ChangeCriteria(3, 40, higher_is_worse=False)
    result = classify_change(criteria, 38, 45)
    assert result.reliable_improvement and result.recovered


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 27), st.integers(0, 27))
def test_improvement_and_deterioration_mirror_each_other(before, after):
    """Swapping before and after turns a reliable improvement into a reliable deterioration."""
    forward = classify_change(PHQ9, before, after)
    backward = classify_change(PHQ9, after, before)
    assert forward.reliable_improvement == backward.reliable_deterioration
    assert not (forward.reliable_improvement and forward.reliable_deterioration)


def test_combine_outcomes_follows_the_iapt_pairing():
    """Better on one measure and worse on none is improvement; better on one and worse on the
    other is no reliable change; recovery needs every measure below caseness at the end."""
    better_phq = classify_change(PHQ9, 16, 8)
    same_gad = classify_change(GAD7, 9, 7)
    worse_gad = classify_change(GAD7, 6, 12)
    case_gad = classify_change(GAD7, 10, 9)
    assert combine_outcomes([better_phq, same_gad]).category is ChangeCategory.RECOVERED
    assert combine_outcomes([better_phq, worse_gad]).category is ChangeCategory.NO_RELIABLE_CHANGE
    assert combine_outcomes([better_phq, case_gad]).category is ChangeCategory.IMPROVED
    assert combine_outcomes([worse_gad]).category is ChangeCategory.DETERIORATED
    with pytest.raises(ValueError):
        combine_outcomes([])
