"""The decision basis shows the case's mini method assessments and ethical reflections, on the
page and in the DOCX, from the frozen snapshot; a basis frozen before them shows the old text."""

from __future__ import annotations

import copy

from django.urls import reverse

from losen.apps.knowledge.models import EthicsReflection, MethodAssessment
from losen.apps.priorities import basis as basis_module
from losen.apps.priorities import services
from losen.apps.priorities.models import PrioritizationCase
from tests.docx_reading import read_docx


def _case(demo, word):
    return next(
        c
        for c in PrioritizationCase.objects.filter(municipality=demo["fjordvik"])
        if word in c.title
    )


def _section(sections, title):
    return next(s for s in sections if s.title == title)


def test_the_basis_shows_the_reflection_step_by_step_on_the_page_and_in_the_docx(demo, client_for):
    case = _case(demo, "dagtilbud")
    reflection = EthicsReflection.objects.get(case=case)
    basis = services.create_basis(actor=demo["users"]["leder"], case=case, detail="standard")
    assert basis.snapshot["reflections"][0]["question"] == reflection.question
    ethics = _section(basis_module.sections(basis.snapshot), "Etisk refleksjon")
    rows = dict(ethics.tables[0].rows)
    assert rows["2. Det etiske spørsmålet"] == reflection.question
    assert rows["6. Valget og begrunnelsen"] == reflection.choice
    assert rows["Dato og deltakere"].startswith("20.05.2026, Kommunalsjef")
    assert "Ingen etisk refleksjon" not in " ".join(ethics.paragraphs)

    client = client_for("leder")
    page = client.get(reverse("priorities:basis_detail", kwargs={"external_id": basis.external_id}))
    text = page.content.decode()
    assert "3. Partene og deres interesser" in text and reflection.choice[:40] in text
    docx = client.get(reverse("priorities:basis_docx", kwargs={"external_id": basis.external_id}))
    doc = read_docx(docx.content)
    cells = [cell for table in doc.tables for row in table for cell in row]
    assert reflection.question in cells and "4. Lover, retningslinjer og verdier" in cells


def test_the_basis_shows_the_mini_method_assessment_in_the_knowledge_section(demo, client_for):
    case = _case(demo, "Lavterskel")
    method = MethodAssessment.objects.get(case=case)
    basis = services.create_basis(actor=demo["users"]["leder"], case=case, detail="kort")
    knowledge = _section(basis_module.sections(basis.snapshot), "Kunnskapsgrunnlag og usikkerhet")
    assert any(method.title in p and "Prøve ut metoden" in p for p in knowledge.paragraphs)
    rows = dict(knowledge.tables[-1].rows)
    assert rows["Populasjon (P)"] == method.population
    assert rows["Sikkerhet i konklusjonen"] == "Middels"
    docx = client_for("leser").get(
        reverse("priorities:basis_docx", kwargs={"external_id": basis.external_id})
    )
    cells = [c for t in read_docx(docx.content).tables for r in t for c in r]
    assert method.effect in cells and "Organisatoriske konsekvenser" in cells


def test_a_later_change_does_not_change_a_frozen_basis(demo):
    case = _case(demo, "dagtilbud")
    basis = services.create_basis(actor=None, case=case, detail="standard")
    EthicsReflection.objects.filter(case=case).update(question="Endret etterpå?")
    ethics = _section(basis_module.sections(basis.snapshot), "Etisk refleksjon")
    assert "Endret etterpå?" not in dict(ethics.tables[0].rows).values()


def test_a_basis_frozen_before_reflections_shows_the_old_free_text(demo):
    case = _case(demo, "dagtilbud")
    snapshot = copy.deepcopy(services.create_basis(actor=None, case=case, detail="kort").snapshot)
    for key in ("reflections", "method_assessments"):
        snapshot.pop(key)
    snapshot["case"]["ethics"] = "Den gamle teksten om etikk."
    ethics = _section(basis_module.sections(snapshot), "Etisk refleksjon")
    assert ethics.paragraphs == ["Den gamle teksten om etikk."] and not ethics.tables
    snapshot["case"]["ethics"] = ""
    ethics = _section(basis_module.sections(snapshot), "Etisk refleksjon")
    assert ethics.paragraphs == ["Ingen etisk refleksjon er skrevet."]


def test_a_case_without_reflections_says_so(demo):
    case = _case(demo, "Budsjett")
    basis = services.create_basis(actor=None, case=case, detail="kort")
    ethics = _section(basis_module.sections(basis.snapshot), "Etisk refleksjon")
    assert ethics.paragraphs == ["Ingen etisk refleksjon er lagt ved saken."]
