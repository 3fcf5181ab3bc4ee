"""The instrument findings reach the suggestion: probable dependence on DUDIT or AUDIT lifts
severity, PHQ-9 item 9 beside a lower suicide rating asks for a reasoned confirmation, «ikke
vurdert» is unknown and named as missing, a cap's lowered reason says so, worsening counts for
short problems too, and the deviation note follows the intensity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.domain.pathways.helpers import assessment

from losen.domain.instruments import (
    Sex,
    classify_change,
    criteria_for,
    load_registry,
    score_answers,
)
from losen.domain.pathways import (
    NOTE_NONE,
    NOTE_OPTIONAL,
    NOTE_REQUIRED,
    SPECIALIST_LEVELS,
    Deviation,
    InputError,
    default_table,
    deviation_problems,
    deviation_requirement,
    findings_input,
    parse_input,
    suggest_pathway,
)

REGISTRY = load_registry()


def _suggest(findings=None, **changes):
    document = assessment(**changes)
    if findings:
        document["findings"] = findings
    return suggest_pathway(parse_input(document))


def _rules(suggestion):
    return [reason.rule for reason in suggestion.reasons]


# --- findings from scored instruments ------------------------------------------------------


def _dudit(total_items):
    return score_answers(REGISTRY["dudit"], total_items, Sex.MALE)


def test_dudit_25_is_probable_dependence_and_24_only_problems():
    """Berman et al. 2005: 25 or more is probable dependence (either sex); men 6 or more
    probable problems."""
    at_25 = _dudit([4, 4, 4, 4, 4, 4, 1, 0, 0, 0, 0])
    at_24 = _dudit([4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0])
    assert (at_25.total, at_24.total) == (25, 24)
    assert findings_input([at_25])["substance"] == "probable-dependence"
    assert findings_input([at_24])["substance"] == "problems"
    assert findings_input([_dudit([0] * 11)])["substance"] == "none"
    assert findings_input([])["substance"] == "not-measured"


def test_audit_zone_iv_is_possible_dependence():
    audit = score_answers(REGISTRY["audit"], [4, 4, 4, 4, 4, 0, 0, 0, 0, 0])
    assert audit.total == 20
    assert findings_input([audit])["substance"] == "probable-dependence"


def test_phq9_item_9_is_a_finding_whatever_the_total():
    """Kroenke, Spitzer & Williams 2001: item 9 is followed up however low the total."""
    low_total = score_answers(REGISTRY["phq-9"], [0, 0, 0, 0, 0, 0, 0, 0, 3])
    assert low_total.total == 3
    assert findings_input([low_total])["suicidal_ideation"] == "present"
    clear = score_answers(REGISTRY["phq-9"], [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert findings_input([clear])["suicidal_ideation"] == "none"
    assert findings_input([])["suicidal_ideation"] == "not-measured"


def test_measured_trend_is_the_worst_reliable_change():
    """PHQ-9: reliable change 6 points (IAPT, Gyani et al. 2013)."""
    criteria = criteria_for(REGISTRY["phq-9"])
    worse = classify_change(criteria, 8, 14)
    same = classify_change(criteria, 8, 10)
    better = classify_change(criteria, 14, 8)
    assert findings_input([], [better, worse])["measured_trend"] == "worsening"
    assert findings_input([], [better, same])["measured_trend"] == "stable"
    assert findings_input([], [better])["measured_trend"] == "improving"
    assert findings_input([], [])["measured_trend"] == "not-measured"


# --- the rules -----------------------------------------------------------------------------


def test_dudit_dependence_lifts_a_mild_rating_to_severe():
    """The issue's case: DUDIT ≥ 25 beside a clinician's «milde» no longer suggests HF1."""
    plain = _suggest()
    assert (plain.pathway, plain.specialist) == (1, "none")
    lifted = _suggest({"substance": "probable-dependence"})
    assert (lifted.pathway, lifted.specialist) == (2, "refer")
    assert _rules(lifted)[0] == "FINDING-DEPENDENCE-SEVERITY"
    assert "HF2-NEW-SEVERE-REFER" in _rules(lifted)
    assert lifted.lifted == (("severity", "severe"),)
    assert "alvorlighet: milde (løftet av funn til alvorlige)" in lifted.summary
    assert lifted.inputs.get("severity") == "mild"  # the clinician's rating is kept as given


def test_dudit_dependence_with_long_problems_is_hf3():
    suggestion = _suggest({"substance": "probable-dependence"}, expected_duration="long")
    assert (suggestion.pathway, suggestion.specialist) == (3, "refer")
    assert "HF3-SEVERE-LONG" in _rules(suggestion)


def test_positive_screen_without_dependence_lifts_nothing():
    assert _suggest({"substance": "problems"}).pathway == 1


def test_moderate_short_known_worsening_is_hf2_and_referred():
    """Worsening counts for short problems too (HF2 rule 3 names no duration)."""
    suggestion = _suggest(
        severity="moderate", newly_arisen=False, first_contact=False, trend="worsening"
    )
    assert (suggestion.pathway, suggestion.specialist) == (2, "refer")
    assert "HF2-WORSENING" in _rules(suggestion)
    stable = _suggest(severity="moderate", newly_arisen=False, first_contact=False)
    assert (stable.pathway, stable.specialist) == (1, "none")


def test_reliable_deterioration_on_repeated_measures_counts_as_worsening():
    suggestion = _suggest(
        {"measured_trend": "worsening"},
        severity="moderate",
        newly_arisen=False,
        first_contact=False,
        trend="stable",
    )
    assert (suggestion.pathway, suggestion.specialist) == (2, "refer")
    assert _rules(suggestion)[0] == "FINDING-MEASURED-WORSENING"


def test_a_cap_that_lowers_says_so_and_no_henvis_text_remains():
    """High violence risk with existing specialist follow-up: «konferer», and no reason that
    tells the clinician to refer («henvis»)."""
    suggestion = _suggest(risk_violence="high", existing_specialist_follow_up=True)
    assert suggestion.specialist == "consult"
    capped = [reason for reason in suggestion.reasons if reason.capped_by]
    assert [reason.rule for reason in capped] == ["RISK-VIOLENCE-HIGH"]
    assert capped[0].capped_by == "EXISTING-FOLLOW-UP"
    assert "senket av regel EXISTING-FOLLOW-UP" in capped[0].text
    for reason in suggestion.reasons:
        if reason.rule != "EXISTING-FOLLOW-UP":
            assert "henvis" not in reason.text.lower(), reason.rule
    uncapped = _suggest(risk_violence="high")
    assert uncapped.specialist == "refer"
    assert all(not reason.capped_by for reason in uncapped.reasons)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["mild", "moderate", "severe"]),
    st.sampled_from(["short", "long"]),
    st.sampled_from(["none", "some", "significant"]),
    st.sampled_from(["none", "elevated", "high", "acute", "not-assessed"]),
    st.sampled_from(["none", "elevated", "high", "acute", "not-assessed"]),
    st.sampled_from(["improving", "stable", "worsening"]),
    st.sampled_from(["not-measured", "none", "problems", "probable-dependence"]),
    st.booleans(),
    st.booleans(),
)
def test_a_consult_result_never_shows_a_refer_text(
    severity, duration, loss, suicide, violence, trend, substance, new, first
):
    """Property: whenever the result is «konferer» under a cap, no reason but the cap's own
    tells the clinician to refer."""
    suggestion = _suggest(
        {"substance": substance},
        severity=severity,
        expected_duration=duration,
        function_loss=loss,
        risk_suicide=suicide,
        risk_violence=violence,
        trend=trend,
        newly_arisen=new,
        first_contact=first,
        existing_specialist_follow_up=True,
    )
    assert suggestion.specialist != "refer"
    for reason in suggestion.reasons:
        if reason.rule != "EXISTING-FOLLOW-UP":
            assert "henvis " not in reason.text.lower() and not reason.text.startswith("Henvis")


def test_not_assessed_is_its_own_value_treated_as_unknown_and_named_missing():
    suggestion = _suggest(risk_suicide="not-assessed")
    assert suggestion.inputs.get("risk.suicide") == "not-assessed"
    assert suggestion.missing == (("risk.suicide", "selvmordsrisiko"),)
    assert "selvmordsrisiko: ikke vurdert" in suggestion.summary
    assert not [rule for rule in _rules(suggestion) if rule.startswith("RISK-SUICIDE")]
    assert _suggest().missing == ()
    # findings that were not measured are not a gap in the assessment
    assert _suggest({"substance": "not-measured"}).missing == ()


def test_not_measured_is_not_accepted_for_a_risk_and_not_assessed_not_for_a_finding():
    with pytest.raises(InputError) as info:
        parse_input(assessment(risk_suicide="not-measured"))
    assert info.value.problems[0].startswith("risk.suicide: «not-measured» er ikke tillatt")
    with pytest.raises(InputError):
        parse_input({**assessment(), "findings": {"substance": "not-assessed"}})


@pytest.mark.parametrize("rating", ["none", "not-assessed"])
def test_suicide_flag_with_a_lower_rating_asks_for_a_reasoned_confirmation(rating):
    suggestion = _suggest({"suicidal_ideation": "present"}, risk_suicide=rating)
    assert [item.id for item in suggestion.confirmations] == ["CONFIRM-SUICIDE-RATING"]
    assert suggestion.confirmations[0].recommendation == "SELVMORD-AVGJOR"
    assert "FINDING-SUICIDAL-IDEATION" in _rules(suggestion)


@pytest.mark.parametrize("rating", ["elevated", "high", "acute"])
def test_suicide_flag_with_a_risk_rated_raised_needs_no_confirmation(rating):
    assert _suggest({"suicidal_ideation": "present"}, risk_suicide=rating).confirmations == ()
    assert _suggest({"suicidal_ideation": "none"}, risk_suicide="none").confirmations == ()


def test_every_rule_keeps_its_recommendation_and_strength():
    """The rules' recommendation ids and strengths as published (guideline recs 5–9 and the
    self-harm material); the new rules rest on existing recommendations."""
    table = default_table()
    expected = {
        "HF1-MILD-SHORT": ("R5", "bør"),
        "HF2-SEVERE": ("R6", "bør"),
        "HF2-LONG": ("R6", "bør"),
        "HF2-FUNCTION-LOSS": ("R6", "bør"),
        "HF3-SEVERE-LONG": ("R7", "bør"),
        "HF2-PSYCHOSIS-FIRST": ("R6", "bør"),
        "HF2-PSYCHOSIS-REPEATED": ("R6", "bør"),
        "HF2-NEW-SEVERE-REFER": ("R6", "bør"),
        "HF2-FIRST-CONTACT-LONG": ("R6", "bør"),
        "HF2-FIRST-CONTACT-FUNCTION-LOSS": ("R6", "bør"),
        "HF2-PERSISTING-MODERATE": ("R6", "bør"),
        "HF2-PERSISTING-SEVERE": ("R6", "bør"),
        "HF2-PERSISTING-FUNCTION-LOSS": ("R6", "bør"),
        "HF2-WORSENING": ("R6", "bør"),
        "RISK-SUICIDE-ELEVATED": ("SELVMORD-AVGJOR", "bør"),
        "RISK-SUICIDE-HIGH": ("SELVMORD-AVGJOR", "bør"),
        "RISK-SUICIDE-ACUTE": ("SELVMORD-AVGJOR", "bør"),
        "FINDING-SUICIDAL-IDEATION": ("SELVMORD-AVGJOR", "bør"),
        "RISK-VIOLENCE-ELEVATED": ("R9", "skal"),
        "RISK-VIOLENCE-HIGH": ("R9", "skal"),
        "RISK-VIOLENCE-ACUTE": ("R9", "skal"),
        "RISK-OVERDOSE-ELEVATED": ("R8", "bør"),
        "RISK-OVERDOSE-HIGH": ("R8", "bør"),
        "RISK-OVERDOSE-ACUTE": ("R8", "bør"),
        "EXISTING-FOLLOW-UP": ("R7", "bør"),
    }
    found = {
        rule.id: (rule.recommendation, table.recommendation(rule.recommendation).strength)
        for rule in table.rules
    }
    assert found == expected
    assert {lift.id: lift.recommendation for lift in table.lifts} == {
        "FINDING-DEPENDENCE-SEVERITY": "R7",
        "FINDING-MEASURED-WORSENING": "R6",
    }


# --- deviation notes by intensity ----------------------------------------------------------


def test_less_intensive_choice_needs_a_note():
    suggestion = _suggest({"substance": "probable-dependence"})
    assert (suggestion.pathway, suggestion.specialist) == (2, "refer")
    assert deviation_requirement(suggestion, 1, "refer") == NOTE_REQUIRED
    assert deviation_requirement(suggestion, 2, "consult") == NOTE_REQUIRED
    assert deviation_problems(suggestion, 1, "none", None)
    note = Deviation("R7", "Personen takker nei; ny kartlegging om to uker avtalt.")
    assert deviation_problems(suggestion, 1, "none", note) == ()


def test_more_intensive_choice_may_carry_a_reason_but_need_not():
    suggestion = _suggest()
    assert (suggestion.pathway, suggestion.specialist) == (1, "none")
    assert deviation_requirement(suggestion, 1, "none") == NOTE_NONE
    assert deviation_requirement(suggestion, 2, "consult") == NOTE_OPTIONAL
    assert deviation_problems(suggestion, 2, "consult", None) == ()
    assert deviation_problems(suggestion, 2, "consult", Deviation("", "Ønsker gruppe.")) == ()
    wrong = deviation_problems(suggestion, 2, "consult", Deviation("R99", ""))
    assert wrong and wrong[0].startswith("deviation.recommendation: «R99»")


def test_departing_from_a_skal_recommendation_needs_a_note_even_upwards():
    """Violence risk rests on R9 (skal): any departure is documented."""
    suggestion = _suggest(risk_violence="elevated")
    assert (suggestion.pathway, suggestion.specialist) == (1, "consult")
    assert deviation_requirement(suggestion, 2, "consult") == NOTE_REQUIRED
    assert deviation_requirement(suggestion, 1, "refer") == NOTE_REQUIRED


def test_mixed_choice_lower_on_one_axis_needs_a_note():
    suggestion = _suggest(expected_duration="long")
    assert (suggestion.pathway, suggestion.specialist) == (2, "consult")
    assert deviation_requirement(suggestion, 3, "none") == NOTE_REQUIRED


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3), st.integers(0, 2))
def test_a_note_is_never_required_for_the_suggestion_itself_and_always_below_it(
    other_pathway, other_level
):
    suggestion = _suggest(severity="severe", expected_duration="long")
    chosen_specialist = SPECIALIST_LEVELS[other_level]
    requirement = deviation_requirement(suggestion, other_pathway, chosen_specialist)
    below = other_pathway < suggestion.pathway or other_level < SPECIALIST_LEVELS.index(
        suggestion.specialist
    )
    same = (other_pathway, chosen_specialist) == (suggestion.pathway, suggestion.specialist)
    assert (requirement == NOTE_NONE) == same
    if below:
        assert requirement == NOTE_REQUIRED
