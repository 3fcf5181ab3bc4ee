"""What a decision must contain before it is issued (fvl §§ 23–27, IS-2442)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from losen.domain.casework.completeness import (
    MISSING_CODES,
    OUTCOMES,
    PARTS,
    can_be_issued,
    missing_parts,
    required_parts,
)
from losen.domain.errors import InputError
from losen.domain.explain import CODES

COMMON = {
    "service": "hjemmesykepleie",
    "legal_basis": "Pasient- og brukerrettighetsloven § 2-1 a andre ledd.",
    "facts": "Søkeren bor alene og trenger hjelp til legemidler.",
    "main_considerations": "Behovet dekkes forsvarlig med besøk to ganger daglig.",
    "complaint_right": True,
    "complaint_deadline": "Fire uker fra du mottok vedtaket.",
    "complaint_instance": "Send klagen til kommunen; den går videre til Statsforvalteren.",
    "complaint_procedure": "Kommunen vurderer klagen først.",
    "access_to_documents": True,
    "contact_person": "Saksbehandler, tlf. 00 00 00 00",
}

GRANT = {
    **COMMON,
    "outcome": "innvilget",
    "scope": {"hours_per_week": 3.5},
    "period": {"start": date(2026, 12, 7), "end": date(2027, 6, 7)},
}


def _codes(draft, **kwargs):
    return [fact.code for fact in missing_parts(draft, **kwargs)]


def test_a_complete_grant_can_be_issued():
    assert missing_parts(GRANT) == ()
    assert can_be_issued(GRANT)
    without_period = {**GRANT, "period": None, "reevaluation_date": date(2027, 6, 1)}
    assert can_be_issued(without_period)


def test_an_empty_draft_lists_every_shared_part_at_once():
    assert _codes({}) == [
        "vedtak.missing.outcome",
        "vedtak.missing.service",
        "vedtak.missing.legal_basis",
        "vedtak.missing.facts",
        "vedtak.missing.complaint_right",
        "vedtak.missing.complaint_deadline",
        "vedtak.missing.complaint_instance",
        "vedtak.missing.complaint_procedure",
        "vedtak.missing.access_to_documents",
        "vedtak.missing.contact_person",
    ]


def test_a_refusal_needs_reasons_but_no_scope_or_period():
    refusal = {**COMMON, "outcome": "avslag"}
    assert missing_parts(refusal) == ()
    assert _codes({**refusal, "main_considerations": "  ", "facts": ""}) == [
        "vedtak.missing.facts",
        "vedtak.missing.main_considerations",
    ]


def test_a_partial_grant_needs_what_is_granted_and_why_the_rest_is_refused():
    partial = {**GRANT, "outcome": "delvis_innvilget"}
    assert _codes(partial) == ["vedtak.missing.refused_part", "vedtak.missing.refusal_reasons"]
    complete = {
        **partial,
        "refused_part": "Praktisk bistand til hagearbeid.",
        "refusal_reasons": "Hagearbeid er ikke nødvendig hjelp etter § 2-1 a.",
    }
    assert can_be_issued(complete)
    assert _codes({**complete, "scope": {}, "period": None}) == [
        "vedtak.missing.scope",
        "vedtak.missing.period",
    ]


def test_a_grant_without_scope_or_period():
    assert _codes({**GRANT, "scope": "", "period": []}) == [
        "vedtak.missing.scope",
        "vedtak.missing.period",
    ]


def test_reasons_for_a_full_grant_can_be_left_out_under_fvl_24_second_paragraph():
    grant = {**GRANT, "main_considerations": None}
    assert _codes(grant) == ["vedtak.missing.main_considerations"]
    assert _codes(grant, reasons_for_full_grant=False) == []
    # ... but never for a refusal.
    refusal = {**COMMON, "outcome": "avslag", "main_considerations": None}
    assert _codes(refusal, reasons_for_full_grant=False) == ["vedtak.missing.main_considerations"]


def test_a_departure_from_like_cases_needs_its_reason():
    departing = {**GRANT, "departs_from_practice": True}
    assert _codes(departing) == ["vedtak.missing.departure_reason"]
    assert can_be_issued({**departing, "departure_reason": "Særlig stort omsorgsbehov om natten."})
    assert can_be_issued({**GRANT, "departs_from_practice": False})


def test_bad_input_is_refused():
    with pytest.raises(InputError) as caught:
        missing_parts({"outcome": "kanskje"})
    assert caught.value.problems[0].path == "outcome"
    with pytest.raises(InputError):
        missing_parts(["outcome"])


def test_every_code_is_declared_without_params():
    assert len(MISSING_CODES) == len(PARTS)
    for code in MISSING_CODES:
        assert CODES[code] == ()


blank = st.sampled_from([None, "", "   ", False, {}, [], ()])
filled = st.sampled_from(["tekst", 3, 2.5, True, {"a": 1}, ["x"], date(2026, 1, 1)])
drafts = st.fixed_dictionaries(
    {},
    optional={
        "outcome": st.sampled_from([*OUTCOMES, None, ""]),
        "departs_from_practice": st.booleans(),
        "reevaluation_date": st.one_of(blank, filled),
        **{part: st.one_of(blank, filled) for part in PARTS if part != "outcome"},
    },
)


@given(drafts, st.booleans())
def test_a_part_is_reported_exactly_when_required_and_blank(draft, full_grant_reasons):
    found = {
        fact.code.removeprefix("vedtak.missing.")
        for fact in missing_parts(draft, reasons_for_full_grant=full_grant_reasons)
    }
    outcome = draft.get("outcome") or None
    required = required_parts(
        outcome,
        departs=draft.get("departs_from_practice") is True,
        reasons_for_full_grant=full_grant_reasons,
    )
    assert found <= set(required)
    for part in required:
        if part == "outcome":
            assert (part in found) == (outcome is None)
        elif part == "period":
            value, other = draft.get("period"), draft.get("reevaluation_date")
            blank_both = all(
                v in (None, "", "   ", False) or v in ({}, [], ()) for v in (value, other)
            )
            assert (part in found) == blank_both
        else:
            value = draft.get(part)
            is_blank = value in (None, "", "   ", False) or value in ({}, [], ())
            assert (part in found) == is_blank, part
    # Filling in what is missing always makes the draft issuable.
    fixed = dict(draft)
    for part in found:
        fixed[part] = OUTCOMES[0] if part == "outcome" and outcome is None else "utfylt"
    if "outcome" in found:
        fixed = {**fixed, **{p: "utfylt" for p in required_parts(OUTCOMES[0], departs=True)}}
        fixed["outcome"] = OUTCOMES[0]
    assert can_be_issued(fixed, reasons_for_full_grant=full_grant_reasons)
