"""The criteria model: default scales, required reasoning, samlet vurdering, flags, and the
Swedish ranking helper with its steps (as facts; the wording is tested in tests/apps/criteria)."""

from __future__ import annotations

import copy
import itertools

import pytest

from losen.domain.criteria import (
    combined_view,
    default_catalogue,
    parse_combined,
    swedish_rank,
)
from losen.domain.errors import InputError
from losen.domain.explain import CODES, Fact

BASE = {
    "nytte": {
        "level": "stor",
        "reasoning": "Studier viser færre innleggelser.",
        "uncertainty": "moderat",
        "parts": [
            {
                "part": "mestring_funksjon",
                "level": "stor",
                "reasoning": "Bedre hverdagsmestring.",
                "uncertainty": "moderat",
            }
        ],
    },
    "ressurs": {
        "level": "moderat",
        "reasoning": "To årsverk.",
        "uncertainty": "lav",
        "parts": [
            {
                "part": "aarsverk",
                "level": "moderat",
                "reasoning": "Omdisponering.",
                "uncertainty": "lav",
                "amount": 2,
                "breakdown": {"sykepleier": 1.5, "psykolog": 0.5},
            }
        ],
    },
    "alvorlighet": {"level": "stor", "reasoning": "Høy risiko for tap.", "uncertainty": "lav"},
    "reasoning": "Samlet sett bør tiltaket prioriteres.",
}


def _with(**changes):
    """BASE with ``criterion__key=value`` changes; a new level is also given to the
    criterion's parts on its own scale, so that parts and level agree."""
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        criterion, key = path.split("__")
        data[criterion][key] = value
        if key == "level":
            for part in data[criterion].get("parts", []):
                if part["part"] != "kunnskapsgrunnlag":
                    part["level"] = value
    return data


def _facts_are_declared(facts):
    for fact in facts:
        assert isinstance(fact, Fact)
        assert set(fact.params) == set(CODES[fact.code]), fact.code


def test_default_scales_come_from_the_swedish_model_and_are_labelled():
    catalogue = default_catalogue()
    assert catalogue.scale("alvorlighet").labels == ("liten", "moderat", "stor", "svært stor")
    assert catalogue.scale("nytte").labels == ("ingen", "liten", "moderat", "stor", "svært stor")
    assert catalogue.scale("ressurs").labels == ("lav", "moderat", "høy", "svært høy")
    for scale_id in ("alvorlighet", "nytte", "ressurs"):
        assert "Svensk nasjonal modell" in catalogue.scale(scale_id).source
    parts = {p.id for p in catalogue.criterion("alvorlighet").parts}
    assert {"risiko", "grad_tap", "naasituasjon", "varighet", "tapte_leveaar", "hastegrad"} <= parts


def test_descriptions_are_configurable_and_unknown_levels_rejected():
    catalogue = default_catalogue().with_descriptions({"nytte": {"stor": "Vår egen tekst."}})
    assert catalogue.scale("nytte").level("stor").description == "Vår egen tekst."
    assert "endret lokalt" in catalogue.scale("nytte").source
    with pytest.raises(InputError, match=r"nytte\.enorm: unknown level"):
        default_catalogue().with_descriptions({"nytte": {"enorm": "x"}})


def test_reasoning_is_required_everywhere():
    data = copy.deepcopy(BASE)
    data["nytte"]["parts"][0]["reasoning"] = " "
    data["alvorlighet"]["reasoning"] = ""
    data["reasoning"] = ""
    with pytest.raises(InputError) as caught:
        parse_combined(data)
    assert caught.value.lines() == [
        "nytte.parts[0].reasoning: missing reasoning (begrunnelse mangler)",
        "alvorlighet.reasoning: missing reasoning (begrunnelse mangler)",
        "reasoning: missing reasoning (samlet begrunnelse mangler)",
    ]


def test_benefit_above_severity_is_flagged_not_changed():
    """Swedish model: benefit is capped by severity, so nytte «stor» with alvorlighet
    «moderat» gets a flag while both levels stay as assessed."""
    assessment = parse_combined(_with(alvorlighet__level="moderat"))
    assert [flag.code for flag in assessment.flags] == ["nytte_over_alvorlighet"]
    assert assessment.flags[0].params == {
        "benefit": "stor",
        "benefit_value": 3,
        "severity": "moderat",
        "severity_value": 2,
    }
    _facts_are_declared(assessment.flags)
    assert assessment.nytte.level == "stor"
    assert parse_combined(BASE).flags == ()


def test_high_uncertainty_is_flagged_with_the_criterion_and_level():
    assessment = parse_combined(
        _with(ressurs__uncertainty="høy", alvorlighet__uncertainty="svært høy")
    )
    assert [(flag.code, dict(flag.params)) for flag in assessment.flags] == [
        ("usikkert_grunnlag", {"criterion": "ressurs", "uncertainty": "høy"}),
        ("usikkert_grunnlag", {"criterion": "alvorlighet", "uncertainty": "svært høy"}),
    ]
    _facts_are_declared(assessment.flags)


