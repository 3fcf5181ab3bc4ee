"""Decision basis, the legal guard before cuts, the decision, publication and follow-up."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from losen.apps.accounts.models import User
from losen.apps.audit.models import AuditEntry
from losen.apps.criteria import wording
from losen.apps.insight.services import attachments_for
from losen.apps.persons.models import Person
from losen.apps.priorities import basis as basis_module
from losen.apps.priorities.models import DecisionBasis, PrioritizationCase, Publication
from losen.domain.explain import Fact

pytestmark = pytest.mark.django_db

DECISION = {
    "decided_on": "2026-11-20",
    "decision_maker": "Kommunestyret",
    "case_reference": "26/900",
    "outcome": "Porteføljen vedtas.",
    "reasons": "Best samlet nytte innenfor rammen.",
}


def kw(obj):
    return {"external_id": obj.external_id}


def make_basis(client, case, detail="full"):
    response = client.post(reverse("priorities:basis_create", kwargs=kw(case)), {"detail": detail})
    assert response.status_code == 302
    return case.bases.first()


def test_docx_contains_every_section_of_the_decision_basis(cases, client_for):
    client = client_for("leder")
    basis = make_basis(client, cases["budsjett"])
    response = client.get(reverse("priorities:basis_docx", kwargs=kw(basis)))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    expected = [f"{i + 1}. {t}" for i, t in enumerate(basis_module.SECTION_TITLES)]
    assert len(expected) == 17
    assert headings == expected
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    for alternative in cases["budsjett"].alternatives.all():
        assert alternative.name in text
    # The best set within the budget, worded from the facts frozen in the basis, with the
    # value model it was chosen by.
    portfolio = basis.snapshot["portfolio"]
    sentences = wording.sentences([Fact(f["code"], f["params"]) for f in portfolio["facts"]])
    assert any("tiltak er valgt" in sentence for sentence in sentences)
    for sentence in sentences:
        assert sentence in text
    assert basis_module.VALUE_MODEL() in text
    page = client.get(reverse("priorities:basis_detail", kwargs=kw(basis))).content.decode()
    for title in expected:
        assert title in page


def test_a_basis_is_a_frozen_version_with_its_data(cases, client_for):
    client = client_for("leder")
    case = cases["lavterskel"]
    first = make_basis(client, case, "kort")
    alternative = case.alternatives.first()
    old_name = alternative.name
    alternative.name = "Nytt navn"
    alternative.save()
    second = make_basis(client, case, "standard")
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert old_name in [a["name"] for a in first.snapshot["alternatives"]]
    assert "Nytt navn" in [a["name"] for a in second.snapshot["alternatives"]]
    with pytest.raises(ValueError):
        first.save()
    assert AuditEntry.objects.filter(object_type="priorities.decisionbasis").count() >= 2


def test_a_cut_in_current_services_needs_the_legal_assessment_first(cases, client_for):
    client = client_for("leder")
    case = cases["budsjett"]
    make_basis(client, case)
    page = client.get(reverse("priorities:portfolio", kwargs=kw(case))).content.decode()
    assert "Korttidsopphold i eksisterende bygg" in page
    assert "løpende vedtak ved Fjordvik helse- og omsorgssenter" in page
    url = reverse("priorities:decision_record", kwargs=kw(case))
    refused = client.post(url, DECISION)
    assert refused.status_code == 200
    assert "forsvarlighet" in refused.content.decode()
    assert not PrioritizationCase.objects.filter(pk=case.pk, decision__isnull=False).exists()
    client.post(
        reverse("priorities:case_legal", kwargs=kw(case)),
        {
            "legal_forsvarlighet": "Plassene erstattes av økt hjemmesykepleie.",
            "legal_necessary": "Alle får fortsatt nødvendige tjenester.",
            "legal_individual": "Vedtak endres etter fvl. § 35 med forhåndsvarsel.",
        },
    )
    assert client.post(url, DECISION).status_code == 302
    case.refresh_from_db()
    assert case.decision.reasons == DECISION["reasons"]
    assert case.decision.basis == case.bases.first()
    assert case.phase == "gjennomfore"


def test_input_must_be_handled_per_theme_before_the_decision(cases, client_for):
    client = client_for("leder")
    case = cases["lavterskel"]
    make_basis(client, case)
    url = reverse("priorities:decision_record", kwargs=kw(case))
    assert "innspillene" in client.post(url, DECISION).content.decode()
    participation = reverse("priorities:participation", kwargs=kw(case))
    for theme in ("nytte", "alvorlighet"):
        client.post(participation, {"theme": theme, f"{theme}-note": "Tatt med i vurderingen."})
    assert client.post(url, DECISION).status_code == 302


def _names(fjordvik):
    names = set()
    for user in User.objects.filter(memberships__municipality=fjordvik):
        names |= {user.first_name, user.last_name, user.get_full_name()}
    for person in Person.objects.filter(municipality=fjordvik):
        names |= {person.family_name, person.full_name}
    return {n for n in names if n}


def test_the_public_page_holds_no_personal_data(demo, cases):
    published = Publication.objects.get(case=cases["dagtilbud"], unpublished_at__isnull=True)
    page = Client().get(reverse("public:case", kwargs={"token": published.token}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kommunestyret" in text and "Transport" in text
    for name in _names(demo["fjordvik"]):
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text), name
    for submission in cases["dagtilbud"].consultation.submissions.all():
        if submission.comment:
            assert submission.comment not in text  # raw comments are never published
    assert not re.search(r"\d{11}", text)
    assert "@" not in text


def test_publishing_refuses_text_that_names_a_person_and_unpublishing_keeps_history(
    demo, cases, client_for
):
    client = client_for("leder")
    case = cases["dagtilbud"]
    leader = demo["users"]["leder"]
    case.decision.reasons = f"Etter råd fra {leader.get_full_name()}."
    case.decision.save()
    client.post(reverse("priorities:publish", kwargs=kw(case)))
    assert Publication.objects.filter(case=case).count() == 1  # still only the demo's
    case.decision.reasons = "Lavt belegg."
    case.decision.save()
    client.post(reverse("priorities:publish", kwargs=kw(case)))
    live = Publication.objects.get(case=case, unpublished_at__isnull=True)
    anonymous = Client()
    assert (
        "Lavt belegg."
        in anonymous.get(reverse("public:case", kwargs={"token": live.token})).content.decode()
    )
    client.post(reverse("priorities:publish", kwargs=kw(case)), {"unpublish": "1"})
    assert anonymous.get(reverse("public:case", kwargs={"token": live.token})).status_code == 404
    assert Publication.objects.filter(case=case).count() == 2
    assert not Publication.objects.filter(case=case, unpublished_at__isnull=True).exists()
    index = anonymous.get(reverse("public:index", kwargs={"number": demo["fjordvik"].number}))
    assert case.title not in index.content.decode()


def test_due_reviews_show_and_an_evaluation_can_open_a_new_case(cases, client_for):
    client = client_for("leder")
    page = client.get(reverse("priorities:case_list")).content.decode()
    assert "Gjennomganger som har forfalt" in page
    follow_up = cases["rehab"].follow_ups.get()
    assert follow_up.review_on < timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("priorities:followup_evaluate", kwargs=kw(follow_up)),
        {"evaluation": "Færre enn ventet klarer seg uten bistand.", "new_case": "1"},
    )
    new = PrioritizationCase.objects.get(parent=cases["rehab"])
    assert response["Location"] == reverse("priorities:case_detail", kwargs=kw(new))
    follow_up.refresh_from_db()
    assert follow_up.evaluated_at is not None
    assert (
        "Gjennomganger som har forfalt"
        not in client.get(reverse("priorities:case_list")).content.decode()
    )


def test_readers_cannot_write(cases, client_for):
    client = client_for("leser")
    case = cases["lavterskel"]
    assert client.get(reverse("priorities:case_detail", kwargs=kw(case))).status_code == 200
    assert client.post(reverse("priorities:basis_create", kwargs=kw(case))).status_code == 403
    assert not DecisionBasis.objects.filter(case=case).exists()


# The suggested contents of a decision basis (guideline recommendation L1 to the leadership,
# https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester)
# in order: one word each heading must carry, written down here
# independently of the code so a renamed, dropped or reordered section fails the test.
REQUIRED_SECTIONS = [
    "situasjon",
    "ramme",
    "sammenligning",
    "nytte",
    "alvorlighet",
    "ressurs",
    "forholdsmessighet",
    "barn",
    "tilgang",
    "lokale forhold",
    "etisk",
    "kunnskapsgrunnlag",
    "medvirkning",
    "lokale vedtak",
    "styringsinformasjon",
    "begrunnelse",
    "oppfølging",
]


@pytest.mark.parametrize("detail", ["kort", "standard", "full"])
def test_docx_has_every_section_of_the_guideline_at_every_level_of_detail(
    cases, client_for, detail
):
    client = client_for("leder")
    case = cases["lavterskel"]
    basis = make_basis(client, case, detail)
    response = client.get(reverse("priorities:basis_docx", kwargs=kw(basis)))
    document = Document(io.BytesIO(response.content))
    headings = [p.text.lower() for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert len(headings) == len(REQUIRED_SECTIONS)
    for number, (heading, word) in enumerate(zip(headings, REQUIRED_SECTIONS, strict=True), 1):
        assert heading.startswith(f"{number}. ") and word in heading, (heading, word)
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert f"Detaljnivå: {basis.get_detail_display()}" in paragraphs
    assert f"Versjon {basis.version}" in paragraphs
    # The frame names the legal floor; participation says how input was handled.
    assert "forsvarlighet" in paragraphs
    for handling in case.handlings.all():
        assert handling.note in paragraphs
    tables = [[c.text for c in t.rows[0].cells] for t in document.tables]
    # The evidence table, and the indicator table with source, period and status.
    assert ["Tiltak", "Kunnskapsgrunnlag", "Nytte", "Alvorlighet", "Ressurs"] in tables
    assert ["Indikator", "Kilde", "Periode", "Verdi", "Status"] in tables
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    attached = attachments_for(case.municipality, case)
    assert attached, "the demo case rests on attached figures"
    for attachment in attached:
        figure = attachment.snapshot
        assert figure["label"] in cells and figure["period"] in cells
        assert f"{figure['source']}, tabell {figure['table']}" in cells
    # The synthetic figures are marked as such wherever they are shown.
    assert "Syntetiske tall laget av Losen" in paragraphs
    for alternative in case.alternatives.all():
        assert alternative.nytte_reasoning in cells
        assert alternative.alvorlighet_reasoning in cells
        assert alternative.ressurs_reasoning in cells
        assert alternative.evidence in cells
