"""Golden tests from the instruments' published scoring rules, and properties of the engine."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.domain.instruments.helpers import answers_for_total

from losen.domain.instruments import (
    AnswerError,
    InstrumentDefinition,
    Sex,
    builtin_definitions,
    load_registry,
    score_answers,
)

REGISTRY = load_registry()


def _band(instrument: str, total: int, sex: Sex | None = None) -> str:
    definition = REGISTRY[instrument]
    return score_answers(definition, answers_for_total(definition, total), sex).band.code


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately-severe"),
        (19, "moderately-severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_follow_kroenke_2001(total, band):
    """PHQ-9 severity: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27
    severe (Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606–613, table 3)."""
    assert _band("phq-9", total) == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "severe"), (21, "severe")],
)  # fmt: skip
def test_gad7_bands_follow_spitzer_2006(total, band):
    """GAD-7 severity: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe (Spitzer et al. 2006,
    Arch Intern Med 166:1092–1097)."""
    assert _band("gad-7", total) == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "zone-1"), (7, "zone-1"), (8, "zone-2"), (15, "zone-2"), (16, "zone-3"),
     (19, "zone-3"), (20, "zone-4"), (40, "zone-4")],
)  # fmt: skip
def test_audit_zones_follow_who_manual(total, band):
    """AUDIT risk zones I 0–7, II 8–15, III 16–19, IV 20–40 (Babor et al. 2001,
    WHO/MSD/MSB/01.6a, table 5)."""
    assert _band("audit", total) == band


def test_phq9_worked_example():
    """A hand-scored form: items 1, 0, 3, 2, 1, 0, 2, 1, 0 sum to 10, which is moderate and a
    positive screen (cut-off ≥ 10, Kroenke 2001); item 9 is 0, so no suicide flag."""
    result = score_answers(REGISTRY["phq-9"], [1, 0, 3, 2, 1, 0, 2, 1, 0])
    assert result.to_dict() == {
        "instrument": "phq-9",
        "total": 10,
        "band": "moderate",
        "band_label": "Moderate plager",
        "flags": [],
        "positive_screen": True,
    }


def test_phq9_item9_flags_even_at_total_one():
    """Item 9 above 0 raises `suicidal-ideation` whatever the total (Kroenke et al. 2001): a total
    of 1 in the minimal band still carries the flag, naming item 9."""
    result = score_answers(REGISTRY["phq-9"], [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1
    assert result.band.code == "minimal"
    assert [flag.to_dict()["code"] for flag in result.flags] == ["suicidal-ideation"]
    assert result.flags[0].item == 9


def test_phq9_highest_total_without_item9_has_no_flag():
    """24 points with item 9 at 0 is severe but raises no suicide flag: the flag is the item's."""
    result = score_answers(REGISTRY["phq-9"], [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert (result.total, result.band.code, result.flags) == (24, "severe", ())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_flag_iff_item9_above_zero(answers):
    """For every valid PHQ-9 form: total = sum, the band contains the total, and the suicide flag
    is raised exactly when item 9 is above 0."""
    result = score_answers(REGISTRY["phq-9"], answers)
    assert result.total == sum(answers)
    assert result.band.contains(result.total)
    assert (result.flags != ()) == (answers[8] > 0)


@pytest.mark.parametrize("value", [1, 3, 5, -1])
def test_audit_items_9_and_10_take_only_0_2_4(value):
    """AUDIT items 9–10 are scored 0, 2 or 4 (Babor et al. 2001; NHI's Norwegian form); any other
    value is refused with a message naming the item."""
    answers = [0] * 10
    answers[8] = value
    with pytest.raises(AnswerError, match=r"spørsmål 9 \(") as info:
        score_answers(REGISTRY["audit"], answers)
    assert info.value.item == 9
    answers[8] = 0
    answers[9] = value
    with pytest.raises(AnswerError, match=r"spørsmål 10 \("):
        score_answers(REGISTRY["audit"], answers)


def test_audit_flags():
    """AUDIT ≥ 20 flags possible dependence; item 6 above 0 flags morning drinking; item 9 = 4
    flags an injury in the last year (Babor et al., AUDIT manual, WHO 2001)."""
    result = score_answers(REGISTRY["audit"], [4, 4, 4, 2, 0, 1, 0, 1, 4, 0])
    assert result.total == 20
    assert [flag.code for flag in result.flags] == [
        "possible-dependence",
        "morning-drinking",
        "recent-injury",
    ]
    quiet = score_answers(REGISTRY["audit"], [4, 4, 4, 2, 0, 0, 0, 1, 2, 2])
    assert quiet.total == 19
    assert quiet.flags == ()


@pytest.mark.parametrize(
    ("answers", "sex", "positive", "band"),
    [
        ([1, 1, 0], Sex.FEMALE, False, "negative"),
        ([1, 1, 1], Sex.FEMALE, True, "positive"),
        ([1, 1, 1], Sex.MALE, False, "negative"),
        ([2, 1, 1], Sex.MALE, True, "positive"),
    ],
)
def test_audit_c_sex_specific_cutoffs(answers, sex, positive, band):
    """AUDIT-C is positive at ≥ 3 for women and ≥ 4 for men (Bush et al. 1998; Bradley et al.
    2003)."""
    result = score_answers(REGISTRY["audit-c"], answers, sex)
    assert (result.positive_screen, result.band.code) == (positive, band)


@pytest.mark.parametrize(
    ("total", "sex", "positive", "band"),
    [
        (1, Sex.FEMALE, False, "no-indication"),
        (2, Sex.FEMALE, True, "probable-problems"),
        (5, Sex.MALE, False, "no-indication"),
        (6, Sex.MALE, True, "probable-problems"),
        (24, Sex.MALE, True, "probable-problems"),
        (25, Sex.FEMALE, True, "probable-dependence"),
        (25, Sex.MALE, True, "probable-dependence"),
    ],
)
def test_dudit_sex_specific_cutoffs(total, sex, positive, band):
    """DUDIT: women ≥ 2 and men ≥ 6 probable drug-related problems; ≥ 25 probable dependence for
    both (Berman et al. 2005; DUDIT manual, Norwegian edition 2008)."""
    definition = REGISTRY["dudit"]
    result = score_answers(definition, answers_for_total(definition, total), sex)
    assert (result.positive_screen, result.band.code) == (positive, band)
    assert ("probable-dependence" in [f.code for f in result.flags]) == (total >= 25)


def test_dudit_range_is_0_to_44_with_items_10_and_11_at_0_2_4():
    """DUDIT items 1–9 score 0–4 and items 10–11 score 0, 2 or 4, total 0–44 (Berman et al.)."""
    definition = REGISTRY["dudit"]
    assert [item.scores for item in definition.items[9:]] == [(0, 2, 4), (0, 2, 4)]
    assert all(item.scores == (0, 1, 2, 3, 4) for item in definition.items[:9])
    assert (definition.min_total, definition.max_total) == (0, 44)


@pytest.mark.parametrize("instrument", ["audit-c", "dudit"])
def test_sex_specific_instruments_need_sex(instrument):
    """An instrument with sex-specific cut-offs refuses to score without the person's sex."""
    definition = REGISTRY[instrument]
    with pytest.raises(AnswerError, match="kjønnsspesifikke") as info:
        score_answers(definition, [0] * len(definition.items))
    assert info.value.item is None


def test_sex_is_not_needed_where_the_cutoffs_are_common():
    """PHQ-9, GAD-7 and AUDIT have the same cut-offs for everyone."""
    assert [d.id for d in builtin_definitions() if not d.requires_sex] == [
        "audit",
        "gad-7",
        "phq-9",
    ]


def test_wrong_count_names_the_missing_or_extra_item():
    """Too few answers name the first unanswered item; too many name the extra position."""
    with pytest.raises(AnswerError, match=r"svar mangler fra spørsmål 9 \(Tanker om død") as few:
        score_answers(REGISTRY["phq-9"], [0] * 8)
    assert few.value.item == 9
    with pytest.raises(AnswerError, match=r"svar nr\. 8 hører ikke til noe spørsmål"):
        score_answers(REGISTRY["gad-7"], [0] * 8)


@pytest.mark.parametrize("value", [4, -1, True])
def test_value_outside_allowed_scores_names_the_item(value):
    """A score the form does not print for the item is refused, naming item and allowed scores."""
    answers: list[object] = [0] * 7
    answers[3] = value
    with pytest.raises(AnswerError, match=r"spørsmål 4 \(Evne til å slappe av\).*0, 1, 2, 3"):
        score_answers(REGISTRY["gad-7"], answers)  # type: ignore[arg-type]


def _valid_answers(definition: InstrumentDefinition):
    return st.tuples(*(st.sampled_from(item.scores) for item in definition.items))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_builtin_scores_every_valid_form(data):
    """For every built-in instrument and every valid form: the total is the sum, it lies in the
    returned band, the band is one of the instrument's, and the screen agrees with the cut-off."""
    definition = data.draw(st.sampled_from(builtin_definitions()))
    sex = data.draw(st.sampled_from(list(Sex)))
    answers = data.draw(_valid_answers(definition))
    result = score_answers(definition, answers, sex)
    assert result.total == sum(answers)
    assert result.band in definition.bands_for(sex)
    assert result.band.contains(result.total)
    if definition.screen is not None:
        assert result.positive_screen == (result.total >= definition.screen.cutoff_for(sex))
