"""Bad form input: a Norwegian error that says what to fix, linked from a summary, and no change.

Each case posts something wrong to one form of the workspace or the public consultation and
checks three things: the page comes back with the error, the error summary links to the
field, and neither the case's data nor the audit log changed.
"""

from __future__ import annotations

import pytest
from django.core import serializers
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.insight.models import IndicatorAttachment
from losen.apps.priorities.models import (
    Alternative,
    Consultation,
    DecisionBasis,
    FollowUp,
    InputHandling,
    PrioritizationCase,
    Submission,
)

from .helpers import form_data

pytestmark = pytest.mark.django_db


def kw(obj):
    return {"external_id": obj.external_id}


def state():
    """Everything the priorities app stores, plus the audit log, as comparable text."""
    models = (
        PrioritizationCase,
        Alternative,
        IndicatorAttachment,
        Consultation,
        Submission,
        InputHandling,
        DecisionBasis,
        FollowUp,
    )
    rows = [serializers.serialize("json", m.objects.order_by("pk")) for m in models]
    # A page shown again with its errors may read data it audits (the decisions a cut
    # touches); reads are not changes, so only other entries count.
    return rows, AuditEntry.objects.exclude(action=Action.READ).count()


def assert_refused(response, field_id: str, *words: str):
    assert response.status_code == 200
    text = response.content.decode()
    assert "Skjemaet har feil" in text
    assert f'href="#{field_id}"' in text, field_id  # the summary links to the field
    for word in words:
        assert word in text, word


def _part_key(part: dict) -> tuple[str, str]:
    return part["criterion"], part["part"]


def by_name(case, start):
    return case.alternatives.get(name__startswith=start)


ALTERNATIVE = {
    "name": "Nytt tiltak",
    "target_group": "Hjemmeboende",
    "cost_nok": "100000",
    "nytte_level": "moderat",
    "nytte_reasoning": "Begrunnet.",
    "nytte_uncertainty": "moderat",
    "alvorlighet_level": "moderat",
    "alvorlighet_reasoning": "Begrunnet.",
    "alvorlighet_uncertainty": "moderat",
    "ressurs_level": "moderat",
    "ressurs_reasoning": "Begrunnet.",
    "ressurs_uncertainty": "moderat",
    "persons_per_year": "40",
    "persons_source": "anslag",
    "persons_note": "Anslått ut fra ventelisten.",
    "children_affected": "nei",
}


def test_leader_forms_refuse_bad_input_and_change_nothing(cases, client_for):
    client = client_for("leder")
    budget = cases["budsjett"]
    rehab_case = cases["rehab"]
    before = state()

    bad = [
        ("case_create", None, {"level": "politisk"}, "id_title", ["Feltet er påkrevet"]),
        (
            "case_edit",
            budget,
            {"title": budget.title, "level": "keiserlig", "direction": "opp"},
            "id_level",
            ["Velg et gyldig valg"],
        ),
        (
            "case_weights",
            budget,
            {"weight_benefit": "0", "weight_severity": "0", "weight_resource": "0"},
            None,
            ["Minst én vekt må være større enn null"],
        ),
        (
            "case_weights",
            budget,
            {"weight_benefit": "-5", "weight_severity": "10", "weight_resource": "10"},
            "id_weight_benefit",
            ["0"],
        ),
        (
            "case_legal",
            budget,
            {"legal_forsvarlighet": "Vurdert.", "legal_necessary": "", "legal_individual": ""},
            "id_legal_necessary",
            ["Alle tre vurderingene må være skrevet"],
        ),
        (
            "alternative_create",
            budget,
            {**ALTERNATIVE, "cost_nok": "mange"},
            "id_cost_nok",
            ["Oppgi et heltall"],
        ),
        (
            "indicator_add",
            budget,
            {"figure": "indikator:hjemmetjenester-80", "period": "1999"},
            "id_period",
            ["Det finnes ikke noe tall for perioden 1999", "2024"],
        ),
        (
            "followup_add",
            rehab_case,
            {"indicator": "Belegg", "review_on": "neste vår", "responsible": "Enhetsleder"},
            "id_review_on",
            ["Oppgi en gyldig dato"],
        ),
    ]
    for name, case, data, field_id, words in bad:
        url = reverse(f"priorities:{name}", kwargs=kw(case) if case else None)
        response = client.post(url, data)
        if field_id:
            assert_refused(response, field_id, *words)
        else:
            assert response.status_code == 200 and all(
                w in response.content.decode() for w in words
            )
        assert state() == before, name

    follow_up = rehab_case.follow_ups.get()
    response = client.post(
        reverse("priorities:followup_evaluate", kwargs=kw(follow_up)), {"evaluation": " "}
    )
    assert_refused(response, "id_evaluation", "Feltet er påkrevet")
    assert state() == before


