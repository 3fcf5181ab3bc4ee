"""Golden cases from the guideline's three pathways (Helsedirektoratet, *Psykisk helse- og
rusarbeid for voksne*, 2025, recommendations 5–9,
https://www.helsedirektoratet.no/veiledere/psykisk-helse-og-rusarbeid-for-voksne; the decision
table in docs/reference/pathways.md), input checking with field paths, deviation notes and the
instrument severity helper."""

from __future__ import annotations

import pytest
from tests.domain.pathways.helpers import assessment

from losen.domain.instruments import Sex, load_registry, score_answers
from losen.domain.pathways import (
    Deviation,
    InputError,
    deviation_problems,
    is_deviation,
    parse_input,
    severity_suggested_by,
    suggest_pathway,
)


def _suggest(**changes):
    return suggest_pathway(parse_input(assessment(**changes)))


def _rules(suggestion):
    return [reason.rule for reason in suggestion.reasons]


def test_mild_short_newly_arisen_is_hf1_without_specialist():
    """Newly arisen mild problems expected to pass: HF1, low-threshold help (rec. 5)."""
    suggestion = _suggest()
    assert (suggestion.pathway, suggestion.specialist, suggestion.acute) == (1, "none", False)
    assert _rules(suggestion) == ["HF1-MILD-SHORT"]
    assert suggestion.reasons[0].recommendation == "R5"
    assert suggestion.reasons[0].strength == "bør"


def test_moderate_short_is_still_hf1():
    """The 2025 text widens HF1 to newly arisen problems up to moderate (the 2014 guideline
    *Sammen om mestring* kept it to mild ones)."""
    assert _suggest(severity="moderate").pathway == 1


def test_severe_newly_arisen_short_is_hf2_and_referred():
    """Newly arisen serious problems, even if presumed short, should be referred (HF2 rule 1)."""
    suggestion = _suggest(severity="severe")
    assert (suggestion.pathway, suggestion.specialist) == (2, "refer")
    assert "HF2-NEW-SEVERE-REFER" in _rules(suggestion)
    assert suggestion.recommendation_ids[0] == "R6"


def test_severe_short_known_person_is_hf2_with_consultation():
    """A known person with a serious, presumably short problem: HF2, consult (recommendation 6)."""
    suggestion = _suggest(severity="severe", newly_arisen=False, trend="improving")
    assert (suggestion.pathway, suggestion.specialist) == (2, "consult")
    assert _rules(suggestion) == ["HF2-SEVERE"]


def test_mild_long_first_contact_is_hf2_with_consultation():
    """Long-lasting milder problems at first contact: HF2, consider consult or refer (rule 2)."""
    suggestion = _suggest(expected_duration="long")
    assert (suggestion.pathway, suggestion.specialist) == (2, "consult")
    assert _rules(suggestion) == ["HF2-LONG", "HF2-FIRST-CONTACT-LONG"]


def test_mild_long_first_contact_with_significant_function_loss_is_referred():
    suggestion = _suggest(expected_duration="long", function_loss="significant")
    assert (suggestion.pathway, suggestion.specialist) == (2, "refer")


def test_persisting_moderate_long_problems_are_referred():
    """Moderate problems that persist or worsen in HF2 should be referred to an NPF (rule 3)."""
    suggestion = _suggest(severity="moderate", expected_duration="long", first_contact=False)
    assert (suggestion.pathway, suggestion.specialist) == (2, "refer")
    assert "HF2-PERSISTING-MODERATE" in _rules(suggestion)
    improving = _suggest(
        severity="moderate", expected_duration="long", first_contact=False, trend="improving"
    )
    assert improving.specialist == "none"


def test_severe_long_is_hf3_and_referred_unless_already_followed():
    """Serious and long-lasting: HF3 with the specialist service; refer those not already
    followed up there, otherwise co-operate (rec. 7)."""
    suggestion = _suggest(severity="severe", expected_duration="long")
    assert (suggestion.pathway, suggestion.pathway_code, suggestion.specialist) == (
        3,
        "HF3",
        "refer",
    )
    assert suggestion.reasons[0].rule == "HF3-SEVERE-LONG"
    assert suggestion.reasons[0].recommendation == "R7"
    followed = _suggest(
        severity="severe", expected_duration="long", existing_specialist_follow_up=True
    )
    assert (followed.pathway, followed.specialist) == (3, "consult")
    assert "EXISTING-FOLLOW-UP" in _rules(followed)


def test_first_psychosis_is_hf2_and_referred():
    suggestion = _suggest(psychosis="first-episode")
    assert (suggestion.pathway, suggestion.specialist) == (2, "refer")


def test_violence_risk_always_names_rec_9_joint_assessment():
    """Any violence risk brings rec. 9 (skal): joint assessment with the specialist service."""
    suggestion = _suggest(risk_violence="elevated")
    assert suggestion.specialist == "consult"
    reason = next(r for r in suggestion.reasons if r.rule == "RISK-VIOLENCE-ELEVATED")
    assert (reason.recommendation, reason.strength) == ("R9", "skal")
    assert "sammen" in reason.text


def test_risk_reasons_show_even_when_another_rule_sets_the_level():
    """An elevated suicide risk is always among the reasons, also when HF3 already refers."""
    suggestion = _suggest(severity="severe", expected_duration="long", risk_suicide="elevated")
    assert suggestion.specialist == "refer"
    assert "RISK-SUICIDE-ELEVATED" in _rules(suggestion)


