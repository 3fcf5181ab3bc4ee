"""Through the services and the pages: instrument findings reach the
suggestion, «ikke vurdert» is named as missing, dates are checked, the assessment's result
page shows its own flags, notices carry a level with its colour and words, acute ones need a
reason, and open notices stay on the clinician's work list until acknowledged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical import services
from losen.apps.clinical.models import Assessment, Measurement, SafetyNotice
from losen.apps.clinical.services import ClinicalError, InstrumentAnswers

from .conftest import FIRST_CONTACT, assessment_post

pytestmark = pytest.mark.django_db

#: DUDIT 34 for a man: probable dependence (Berman et al. 2005: 25 or more).
DUDIT_34 = {f"dudit__{n}": v for n, v in enumerate([4, 4, 4, 4, 4, 4, 4, 4, 2, 0, 0], 1)}
REASON = "Spurt direkte om selvmordstanker: ingen planer, god støtte hjemme."


def _new(person):
    return reverse("clinical:assessment_new", kwargs={"external_id": person.external_id})


def _page(assessment):
    return reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})


def test_dudit_dependence_reaches_the_suggestion_and_the_result_page(demo, client_for, person):
    """The issue's case: DUDIT ≥ 25 with the clinician's «milde»: the suggestion is no longer
    HF1 without a note, and the result page shows the assessment's own notice."""
    client = client_for("kliniker")
    data = assessment_post(sex="male", **DUDIT_34)
    response = client.post(f"{_new(person)}?instrumenter=phq-9,dudit", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment = Assessment.objects.get(person=person)
    assert (assessment.suggested_pathway, assessment.suggested_specialist) == (2, "refer")
    assert assessment.pathway_inputs["findings"]["substance"] == "probable-dependence"
    assert assessment.pathway_inputs["severity"] == "mild"
    notice = SafetyNotice.objects.get(assessment=assessment)
    assert (notice.code, notice.level) == ("probable-dependence", "snarlig")
    html = client.get(_page(assessment)).content.decode()
    assert "Sikkerhetsvarsler fra denne kartleggingen" in html
    assert 'losen-notice--snarlig" data-color="warning"' in html
    assert "Snarlig: følg opp i løpet av få dager" in html
    assert "FINDING-DEPENDENCE-SEVERITY" in html
    assert "løftet av funn til alvorlige" in html
    # Choosing HF1 now needs a note; without one nothing is recorded.
    html = client.post(_page(assessment), {"pathway": "1", "specialist": "none"}).content
    assert "avviksnotat" in html.decode()
    assert assessment.choices.count() == 0
    entry = AuditEntry.objects.get(object_id=str(assessment.external_id), action="create")
    assert entry.details["findings"]["substance"] == "probable-dependence"


def test_item_9_beside_a_suicide_risk_rated_none_asks_for_a_reason(demo, client_for, person):
    client = client_for("kliniker")
    data = assessment_post(**{"phq-9__9": "3"})
    html = client.post(_new(person), data).content.decode()
    assert "ds-error-summary" in html
    assert 'href="#id_confirmation_reason"' in html
    assert not Assessment.objects.filter(person=person).exists()
    data["confirmation_reason"] = REASON
    assert client.post(_new(person), data).status_code == 302
    assessment = Assessment.objects.get(person=person)
    assert assessment.confirmation_reason == REASON
    html = client.get(_page(assessment)).content.decode()
    assert "Funn som er vurdert lavere av klinikeren" in html and REASON in html
    notice = SafetyNotice.objects.get(assessment=assessment)
    assert (notice.code, notice.level) == ("suicidal-ideation", "akutt")
    assert 'losen-notice--akutt" data-color="danger" role="alert"' in html


def test_a_risk_not_assessed_is_named_as_missing(demo, client_for, person):
    client = client_for("kliniker")
    data = assessment_post(
        risk_overdose="not-assessed", risk_overdose_reason="Personen ville ikke svare i dag."
    )
    assert client.post(_new(person), data).status_code == 302
    assessment = Assessment.objects.get(person=person)
    assert assessment.pathway_inputs["risk"]["overdose"] == "not-assessed"
    assert assessment.suggestion["missing"] == [
        {"input": "risk.overdose", "name": "overdoserisiko"}
    ]
    html = client.get(_page(assessment)).content.decode()
    assert "Mangler i grunnlaget" in html and "Overdoserisiko: ikke vurdert" in html
    assert "overdoserisiko: ikke vurdert" in assessment.suggestion["summary"]


def test_assessment_in_the_future_is_refused_by_form_and_service(demo, client_for, person):
    client = client_for("kliniker")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    html = client.post(_new(person), assessment_post(assessed_on=tomorrow.isoformat())).content
    assert "er fram i tid" in html.decode()
    assert not Assessment.objects.filter(person=person).exists()


def _measure(client, person, day, instrument="gad-7", answers=None, **extra):
    url = reverse("clinical:measurement_new", kwargs={"external_id": person.external_id})
    answers = answers or {f"gad-7__{n}": "1" for n in range(1, 8)}
    return client.post(f"{url}?instrumenter={instrument}", {"taken_on": day, **answers, **extra})


def test_measurement_dates_in_the_future_or_before_first_contact_are_refused(
    demo, client_for, person
):
    client = client_for("kliniker")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    html = _measure(client, person, tomorrow.isoformat()).content.decode()
    assert "er fram i tid" in html and "ds-error-summary" in html
    before = (FIRST_CONTACT - dt.timedelta(days=1)).date()
    html = _measure(client, person, before.isoformat()).content.decode()
    assert "før personens første kontakt med tjenesten (05.01.2026)" in html
    assert not Measurement.objects.filter(person=person).exists()
    answers = InstrumentAnswers("gad-7", (1,) * 7)
    for day in (tomorrow, before):
        with pytest.raises(ClinicalError):
            services.record_measurement(
                actor=demo["users"]["kliniker"], person=person, answers=answers, taken_on=day
            )
    assert _measure(client, person, FIRST_CONTACT.date().isoformat()).status_code == 302


def test_trajectory_of_audit_and_dudit_says_no_limit_instead_of_under_the_limit(
    demo, client_for, person
):
    """AUDIT 27 and DUDIT 34 have no clinical cut-off for change: no «Under grensen»."""
    client = client_for("kliniker")
    audit = {f"audit__{n}": v for n, v in enumerate([4, 4, 4, 4, 4, 4, 3, 0, 0, 0], 1)}
    assert _measure(client, person, "2026-11-01", "audit", audit).status_code == 302
    assert _measure(client, person, "2026-11-02", "dudit", DUDIT_34, sex="male").status_code == 302
    html = client.get(
        reverse("clinical:outcomes", kwargs={"external_id": person.external_id})
    ).content.decode()
    assert "Under grensen" not in html
    assert html.count("Ingen klinisk grense definert") == 2
    assert "Sone IV: mulig avhengighet" in html  # AUDIT without sex: WHO zones, and said so
    assert "kjønn ikke oppgitt: WHOs soner" in html
    assert "Sannsynlig avhengighet" in html


def test_audit_with_sex_uses_the_norwegian_levels(demo, client_for, person):
    client = client_for("kliniker")
    audit = {f"audit__{n}": v for n, v in enumerate([2, 2, 2, 0, 0, 0, 0, 0, 0, 0], 1)}
    assert _measure(client, person, "2026-11-01", "audit", audit, sex="female").status_code == 302
    measurement = Measurement.objects.get(person=person)
    assert (measurement.total, measurement.band, measurement.positive_screen) == (
        6,
        "increased-risk",
        True,
    )
    html = client.get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    ).content.decode()
    assert "Økt risiko (grenseverdier for kvinner)" in html