def test_combined_view_shows_every_part():
    view = combined_view(parse_combined(BASE))
    assert [c["criterion"] for c in view["criteria"]] == ["nytte", "ressurs", "alvorlighet"]
    nytte_parts = view["criteria"][0]["parts"]
    assert len(nytte_parts) == 4
    assessed = [p for p in nytte_parts if p["assessed"]]
    assert assessed[0]["reasoning"] == "Bedre hverdagsmestring."
    assert assessed[0]["level"]["description"]
    ressurs_part = next(p for p in view["criteria"][1]["parts"] if p["part"] == "aarsverk")
    assert ressurs_part["breakdown"] == {"sykepleier": 1.5, "psykolog": 0.5}
    assert ressurs_part["unit"] == "årsverk"


def test_swedish_rank_shows_each_step():
    """Severity «stor» starts at 3; benefit «stor» keeps it; cost «moderat» keeps it;
    uncertainty «moderat» keeps it: rank 3."""
    ranking = swedish_rank(parse_combined(BASE))
    assert ranking.category == "3"
    assert [s.step for s in ranking.steps] == ["a", "b", "c", "d", "kategori"]
    assert [s.rank_after for s in ranking.steps] == [3, 3, 3, 3, 3]
    assert [s.fact for s in ranking.steps] == [
        Fact("swedish.a", {"severity": "stor", "rank": 3}),
        Fact("swedish.b.kept", {"benefit": "stor", "severity": "stor"}),
        Fact("swedish.c.kept", {"cost": "moderat"}),
        Fact("swedish.d.kept", {"uncertainty": "moderat"}),
        Fact("swedish.category.rank", {"rank": 3}),
    ]
    _facts_are_declared(s.fact for s in ranking.steps)


def test_swedish_rank_steps_down_for_benefit_cost_and_evidence():
    """Severity «svært stor» starts at 1; benefit «moderat» is 2 levels short → 3; cost
    «svært høy» → 5; evidence uncertainty «høy» → 6."""
    data = _with(
        alvorlighet__level="svært stor", nytte__level="moderat", ressurs__level="svært høy"
    )
    data["nytte"]["parts"].append(
        {
            "part": "kunnskapsgrunnlag",
            "level": "høy",
            "reasoning": "Få studier.",
            "uncertainty": "høy",
        }
    )
    ranking = swedish_rank(parse_combined(data))
    assert [s.rank_after for s in ranking.steps] == [1, 3, 5, 6, 6]
    assert ranking.category == "6"
    assert [s.fact for s in ranking.steps[1:4]] == [
        Fact(
            "swedish.b.down",
            {"benefit": "moderat", "severity": "svært stor", "shortfall": 2, "rank": 3},
        ),
        Fact("swedish.c.down", {"cost": "svært høy", "steps": 2, "rank": 5}),
        Fact("swedish.d.down", {"uncertainty": "høy", "steps": 1, "rank": 6}),
    ]
    _facts_are_declared(s.fact for s in ranking.steps)


def test_ikke_gjore_and_fou():
    no_benefit = swedish_rank(parse_combined(_with(nytte__level="ingen")))
    assert no_benefit.category == "ikke-gjøre"
    assert no_benefit.steps[-1].fact == Fact(
        "swedish.category.ikke_gjore", {"benefit": "ingen", "uncertainty": "moderat"}
    )
    unsure = _with(nytte__level="ingen", nytte__uncertainty="svært høy")
    assert swedish_rank(parse_combined(unsure)).category == "FoU"
    weak = _with(nytte__uncertainty="svært høy")
    result = swedish_rank(parse_combined(weak))
    assert result.category == "FoU"
    assert result.steps[-1].step == "kategori"
    assert result.steps[-1].fact == Fact("swedish.category.fou", {"uncertainty": "svært høy"})


def test_parts_follow_meld_st_38():
    """Nytte: survival, mestring/function, pain, evidence; ressurs: resource use relative to
    benefit, yearly and one-off NOK, person-years by profession, other services; alvorlighet:
    risk, degree of loss, pain, now, duration, life-years lost, urgency."""
    catalogue = default_catalogue()

    def parts(kind):
        return {p.id: p for p in catalogue.criterion(kind).parts}

    assert list(parts("nytte")) == [
        "overlevelse",
        "mestring_funksjon",
        "smerte_ubehag",
        "kunnskapsgrunnlag",
    ]
    ressurs = parts("ressurs")
    assert {key: part.unit for key, part in ressurs.items()} == {
        "ressurs_nytte": None,
        "kostnad_aarlig": "NOK per år",
        "kostnad_engang": "NOK",
        "aarsverk": "årsverk",
        "andre_tjenester": None,
    }
    assert list(parts("alvorlighet")) == [
        "risiko",
        "grad_tap",
        "smerte_ubehag",
        "naasituasjon",
        "varighet",
        "tapte_leveaar",
        "hastegrad",
    ]
    for scale in catalogue.scales:
        assert all(level.description.strip() for level in scale.levels)


