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


def by_name(case, start):
    return case.alternatives.get(name__startswith=start)


ALTERNATIVE = {
    "name": "Nytt tiltak",
    "target_group": "Hjemmeboende",
    "cost_nok": "100000",
    "benefit": "2",
    "benefit_reasoning": "Begrunnet.",
    "benefit_certainty": "moderat",
    "severity": "2",
    "severity_reasoning": "Begrunnet.",
    "severity_certainty": "moderat",
    "resource": "2",
    "resource_reasoning": "Begrunnet.",
    "resource_certainty": "moderat",
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

    def edit_data(alternative, **changes):
        data = {
            f: getattr(alternative, f)
            for f in ALTERNATIVE
            if f not in ("benefit", "severity", "resource")
        }
        data.update(
            benefit=alternative.benefit,
            severity=alternative.severity,
            resource=alternative.resource,
            exclusive_group=alternative.exclusive_group,
            mandatory="on" if alternative.mandatory else "",
            requires=alternative.requires.pk if alternative.requires_id else "",
        )
        data.update(changes)
        return {k: v for k, v in data.items() if v != ""}

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