def test_notices_are_ordered_by_urgency_and_stay_on_the_work_list(demo, client_for, person):
    client = client_for("kliniker")
    data = assessment_post(
        sex="male",
        risk_violence="elevated",
        confirmation_reason=REASON,
        **{"phq-9__9": "1"},
        **DUDIT_34,
    )
    assert client.post(f"{_new(person)}?instrumenter=phq-9,dudit", data).status_code == 302
    levels = {n.code: n.level for n in SafetyNotice.objects.filter(person=person)}
    assert levels == {
        "suicidal-ideation": "akutt",
        "probable-dependence": "snarlig",
        "risk-violence": "snarlig",
    }
    work_list = reverse("clinical:work_list")
    html = client.get(work_list).content.decode()
    own_acute = f"Selvmordsrisiko (spørsmål 9): {person.full_name}"
    own_soon = f"Mulig avhengighet: {person.full_name}"
    assert html.index('id="varsler-akutt"') < html.index(own_acute)
    assert html.index(own_acute) < html.index('id="varsler-snarlig"') < html.index(own_soon)
    acute = SafetyNotice.objects.get(person=person, level="akutt")
    url = reverse("clinical:notice", kwargs={"external_id": acute.external_id})
    html = client.post(url, {"reason": "Ringt."}).content.decode()
    assert "et akutt varsel kvitteres ut med hva som ble gjort samme dag" in html
    acute.refresh_from_db()
    assert acute.acknowledged_at is None
    assert client.post(url, {"reason": REASON}).status_code == 302
    html = client.get(work_list).content.decode()
    assert own_acute not in html and own_soon in html
    entry = AuditEntry.objects.filter(action="read", details__purpose="clinical:work-list").last()
    assert str(acute.external_id) not in entry.details["references"]
    assert entry.details["count"] == len(entry.details["references"])
    assert person.full_name not in str(entry.details)


