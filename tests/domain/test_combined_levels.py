"""One combined assessment for every level: the level read off the parts, the reason asked for
when a person sets another, storage as JSON and back, and the guideline's rules as tests.

The guideline gives its rules, not numbers: a measure's priority rises with its benefit and
with the severity of the condition and falls with the resources it takes, and the three are
always weighed together (Meld. St. 38 (2020–2021), as Helsedirektoratet words the criteria:
https://www.helsedirektoratet.no/tema/prioritering-i-helsetjenesten/nytte-ressurs-og-alvorlighet).
The Swedish national model adds that benefit is capped by severity ("if severity is small,
benefit can only be small", https://liu.se/artikel/prioriteringsarbete-i-er-verksamhet-bedom-patientnytta)
and how a rank is set (step 7). The golden tests below are those statements.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.criteria import (
    CriterionAssessment,
    CriterionKind,
    SubAssessment,
    combine,
    combined_view,
    default_catalogue,
    parse_combined,
    swedish_rank,
)
from losen.domain.criteria.combined import flags_for
from losen.domain.criteria.model import suggested_level, validate_criterion
from losen.domain.criteria.storage import to_data

CATALOGUE = default_catalogue()


def _criterion(kind, level, parts=(), reason="", uncertainty="lav"):
    return CriterionAssessment(
        CriterionKind(kind),
        level,
        f"Begrunnelse for {kind}.",
        uncertainty,
        tuple(SubAssessment(p, lv, f"Del {p}.", uncertainty) for p, lv in parts),
        reason,
    )


def _combined(nytte="stor", ressurs="moderat", alvorlighet="stor", uncertainty="lav"):
    return combine(
        _criterion("nytte", nytte, uncertainty=uncertainty),
        _criterion("ressurs", ressurs, uncertainty=uncertainty),
        _criterion("alvorlighet", alvorlighet, uncertainty=uncertainty),
        "Samlet vurdering.",
    )


# --- the level read off the parts ----------------------------------------------------------


def test_the_parts_give_the_highest_level_any_part_is_given():
    parts = [
        SubAssessment("overlevelse", "liten", "x", "lav"),
        SubAssessment("smerte_ubehag", "stor", "x", "lav"),
    ]
    suggestion = suggested_level(CATALOGUE, "nytte", parts)
    assert (suggestion.label, suggestion.parts) == ("stor", ("smerte_ubehag",))
    # A part that carries an amount or side information does not set the level.
    assert (
        suggested_level(
            CATALOGUE, "nytte", [SubAssessment("kunnskapsgrunnlag", "svært høy", "x", "lav")]
        )
        is None
    )
    assert suggested_level(CATALOGUE, "alvorlighet", []) is None


def test_urgency_counts_at_the_same_place_on_the_severity_scale():
    acute = suggested_level(
        CATALOGUE, "alvorlighet", [SubAssessment("hastegrad", "akutt", "x", "lav")]
    )
    planned = suggested_level(
        CATALOGUE, "alvorlighet", [SubAssessment("hastegrad", "kan planlegges", "x", "lav")]
    )
    assert (acute.label, planned.label) == ("svært stor", "liten")


def test_a_level_other_than_the_parts_give_needs_a_reason():
    parts = (("risiko", "svært stor"), ("grad_tap", "moderat"))
    without = _criterion("alvorlighet", "stor", parts)
    problems = validate_criterion(CATALOGUE, without, "alvorlighet")
    assert [p.path for p in problems] == ["alvorlighet.level_reason"]
    assert "svært stor" in problems[0].message
    with_reason = _criterion("alvorlighet", "stor", parts, reason="Risikoen gjelder få.")
    assert validate_criterion(CATALOGUE, with_reason, "alvorlighet") == []
    following = _criterion("alvorlighet", "svært stor", parts)
    assert validate_criterion(CATALOGUE, following, "alvorlighet") == []


# --- one model at every level: stored and read back --------------------------------------

LEVELS = {
    definition.kind.value: catalogue_scale.labels
    for definition in CATALOGUE.criteria
    for catalogue_scale in [CATALOGUE.scale(definition.scale)]
}
UNCERTAINTY = CATALOGUE.scale("usikkerhet").labels


@st.composite
def criterion_assessments(draw, kind: str):
    definition = CATALOGUE.criterion(kind)
    chosen = draw(st.lists(st.sampled_from(definition.deriving_parts), unique=True, max_size=4))
    uncertainty = draw(st.sampled_from(UNCERTAINTY))
    parts = tuple(
        SubAssessment(
            part.id,
            draw(st.sampled_from(CATALOGUE.scale(part.scale).labels)),
            draw(st.text(min_size=1, max_size=20).filter(str.strip)),
            draw(st.sampled_from(UNCERTAINTY)),
        )
        for part in chosen
    )
    level = draw(st.sampled_from(LEVELS[kind]))
    suggestion = suggested_level(CATALOGUE, kind, parts)
    reason = ""
    if suggestion is not None and suggestion.label != level:
        reason = draw(st.text(min_size=1, max_size=20).filter(str.strip))
    reasoning = draw(st.text(min_size=1, max_size=30).filter(str.strip))
    return CriterionAssessment(CriterionKind(kind), level, reasoning, uncertainty, parts, reason)


@settings(max_examples=150, deadline=None)
@given(
    criterion_assessments("nytte"),
    criterion_assessments("ressurs"),
    criterion_assessments("alvorlighet"),
    st.text(min_size=1, max_size=30).filter(str.strip),
)
def test_an_assessment_is_stored_as_json_and_read_back_unchanged(nytte, ressurs, alvorlighet, why):
    assessment = combine(nytte, ressurs, alvorlighet, why)
    text = json.dumps(to_data(assessment), ensure_ascii=False)
    assert parse_combined(json.loads(text)) == assessment


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(LEVELS["nytte"]),
    st.sampled_from(LEVELS["ressurs"]),
    st.sampled_from(LEVELS["alvorlighet"]),
    st.sampled_from(UNCERTAINTY),
)
def test_priority_rises_with_severity_and_benefit_and_falls_with_resources(
    nytte, ressurs, alvorlighet, uncertainty
):
    """Meld. St. 38: each criterion moves priority one way only. In the Swedish ranking a
    lower rank number is a higher priority; ikke-gjøre and FoU are outside 1–10."""

    def rank(**levels):
        values = {"nytte": nytte, "ressurs": ressurs, "alvorlighet": alvorlighet, **levels}
        return swedish_rank(_combined(uncertainty=uncertainty, **values)).rank

    here = rank()
    for kind, better in (("alvorlighet", 1), ("nytte", 1), ("ressurs", -1)):
        labels = LEVELS[kind]
        position = labels.index(
            {"nytte": nytte, "ressurs": ressurs, "alvorlighet": alvorlighet}[kind]
        )
        neighbour = position + better
        if 0 <= neighbour < len(labels):
            assert rank(**{kind: labels[neighbour]}) <= here, (kind, labels[neighbour])


# --- golden: the statements of the sources -----------------------------------------------


def test_small_severity_leaves_room_only_for_small_benefit():
    flags = flags_for(CATALOGUE, _combined(nytte="stor", alvorlighet="liten"))
    assert [f.code for f in flags] == ["nytte_over_alvorlighet"]
    assert flags[0].params["benefit"] == "stor" and flags[0].params["severity"] == "liten"
    assert flags_for(CATALOGUE, _combined(nytte="liten", alvorlighet="liten")) == ()


def test_step_seven_starts_from_severity_and_moves_down_for_benefit_cost_and_evidence():
    # Very severe, the benefit as large as it allows, low cost, good evidence: the top rank.
    top = swedish_rank(_combined(nytte="svært stor", alvorlighet="svært stor", ressurs="lav"))
    assert (top.category, [s.step for s in top.steps]) == ("1", ["a", "b", "c", "d", "kategori"])
    # Benefit two levels short of the severity, high cost, weak evidence: each moves it down.
    low = swedish_rank(
        _combined(nytte="moderat", alvorlighet="svært stor", ressurs="høy", uncertainty="høy")
    )
    moves = [(s.step, s.rank_before, s.rank_after) for s in low.steps]
    assert moves == [("a", None, 1), ("b", 1, 3), ("c", 3, 4), ("d", 4, 5), ("kategori", 5, 5)]


def test_no_benefit_known_well_is_not_to_be_done_and_unknown_evidence_is_research():
    assert swedish_rank(_combined(nytte="ingen", uncertainty="lav")).category == "ikke-gjøre"
    assert swedish_rank(_combined(nytte="stor", uncertainty="svært høy")).category == "FoU"


def test_the_three_levels_show_the_same_parts_and_words():
    """A leader's alternative, a caseworker's decision and a clinician's pathway choice store
    one assessment each; the view of each has the same criteria, parts and level texts."""
    leader = _combined(nytte="stor", alvorlighet="svært stor", ressurs="høy")
    caseworker = combine(
        _criterion("nytte", "moderat", (("mestring_funksjon", "moderat"),)),
        _criterion("ressurs", "lav", (("ressurs_nytte", "lav"),)),
        _criterion("alvorlighet", "stor", (("grad_tap", "stor"), ("hastegrad", "innen uker"))),
        "Praktisk bistand to timer i uka gir mestring hjemme.",
    )
    clinician = parse_combined(to_data(caseworker))
    views = [combined_view(a) for a in (leader, caseworker, clinician)]
    shape = [
        [(c["criterion"], [p["part"] for p in c["parts"]]) for c in v["criteria"]] for v in views
    ]
    assert shape[0] == shape[1] == shape[2]
    words = {c["criterion"]: c["level"]["description"] for c in views[1]["criteria"]}
    assert words["alvorlighet"] == CATALOGUE.scale("alvorlighet").level("stor").description