def test_constraints_no_portfolio_can_meet_are_refused(cases, client_for):
    client = client_for("leder")
    budget = cases["budsjett"]
    rehab = by_name(budget, "Hverdagsrehabilitering")
    tele = rehab.requires
    mandatory = list(budget.alternatives.filter(mandatory=True))
    assert tele is not None and len(mandatory) >= 2
    before = state()

    edit_data = form_data

    # A loop: the technology would require the rehabilitation that requires it.
    response = client.post(
        reverse("priorities:alternative_edit", kwargs=kw(tele)), edit_data(tele, requires=rehab.pk)
    )
    assert_refused(response, "id_requires", "forutsetter allerede", "Velg et annet tiltak")
    # Two mandatory services that would exclude each other.
    response = client.post(
        reverse("priorities:alternative_edit", kwargs=kw(mandatory[0])),
        edit_data(mandatory[0], exclusive_group="felles"),
    )
    assert response.status_code == 302  # alone in its group: allowed
    after_first = state()
    response = client.post(
        reverse("priorities:alternative_edit", kwargs=kw(mandatory[1])),
        edit_data(mandatory[1], exclusive_group="felles"),
    )
    assert_refused(response, "id_exclusive_group", "To lovpålagte", mandatory[0].name)
    assert state() == after_first
    # Requiring an alternative in the same exclusive group.
    response = client.post(
        reverse("priorities:alternative_create", kwargs=kw(budget)),
        {**ALTERNATIVE, "exclusive_group": "felles", "requires": mandatory[0].pk},
    )
    assert_refused(response, "id_requires", "samme gjensidig utelukkende gruppe")
    assert state() == after_first
    assert before != after_first  # the one good edit went through
    edited = budget.alternatives.get(pk=mandatory[0].pk)
    assert edited.exclusive_group == "felles"
    # ... and changed nothing else of the assessment (the parts come back in the
    # catalogue's order).
    assert edited.levels == mandatory[0].levels
    assert sorted(edited.parts, key=_part_key) == sorted(mandatory[0].parts, key=_part_key)


