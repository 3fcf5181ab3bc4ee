"""The guidance pages with the demo: what each role sees, the close refusal listing every gap,
the exports, the register without personal data, and overdue actions on the start page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from losen.apps.clinical.models import PathwayChoice
from losen.apps.guidance.models import ImprovementAction, PointAssessment, SelfAssessment
from losen.apps.persons.models import Person

pytestmark = pytest.mark.django_db


def _autumn():
    return SelfAssessment.objects.get(title="Egenvurdering psykisk helse og rus høsten 2026")


def test_the_demo_holds_a_completed_assessment_with_gaps_and_actions(demo):
    autumn = _autumn()
    assert autumn.is_closed and autumn.previous is not None
    gaps = autumn.points.filter(status__in=["delvis", "ikke-oppfylt"])
    assert gaps.count() >= 8 and all(p.alternative for p in gaps)
    assert ImprovementAction.objects.filter(status="do").exists()


def test_leader_pages_render(demo, client_for):
    leader = client_for("leder")
    autumn = _autumn()
    point = autumn.points.get(point_id="R9-2")
    action = ImprovementAction.objects.first()
    for url in (
        reverse("guidance:index"),
        reverse("guidance:assessment", kwargs={"external_id": autumn.external_id}),
        reverse("guidance:results"),
        reverse("guidance:results") + "?veileder=lavterskel",
        reverse("guidance:register"),
        reverse("guidance:actions"),
        reverse("guidance:action", kwargs={"external_id": action.external_id}),
        reverse("guidance:assessment_new"),
        reverse("guidance:point", kwargs={"external_id": point.external_id}),
        reverse("guidance:point_figure", kwargs={"external_id": point.external_id}),
        reverse("guidance:action_new", kwargs={"external_id": point.external_id}),
    ):
        response = leader.get(url)
        assert response.status_code == 200, url
    page = leader.get(reverse("guidance:assessment", kwargs={"external_id": autumn.external_id}))
    text = page.content.decode()
    assert "Endret siden forrige vurdering" in text and "R1-1" in text
    assert "<svg" in text and "Antall punkter per status og anbefaling" in text


def test_a_reader_sees_but_cannot_write(demo, client_for):
    reader = client_for("leser")
    autumn = _autumn()
    assert (
        reader.get(
            reverse("guidance:assessment", kwargs={"external_id": autumn.external_id})
        ).status_code
        == 200
    )
    assert reader.get(reverse("guidance:assessment_new")).status_code == 403
    assert reader.get(reverse("guidance:register")).status_code == 403
    action = ImprovementAction.objects.first()
    url = reverse("guidance:action", kwargs={"external_id": action.external_id})
    assert reader.post(url, {"status": "do"}).status_code == 403


def test_the_close_is_refused_with_every_missing_point_listed(demo, client_for):
    leader = client_for("leder")
    checklist = SelfAssessment.objects.get(guideline_id="lavterskel")
    response = leader.post(
        reverse("guidance:assessment_close", kwargs={"external_id": checklist.external_id})
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Vurderingen kan ikke avsluttes: 10 punkter mangler" in text
    for point_id in ("LT-L3", "LT-L7", "LT-K3"):
        assert f"#punkt-{point_id}" in text
    assert "LT-L7 er et bør-punkt som ikke er oppfylt" in text
    checklist.refresh_from_db()
    assert not checklist.is_closed


def test_a_point_is_recorded_through_the_form(demo, client_for):
    leader = client_for("leder")
    checklist = SelfAssessment.objects.get(guideline_id="lavterskel")
    point = checklist.points.get(point_id="LT-L9")
    url = reverse("guidance:point", kwargs={"external_id": point.external_id})
    response = leader.post(
        url,
        {
            "status": "delvis",
            "evidence": "Lite kjent blant unge voksne",
            "links": "https://fjordvik.kommune.no/fontenehuset",
            "alternative": "Informasjon på videregående skole og i sosiale medier",
            "reason_group": "annet",
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == "delvis" and point.alternative.startswith("Informasjon")
    assert point.link_list == ["https://fjordvik.kommune.no/fontenehuset"]
    bad = leader.post(url, {"status": "oppfylt", "links": "javascript:alert(1)"})
    assert bad.status_code == 200 and "er ikke en nettadresse" in bad.content.decode()


def test_exports_are_xlsx_and_docx(demo, client_for):
    leader = client_for("leder")
    autumn = _autumn()
    xlsx = leader.get(
        reverse("guidance:assessment_xlsx", kwargs={"external_id": autumn.external_id})
    )
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Punkter", "Resultat"]
    rows = list(book["Punkter"].iter_rows(values_only=True))
    assert any(row[2] == "R9-2" and row[4] == "Delvis oppfylt" for row in rows)
    docx = leader.get(
        reverse("guidance:assessment_docx", kwargs={"external_id": autumn.external_id})
    )
    assert docx.status_code == 200
    body = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "Forsvarlig alternativ for R9-2" in body


def test_a_formula_in_evidence_stays_text_in_the_workbook(demo, client_for):
    leader = client_for("leder")
    checklist = SelfAssessment.objects.get(guideline_id="lavterskel")
    point = checklist.points.get(point_id="LT-L4")
    leader.post(
        reverse("guidance:point", kwargs={"external_id": point.external_id}),
        {"status": "oppfylt", "evidence": '=HYPERLINK("https://example.com")'},
    )
    xlsx = leader.get(
        reverse("guidance:assessment_xlsx", kwargs={"external_id": checklist.external_id})
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content))["Punkter"]
    cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if c.value == '=HYPERLINK("https://example.com")'
    ]
    assert cells and cells[0].data_type == "s"


def test_the_register_counts_both_sources_and_holds_no_personal_data(demo, client_for):
    leader = client_for("leder")
    response = leader.get(reverse("guidance:register"))
    text = response.content.decode()
    assert "Avvik fra skal-anbefalinger" in text and "Avvik fra bør-anbefalinger" in text
    for person in Person.objects.all():
        assert person.family_name not in text
    for reason in PathwayChoice.objects.exclude(deviation_reason="").values_list(
        "deviation_reason", flat=True
    ):
        assert reason not in text
    for alternative in PointAssessment.objects.exclude(alternative="").values_list(
        "alternative", flat=True
    ):
        assert alternative not in text
    from losen.apps.guidance.selectors import deviations_register

    register = deviations_register(demo["fjordvik"])
    clinical = (
        PathwayChoice.objects.filter(municipality=demo["fjordvik"])
        .exclude(deviation_recommendation="")
        .count()
    )
    municipal = PointAssessment.objects.filter(
        municipality=demo["fjordvik"],
        assessment__closed_at__isnull=False,
        status__in=["delvis", "ikke-oppfylt"],
    ).count()
    assert register.total == clinical + municipal
    assert (
        sum(r.by_source.get("klinisk", 0) for r in (*register.skal, *register.bor, *register.other))
        == clinical
    )


def test_overdue_actions_show_on_the_leaders_start_page(demo, client_for):
    text = client_for("leder").get(reverse("home")).content.decode()
    assert "Rutine for årlig somatisk helsesjekk" in text
    assert (
        "Rutine for årlig somatisk helsesjekk"
        not in client_for("kliniker").get(reverse("home")).content.decode()
    )


def test_a_figure_from_the_management_information_is_attached_to_a_point(demo, client_for):
    from losen.apps.insight.queries import attachable_figures
    from losen.apps.insight.services import attachments_for

    leader = client_for("leder")
    checklist = SelfAssessment.objects.get(guideline_id="lavterskel")
    point = checklist.points.get(point_id="LT-L1")
    figures = attachable_figures(demo["fjordvik"])
    assert figures, "the demo has figures to attach"
    response = leader.post(
        reverse("guidance:point_figure", kwargs={"external_id": point.external_id}),
        {"figure": figures[0].token, "period": "", "note": "Ventetid i RPH"},
    )
    assert response.status_code == 302
    (attachment,) = attachments_for(demo["fjordvik"], point)
    assert attachment.target_type == "guidance.pointassessment"
    page = leader.get(reverse("guidance:point", kwargs={"external_id": point.external_id}))
    assert "Tall som dokumentasjon" in page.content.decode()
    assert "Ventetid i RPH" in page.content.decode()


def test_the_assessment_page_reads_in_a_bounded_number_of_queries(
    demo, client_for, django_assert_max_num_queries
):
    """Every point of the assessment, its previous one and the chart: no query per point."""
    leader = client_for("leder")
    url = reverse("guidance:assessment", kwargs={"external_id": _autumn().external_id})
    leader.get(url)
    with django_assert_max_num_queries(12):  # 8 measured
        assert leader.get(url).status_code == 200


def test_a_municipality_with_assessments_can_be_removed(demo):
    """Removing a municipality (as a demo reset does) takes its assessments with its units;
    a unit alone cannot be removed while an assessment names it."""
    from django.db.models import RestrictedError

    autumn = _autumn()
    with pytest.raises(RestrictedError):
        autumn.unit.delete()
    demo["fjordvik"].delete()
    assert not SelfAssessment.objects.exists()