@pytest.mark.parametrize("kind", ["suicide", "violence", "overdose"])
def test_acute_risk_calls_for_immediate_help(kind):
    suggestion = _suggest(**{f"risk_{kind}": "acute"})
    assert suggestion.acute
    assert f"RISK-{kind.upper()}-ACUTE" in _rules(suggestion)


def test_overdose_risk_gives_harm_reduction_advice_without_referral():
    suggestion = _suggest(risk_overdose="elevated")
    assert suggestion.specialist == "none"
    assert [r.recommendation for r in suggestion.reasons if r.rule.startswith("RISK")] == ["R8"]


def test_output_carries_table_version_source_and_inputs():
    result = _suggest().to_dict()
    assert set(result) == {
        "pathway",
        "pathway_code",
        "pathway_label",
        "specialist",
        "specialist_label",
        "acute",
        "reasons",
        "summary",
        "table_id",
        "table_version",
        "source",
        "inputs",
        "missing",
        "lifted",
        "confirmations",
    }
    assert result["table_version"] == "2025-02-26.2"
    assert "Helsedirektoratet" in result["source"]
    assert result["inputs"]["risk"] == {"suicide": "none", "violence": "none", "overdose": "none"}
    assert result["inputs"]["psychosis"] == "none"
    assert set(result["reasons"][0]) == {
        "rule",
        "text",
        "recommendation",
        "recommendation_title",
        "strength",
        "url",
        "evidence",
        "capped_by",
    }
    assert result["inputs"]["findings"] == {
        "substance": "not-measured",
        "suicidal_ideation": "not-measured",
        "measured_trend": "not-measured",
    }


def test_input_problems_name_every_field_path():
    """Missing, unknown and wrong fields are all reported, each with its path; a missing risk
    says that the screening cannot be skipped."""
    document = assessment(severity="very", colour="blue", newly_arisen="yes")
    del document["risk"]["violence"]
    document["risk"]["gambling"] = "none"
    with pytest.raises(InputError) as info:
        parse_input(document)
    problems = info.value.problems
    assert "colour: ukjent felt" in problems
    assert "risk.gambling: ukjent felt" in problems
    assert "severity: «very» er ikke tillatt; tillatt: mild, moderate, severe" in problems
    assert "newly_arisen: skal være true eller false, fikk 'yes'" in problems
    assert any(p.startswith("risk.violence: mangler (risikovurderingen kan ikke") for p in problems)


def test_risk_must_be_an_object_and_document_an_object():
    with pytest.raises(InputError, match="risk: skal være et objekt"):
        parse_input(assessment(risk="none"))
    with pytest.raises(InputError, match="skal være et JSON-objekt"):
        parse_input([])


def test_deviation_needs_a_note_naming_a_recommendation_of_the_suggestion():
    """Choosing otherwise needs a deviation note (journalforskriften § 6 g) naming one of the
    recommendations the suggestion rests on, with a real reason."""
    suggestion = _suggest(severity="severe", expected_duration="long")
    assert deviation_problems(suggestion, 3, "refer", None) == ()
    assert not is_deviation(suggestion, 3, "refer")
    assert is_deviation(suggestion, 2, "refer")
    (missing,) = deviation_problems(suggestion, 2, "refer", None)
    assert missing.startswith("deviation: valget er mindre omfattende")
    wrong = deviation_problems(suggestion, 2, "refer", Deviation("R5", "kort"))
    assert any(p.startswith("deviation.recommendation: «R5»") for p in wrong)
    assert any(p.startswith("deviation.reason: begrunnelsen må ha minst") for p in wrong)
    note = Deviation("R7", "Personen ønsker ikke henvisning nå; ny vurdering om fire uker.")
    assert deviation_problems(suggestion, 2, "refer", note) == ()
    assert deviation_problems(suggestion, 4, "maybe", note) == (
        "chosen_pathway: skal være 1, 2 eller 3",
        "chosen_specialist: skal være en av none, consult, refer",
    )


def test_instrument_bands_suggest_severity():
    """'Instrument suggests X': PHQ-9 15 suggests severe, AUDIT zone II mild;
    the highest hint wins, and minimal bands suggest nothing."""
    registry = load_registry()
    phq_severe = score_answers(registry["phq-9"], [3, 3, 3, 3, 3, 0, 0, 0, 0])
    audit_mild = score_answers(registry["audit"], [4, 4, 0, 0, 0, 0, 0, 0, 0, 0])
    minimal = score_answers(registry["gad-7"], [0] * 7)
    audit_c = score_answers(registry["audit-c"], [4, 4, 4], Sex.MALE)
    assert severity_suggested_by([audit_mild, phq_severe]) == "severe"
    assert severity_suggested_by([audit_mild, minimal]) == "mild"
    assert severity_suggested_by([minimal, audit_c]) is None
    assert severity_suggested_by([]) is None


def test_summary_names_every_input_in_norwegian():
    summary = _suggest(risk_violence="high").summary
    assert summary.startswith("alvorlighet: milde; forventet varighet: ventes å være kortvarige;")
    assert "voldsrisiko: høy;" in summary
    assert "følges allerede av spesialisthelsetjenesten: nei;" in summary
    assert summary.endswith(
        "utvikling på gjentatte målinger: ingen tidligere måling å sammenligne med."
    )
