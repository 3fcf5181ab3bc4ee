"""The management information a case rests on comes from the indicators module (issue line 2)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from losen.apps.audit.models import AuditEntry
from losen.apps.insight.models import IndicatorAttachment, StoredObservation
from losen.apps.insight.queries import attachable_figures, attachable_snapshot
from losen.apps.insight.services import attachments_for
from losen.apps.priorities.models import FollowUp
from losen.apps.priorities.overview import CaseOverview

pytestmark = pytest.mark.django_db


def kw(obj):
    return {"external_id": obj.external_id}


def test_the_form_offers_catalogue_indicators_and_the_municipalitys_own_series(demo):
    figures = attachable_figures(demo["fjordvik"])
    tokens = [f.token for f in figures]
    assert "indikator:hjemmetjenester-80" in tokens
    own = [f for f in figures if f.token.startswith("serie:")]
    # The demo's own local figures, but never population or a catalogue indicator's table.
    assert {f.snapshot.contents_code for f in own} == {"ventetid-psyk", "belegg-dagtilbud"}
    rate = next(f for f in figures if f.token == "indikator:hjemmetjenester-80")
    assert rate.periods[0] == "2024" and rate.periods[-1] == "2015"
    # Another municipality sees none of Fjordvik's figures.
    assert attachable_figures(demo["nabovik"]) == []
    assert attachable_snapshot(demo["nabovik"], own[0].token) is None
    assert attachable_snapshot(demo["fjordvik"], "serie:0000000000000000") is None
    assert attachable_snapshot(demo["fjordvik"], "indikator:finnes-ikke") is None


def test_a_leader_attaches_a_figure_and_the_case_shows_it_frozen(demo, cases, client_for):
    client = client_for("leder")
    case = cases["rehab"]
    before = len(attachments_for(case.municipality, case))
    page = client.get(reverse("priorities:indicator_add", kwargs=kw(case)))
    assert page.status_code == 200
    assert "indikator:hjemmetjenester-80" in page.content.decode()
    response = client.post(
        reverse("priorities:indicator_add", kwargs=kw(case)),
        {"figure": "indikator:hjemmetjenester-80", "period": "2019", "note": "Før reformen"},
    )
    assert response.status_code == 302
    attached = attachments_for(case.municipality, case)
    assert len(attached) == before + 1
    figure = attached[-1]
    assert figure.snapshot["period"] == "2019" and figure.note == "Før reformen"
    assert figure.attached_by.username == "leder"
    assert AuditEntry.objects.filter(
        object_type="insight.indicatorattachment", object_id=str(figure.external_id)
    ).exists()
    # A revision of the statistics later does not change what the case rests on.
    StoredObservation.objects.filter(is_current=True).update(value_text="1")
    text = client.get(reverse("priorities:case_detail", kwargs=kw(case))).content.decode()
    shown = figure.snapshot["value"].replace(".", ",")
    assert shown in text and "Før reformen" in text
    assert "Syntetiske tall laget av Losen" in text  # attribution shown with the figures
    checklist = CaseOverview(case).checklist
    assert any(
        i.code == "styringsinformasjon" and i.done for items in checklist.values() for i in items
    )


def test_an_unknown_figure_is_refused_and_nothing_is_attached(demo, cases, client_for):
    client = client_for("leder")
    case = cases["rehab"]
    before = (IndicatorAttachment.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse("priorities:indicator_add", kwargs=kw(case)),
        {"figure": "indikator:finnes-ikke", "period": ""},
    )
    assert response.status_code == 200
    assert "Skjemaet har feil" in response.content.decode()
    assert (IndicatorAttachment.objects.count(), AuditEntry.objects.count()) == before


def test_a_reader_cannot_attach(demo, cases, client_for):
    client = client_for("leser")
    case = cases["rehab"]
    before = IndicatorAttachment.objects.count()
    response = client.post(
        reverse("priorities:indicator_add", kwargs=kw(case)),
        {"figure": "indikator:hjemmetjenester-80"},
    )
    assert response.status_code in (403, 404)
    assert IndicatorAttachment.objects.count() == before


def test_the_decision_basis_and_public_page_carry_the_attached_figures(demo, cases, client_for):
    client = client_for("leder")
    case = cases["dagtilbud"]  # decided and published in the demo
    attached = attachments_for(case.municipality, case)
    assert {a.snapshot["contents_code"] for a in attached} >= {"belegg-dagtilbud"}
    response = client.post(
        reverse("priorities:basis_create", kwargs=kw(case)), {"detail": "standard"}
    )
    assert response.status_code == 302
    basis = case.bases.order_by("-version").first()
    frozen = basis.snapshot["indicators"]
    assert [i["name"] for i in frozen] == [a.snapshot["label"] for a in attached]
    assert all(i["attribution"] for i in frozen)
    document = Document(
        io.BytesIO(client.get(reverse("priorities:basis_docx", kwargs=kw(basis))).content)
    )
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Belegg i dagtilbudet for eldre" in cells and "61 prosent" in cells


def test_a_follow_up_records_the_figure_at_the_review_beside_the_cases(cases, client_for):
    client = client_for("leder")
    follow_up = FollowUp.objects.filter(case__municipality=cases["rehab"].municipality).first()
    assert follow_up is not None, "the demo has follow-ups"
    case = follow_up.case
    url = reverse("priorities:followup_indicator_add", kwargs=kw(follow_up))
    response = client.post(
        url, {"figure": "indikator:hjemmesykepleie-timer", "note": "Ved gjennomgangen"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("priorities:followup_evaluate", kwargs=kw(follow_up))
    review = attachments_for(case.municipality, follow_up)
    assert [a.snapshot["indicator"] for a in review] == ["hjemmesykepleie-timer"]
    # The case's own figures are not changed by the follow-up's.
    assert all(
        a.target_type == "priorities.prioritizationcase"
        for a in attachments_for(case.municipality, case)
    )
    text = client.get(
        reverse("priorities:followup_evaluate", kwargs=kw(follow_up))
    ).content.decode()
    assert 'id="tall-gjennomgang"' in text and "Ved gjennomgangen" in text
    if attachments_for(case.municipality, case):
        assert 'id="tall-saken"' in text
    # A reader may not attach.
    before = IndicatorAttachment.objects.count()
    refused = client_for("leser").post(url, {"figure": "indikator:hjemmesykepleie-timer"})
    assert refused.status_code in (403, 404)
    assert IndicatorAttachment.objects.count() == before