def test_the_work_list_shows_only_own_persons_and_only_to_clinicians(demo, client_for, person):
    client = client_for("kliniker")
    data = assessment_post(confirmation_reason=REASON, **{"phq-9__9": "1"})
    assert client.post(_new(person), data).status_code == 302
    person.care_relations.update(valid_to=timezone.now() - dt.timedelta(minutes=1))
    assert person.full_name not in client.get(reverse("clinical:work_list")).content.decode()
    assert client_for("leder").get(reverse("clinical:work_list")).status_code in (403, 404)


def test_a_routine_notice_uses_the_info_colour(demo, client_for, person):
    client = client_for("kliniker")
    audit = {f"audit__{n}": v for n, v in enumerate([1, 0, 0, 0, 0, 0, 0, 0, 4, 0], 1)}
    assert _measure(client, person, "2026-11-01", "audit", audit).status_code == 302
    notice = SafetyNotice.objects.get(person=person)
    assert (notice.code, notice.level) == ("recent-injury", "rutine")
    html = client.get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    ).content.decode()
    assert 'losen-notice--rutine" data-color="info"' in html
    assert "Rutine: følg opp ved neste kontakt" in html


def test_the_demo_shows_findings_and_every_notice_level_but_acute(demo, client_for):
    """Demo persons in drug follow-up have DUDIT 27 (a «snarlig» notice, the finding in their
    suggestion's inputs); those in housing follow-up an AUDIT with a recent injury («rutine»)."""
    notices = SafetyNotice.objects.filter(municipality=demo["fjordvik"])
    levels = dict(notices.values_list("code", "level").distinct())
    assert levels["probable-dependence"] == "snarlig"
    assert levels["recent-injury"] == "rutine"
    dependent = notices.filter(code="probable-dependence").first()
    assessment = dependent.measurement.assessment
    assert assessment.pathway_inputs["findings"]["substance"] == "probable-dependence"
    html = client_for("kliniker").get(_page(assessment)).content.decode()
    assert "Sikkerhetsvarsler fra denne kartleggingen" in html
    assert "DUDIT 25 eller mer" in html
