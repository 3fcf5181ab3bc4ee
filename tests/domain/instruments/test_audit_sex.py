"""AUDIT's Norwegian sex-specific risk levels (NHI, «Alkohol (AUDIT)»,
https://nhi.no/skjema-og-kalkulatorer/skjema/diverse/alkohol-audit/ , after Aasland et al. 1990
and Aalto et al. 2006): men 0–7 low, 8 or more increased, 16 or more high or very high risk;
women 0–5 low, 6 or more increased, 16 or more high or very high risk. Without sex the WHO zones
(Babor et al. 2001) are used, and the result says which levels were used."""

from __future__ import annotations

import pytest

from losen.domain.instruments import Sex, load_registry, score_answers

AUDIT = load_registry()["audit"]


def _answers(total: int) -> list[int]:
    """Answers summing to *total* (items 1–8 first, 0–4 each)."""
    answers = [0] * 10
    for index in range(8):
        answers[index] = min(4, total)
        total -= answers[index]
    assert total == 0
    return answers


@pytest.mark.parametrize(
    ("total", "sex", "band", "positive"),
    [
        (5, Sex.FEMALE, "low-risk", False),
        (6, Sex.FEMALE, "increased-risk", True),
        (6, Sex.MALE, "low-risk", False),
        (7, Sex.MALE, "low-risk", False),
        (8, Sex.MALE, "increased-risk", True),
        (15, Sex.FEMALE, "increased-risk", True),
        (16, Sex.FEMALE, "high-risk", True),
        (16, Sex.MALE, "high-risk", True),
        (20, Sex.MALE, "very-high-risk", True),
        (27, Sex.FEMALE, "very-high-risk", True),
    ],
)
def test_nhi_levels_by_sex(total, sex, band, positive):
    result = score_answers(AUDIT, _answers(total), sex)
    assert (result.total, result.band.code, result.positive_screen) == (total, band, positive)


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [(6, "zone-1", False), (8, "zone-2", True), (16, "zone-3", True), (27, "zone-4", True)],
)
def test_without_sex_the_who_zones_are_used_and_said(total, band, positive):
    result = score_answers(AUDIT, _answers(total))
    assert (result.band.code, result.positive_screen) == (band, positive)
    assert AUDIT.levels_used(None).startswith("kjønn ikke oppgitt: WHOs soner")
    assert AUDIT.levels_used(Sex.FEMALE) == "grenseverdier for kvinner"
    assert AUDIT.levels_used(Sex.MALE) == "grenseverdier for menn"


def test_audit_scores_without_sex_but_uses_it_when_given():
    assert not AUDIT.requires_sex
    assert AUDIT.uses_sex
    assert load_registry()["dudit"].requires_sex
    assert load_registry()["phq-9"].levels_used(None) == ""


def test_the_dependence_flag_at_20_does_not_depend_on_sex():
    for sex in (None, Sex.FEMALE, Sex.MALE):
        flags = score_answers(AUDIT, _answers(20), sex).flags
        assert [(flag.code, flag.level) for flag in flags] == [("possible-dependence", "snarlig")]


def test_every_builtin_safety_rule_has_a_level():
    levels = {
        (definition.id, rule.code): rule.level
        for definition in load_registry().definitions
        for rule in definition.safety_rules
    }
    assert levels == {
        ("phq-9", "suicidal-ideation"): "akutt",
        ("audit", "possible-dependence"): "snarlig",
        ("audit", "morning-drinking"): "snarlig",
        ("audit", "recent-injury"): "rutine",
        ("dudit", "probable-dependence"): "snarlig",
    }