def test_levels_uncertainty_parts_and_amounts_are_validated_with_paths():
    data = copy.deepcopy(BASE)
    data["nytte"]["level"] = "enorm"
    data["nytte"]["parts"][0]["uncertainty"] = "litt"
    data["ressurs"]["parts"][0]["breakdown"] = {"sykepleier": "to", "lege": 0.5}
    data["ressurs"]["parts"].append(
        {"part": "budsjett", "level": "lav", "reasoning": "x", "uncertainty": "lav"}
    )
    data["alvorlighet"]["parts"] = [
        {
            "part": "tapte_leveaar",
            "level": "stor",
            "reasoning": "Mange år.",
            "uncertainty": "lav",
            "amount": -3,
        }
    ]
    with pytest.raises(InputError) as caught:
        parse_combined(data)
    lines = caught.value.lines()
    assert lines[0] == "ressurs.parts[0].breakdown.sykepleier: not a number (ikke et tall)"
    assert lines[1] == "nytte.level: not a level of nytte: ingen, liten, moderat, stor, svært stor"
    assert lines[2].startswith("nytte.parts[0].uncertainty: not a level of usikkerhet")
    assert lines[3] == "ressurs.parts[1].part: unknown part 'budsjett' (ukjent del)"
    assert lines[4] == "alvorlighet.parts[0].amount: negative or not expected for this part"
    assert len(lines) == 5


def test_flagged_view_still_shows_every_part_and_level():
    """The flag sits next to the parts; nothing is collapsed into one number."""
    view = combined_view(parse_combined(_with(alvorlighet__level="liten")))
    assert [flag.code for flag in view["flags"]] == ["nytte_over_alvorlighet"]
    assert view["flags"][0].params["benefit"] == "stor"
    assert view["flags"][0].params["severity"] == "liten"
    levels = {c["criterion"]: c["level"]["label"] for c in view["criteria"]}
    assert levels == {"nytte": "stor", "ressurs": "moderat", "alvorlighet": "liten"}
    catalogue = default_catalogue()
    assert [len(c["parts"]) for c in view["criteria"]] == [
        len(catalogue.criterion(kind).parts) for kind in ("nytte", "ressurs", "alvorlighet")
    ]
    assert all("source" in c["level"] for c in view["criteria"])


def test_equal_benefit_and_severity_is_not_flagged():
    """Equal labels (both «moderat») are within the cap; one level above is flagged."""
    equal = parse_combined(_with(nytte__level="moderat", alvorlighet__level="moderat"))
    assert equal.flags == ()
    above = parse_combined(_with(nytte__level="svært stor", alvorlighet__level="stor"))
    assert [flag.code for flag in above.flags] == ["nytte_over_alvorlighet"]


def test_swedish_steps_chain_and_follow_the_configured_rules():
    """Each step starts where the previous ended; changing the catalogue's rules changes the
    proposal, and the step's fact carries the rule's numbers."""
    import dataclasses

    data = _with(ressurs__level="høy")
    ranking = swedish_rank(parse_combined(data))
    assert [s.rank_after for s in ranking.steps] == [3, 3, 4, 4, 4]
    for before, after in itertools.pairwise(ranking.steps):
        assert after.rank_before == before.rank_after
    assert ranking.steps[2].fact == Fact("swedish.c.down", {"cost": "høy", "steps": 1, "rank": 4})
    catalogue = default_catalogue()
    rules = dataclasses.replace(
        catalogue.ranking,
        rank_steps_by_cost=(("lav", 0), ("moderat", 0), ("høy", 3), ("svært høy", 4)),
    )
    custom = dataclasses.replace(catalogue, ranking=rules)
    ranking = swedish_rank(parse_combined(data, custom), custom)
    assert ranking.category == "6"
    assert ranking.steps[2].fact == Fact("swedish.c.down", {"cost": "høy", "steps": 3, "rank": 6})


def test_swedish_rank_never_leaves_1_to_10():
    """Severity «liten» starts at 7; cost «svært høy» (+2) and uncertainty «høy» (+1) would
    reach 10 and no further."""
    data = _with(alvorlighet__level="liten", nytte__level="liten", ressurs__level="svært høy")
    data["nytte"]["uncertainty"] = "høy"
    data["nytte"]["parts"] = []
    ranking = swedish_rank(parse_combined(data))
    assert [s.rank_after for s in ranking.steps] == [7, 7, 9, 10, 10]
    assert ranking.category == "10"
    assert ranking.steps[1].fact.code == "swedish.b.kept"
    # The fact keeps the rule's number of steps; the ranks show what the clamp left of it.
    assert ranking.steps[3].fact == Fact(
        "swedish.d.down", {"uncertainty": "høy", "steps": 1, "rank": 10}
    )