def test_an_assessment_without_its_levels_or_reasons_is_refused(cases, client_for):
    """A criterion needs a level or a rated part, a rated part its reasoning, a level other
    than the parts give its reason; a budget alternative the persons it reaches, with a
    source that can be checked."""
    client = client_for("leder")
    rehab = cases["rehab"]
    budget = cases["budsjett"]
    part = "part_nytte_mestring_funksjon"
    before = state()
    bad = [
        (
            rehab,
            {"nytte_level": ""},
            "id_nytte_level",
            ["Vurder minst én av delene, eller velg nivået for nytte selv"],
        ),
        (
            rehab,
            {f"{part}_level": "stor"},
            f"id_{part}_reasoning",
            ["Skriv hvorfor delen får nivået «stor»"],
        ),
        (
            rehab,
            {f"{part}_reasoning": "Mange klarer seg selv igjen."},
            f"id_{part}_level",
            ["Velg et nivå for delen, eller ta bort begrunnelsen"],
        ),
        (
            rehab,
            {
                "nytte_level": "liten",
                f"{part}_level": "stor",
                f"{part}_reasoning": "Mange klarer seg selv igjen.",
            },
            "id_nytte_level_reason",
            ["Delene gir «stor», men du har valgt «liten»"],
        ),
        (rehab, {"nytte_uncertainty": "sikker"}, "id_nytte_uncertainty", ["Velg et gyldig valg"]),
        (budget, {"persons_per_year": ""}, "id_persons_per_year", ["Skriv hvor mange personer"]),
        (budget, {"persons_source": ""}, "id_persons_source", ["Velg om antallet bygger på"]),
        (budget, {"persons_source": "tall"}, "id_persons_figure", ["Velg tallet antallet"]),
        (budget, {"persons_note": ""}, "id_persons_note", ["Skriv hva anslaget bygger på"]),
    ]
    for case, changes, field_id, words in bad:
        data = {**ALTERNATIVE, **changes}
        response = client.post(
            reverse("priorities:alternative_create", kwargs=kw(case)),
            {k: v for k, v in data.items() if v != ""},
        )
        assert_refused(response, field_id, *words)
        assert state() == before, changes

    # «Følg delene»: the level is the highest a part is given, and the parts are kept.
    response = client.post(
        reverse("priorities:alternative_create", kwargs=kw(rehab)),
        {
            **{k: v for k, v in ALTERNATIVE.items() if k != "nytte_level"},
            f"{part}_level": "stor",
            f"{part}_reasoning": "Mange klarer seg selv igjen.",
            "part_nytte_smerte_ubehag_level": "liten",
            "part_nytte_smerte_ubehag_reasoning": "Litt mindre smerte.",
        },
    )
    assert response.status_code == 302
    saved = rehab.alternatives.get(name=ALTERNATIVE["name"])
    assert saved.nytte_level == "stor" and saved.nytte_level_reason == ""
    assert saved.parts == [
        {
            "criterion": "nytte",
            "part": "mestring_funksjon",
            "level": "stor",
            "reasoning": "Mange klarer seg selv igjen.",
        },
        {
            "criterion": "nytte",
            "part": "smerte_ubehag",
            "level": "liten",
            "reasoning": "Litt mindre smerte.",
        },
    ]


def test_case_page_forms_refuse_bad_input_and_change_nothing(cases, client_for):
    client = client_for("leder")
    budget = cases["budsjett"]
    before = state()
    response = client.post(reverse("priorities:basis_create", kwargs=kw(budget)), {"detail": "alt"})
    assert_refused(response, "id_detail", "Velg et gyldig valg")
    response = client.post(
        reverse("priorities:consultation_open", kwargs=kw(budget)), {"introduction": ""}
    )
    assert_refused(response, "id_introduction", "Feltet er påkrevet")
    response = client.post(
        reverse("priorities:case_phase", kwargs=kw(budget)), {"phase": "ferdig"}, follow=True
    )
    assert "velg en av de tre fasene" in response.content.decode()
    assert state() == before


def test_participation_and_decision_forms_refuse_bad_input(cases, client_for):
    client = client_for("leder")
    case = cases["lavterskel"]
    before = state()
    response = client.post(
        reverse("priorities:participation", kwargs=kw(case)), {"theme": "nytte", "nytte-note": ""}
    )
    assert_refused(response, "id_nytte-note", "Feltet er påkrevet")
    assert state() == before

    client.post(reverse("priorities:basis_create", kwargs=kw(case)), {"detail": "kort"})
    for theme in ("nytte", "alvorlighet"):
        client.post(
            reverse("priorities:participation", kwargs=kw(case)),
            {"theme": theme, f"{theme}-note": "Tatt med."},
        )
    ready = state()
    response = client.post(
        reverse("priorities:decision_record", kwargs=kw(case)),
        {"decided_on": "31.02.2026", "decision_maker": "", "outcome": "Vedtatt.", "reasons": ""},
    )
    assert_refused(response, "id_decided_on", "Oppgi en gyldig dato")
    assert_refused(response, "id_reasons", "Begrunnelse")
    assert state() == ready


def test_public_consultation_refuses_bad_input_and_stores_nothing(cases):
    cache.clear()
    case = cases["lavterskel"]
    url = reverse("public:consultation", kwargs={"token": case.consultation.token})
    before = state()
    response = Client().post(
        url, {"points_benefit": "100", "points_severity": "50", "points_resource": "200"}
    )
    assert_refused(response, "id_group", "Jeg svarer som", "Feltet er påkrevet")
    assert_refused(response, "id_points_resource", "100")
    assert 'aria-describedby="id_group_feil"' in response.content.decode()
    assert state() == before
    cache.clear()
