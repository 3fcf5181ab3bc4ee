"""The pages of the knowledge app: forms that save, what each role sees, and the public bank."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.cases.models import ServiceDecision
from losen.apps.knowledge.models import EthicsReflection, Example, MethodAssessment
from losen.apps.priorities.models import PrioritizationCase


def _case(demo, word):
    return next(
        c
        for c in PrioritizationCase.objects.filter(municipality=demo["fjordvik"])
        if word in c.title
    )


METHOD = {
    "title": "Gruppebasert mestringskurs",
    "population": "Voksne med lettere depresjon",
    "intervention": "Åtte kurskvelder",
    "comparison": "Venteliste",
    "outcomes": "Symptomer",
    "effect": "Liten til moderat",
    "safety": "Lav risiko",
    "organisation": "To kursledere",
    "economy": "150 000 kr",
    "conclusion": "Prøve ut",
    "advice": "utprove",
    "certainty": "lav",
}
REFLECTION = {
    "held_on": "2026-11-02",
    "participants": "Leder, to ansatte",
    "situation": "Fakta",
    "question": "Bør vi prioritere de yngste?",
    "parties": "Brukerne",
    "norms": "Likebehandling",
    "options": "A eller B",
    "choice": "A",
}


def test_the_case_page_lists_the_knowledge_base_and_links_to_the_forms(demo, client_for):
    case = _case(demo, "Lavterskel")
    url = reverse("priorities:case_detail", kwargs={"external_id": case.external_id})
    text = client_for("analytiker").get(url).content.decode()
    method = MethodAssessment.objects.get(case=case)
    assert method.title in text
    assert reverse("knowledge:method_new", kwargs={"external_id": case.external_id}) in text
    assert reverse("knowledge:reflection_new", kwargs={"external_id": case.external_id}) in text
    reader = client_for("leser").get(url).content.decode()
    assert method.title in reader
    assert reverse("knowledge:method_new", kwargs={"external_id": case.external_id}) not in reader


def test_a_mini_method_assessment_is_written_and_edited_through_the_form(demo, client_for):
    case = _case(demo, "Budsjett")
    client = client_for("analytiker")
    new = reverse("knowledge:method_new", kwargs={"external_id": case.external_id})
    page = client.get(new)
    assert page.status_code == 200
    assert "Spørsmålet (PICO)" in page.content.decode()
    refused = client.post(new, {**METHOD, "effect": "", "case": case.pk})
    assert refused.status_code == 200 and "Skjemaet har feil" in refused.content.decode()
    response = client.post(new, {**METHOD, "case": case.pk})
    assert response.status_code == 302
    method = MethodAssessment.objects.get(title="Gruppebasert mestringskurs")
    assert method.case == case and method.municipality == demo["fjordvik"]
    detail = client.get(response["Location"]).content.decode()
    assert "Liten til moderat" in detail and "Prøve ut metoden med evaluering" in detail
    edit = reverse("knowledge:method_edit", kwargs={"external_id": method.external_id})
    assert client.post(edit, {**METHOD, "effect": "Moderat", "case": case.pk}).status_code == 302
    method.refresh_from_db()
    assert method.effect == "Moderat"


def test_a_case_of_another_municipality_cannot_be_chosen(demo, client_for):
    case = _case(demo, "Budsjett")
    other = PrioritizationCase.objects.create(
        municipality=demo["nabovik"],
        title="Naboviks sak",
        level="administrativ",
        direction="opp",
        situation="x",
        plan_process="annet",
    )
    client = client_for("analytiker")
    new = reverse("knowledge:method_new", kwargs={"external_id": case.external_id})
    response = client.post(new, {**METHOD, "case": other.pk})
    assert response.status_code == 200
    assert not MethodAssessment.objects.filter(case=other).exists()


def test_an_ethical_reflection_on_a_case_follows_the_six_steps(demo, client_for):
    case = _case(demo, "Budsjett")
    client = client_for("leder")
    new = reverse("knowledge:reflection_new", kwargs={"external_id": case.external_id})
    text = client.get(new).content.decode()
    for step in ("1. Situasjonen", "2. Det etiske spørsmålet", "6. Valget og begrunnelsen"):
        assert step in text
    response = client.post(new, REFLECTION)
    assert response.status_code == 302
    reflection = EthicsReflection.objects.get(case=case)
    assert reflection.participants == "Leder, to ansatte"
    page = client_for("leser").get(response["Location"]).content.decode()
    assert "Bør vi prioritere de yngste?" in page
    assert "Endre refleksjonen" not in page  # a reader reads only
    edit = reverse("knowledge:reflection_edit", kwargs={"external_id": reflection.external_id})
    assert client.post(edit, {**REFLECTION, "choice": "B"}).status_code == 302
    reflection.refresh_from_db()
    assert reflection.choice == "B"


def test_a_reflection_on_a_decision_is_only_for_the_caseworker_with_a_care_relation(
    demo, client_for
):
    caseworker = demo["users"]["saksbehandler"]
    decision = (
        ServiceDecision.objects.filter(
            municipality=demo["fjordvik"], person__care_relations__user=caseworker
        )
        .distinct()
        .first()
    )
    url = reverse("knowledge:decision_reflections", kwargs={"external_id": decision.external_id})
    client = client_for("saksbehandler")
    page = client.get(url)
    assert page.status_code == 200
    assert decision.reference in page.content.decode()
    read = AuditEntry.objects.filter(action="read", object_id=str(decision.external_id)).order_by(
        "-sequence"
    )[0]
    assert read.details["purpose"] == "knowledge:decision_reflections"
    assert client.post(url, REFLECTION).status_code == 302
    assert EthicsReflection.objects.filter(decision=decision).count() == 1
    after = client.get(url).content.decode()
    assert "Bør vi prioritere de yngste?" in after
    # The decision page links to it.
    decision_page = client.get(
        reverse("cases:decision", kwargs={"external_id": decision.external_id})
    ).content.decode()
    assert url in decision_page
    # A leader, and a clinician, get the same 404 as for a decision that does not exist.
    assert client_for("leder").get(url).status_code == 404
    assert client_for("kliniker").get(url).status_code == 404
    # The case pages do not show a decision's reflection.
    reflection = EthicsReflection.objects.get(decision=decision)
    case_url = reverse("knowledge:reflection", kwargs={"external_id": reflection.external_id})
    assert client_for("leder").get(case_url).status_code == 404


def test_the_leader_opts_in_and_out_and_offers_a_case(demo, client_for):
    client = client_for("leder")
    bank = reverse("knowledge:bank")
    page = client.get(bank).content.decode()
    assert "Kommunen er med i eksempelbanken." in page
    case = _case(demo, "dagtilbud")
    offer = reverse("knowledge:example_offer", kwargs={"external_id": case.external_id})
    form = client.get(offer).content.decode()
    assert "Eldrerådet ba om transport" in form  # the process is prefilled
    response = client.post(
        offer,
        {"service_area": "dagtilbud", "process": "Prosessen.", "evaluation": "Gikk bra."},
    )
    assert response.status_code == 302
    example = Example.objects.get(case=case, unpublished_at__isnull=True)
    assert response["Location"] == reverse(
        "public_examples:detail", kwargs={"token": example.token}
    )
    refused = client.post(
        offer,
        {"service_area": "dagtilbud", "process": "Ring 912 34 567.", "evaluation": "Bra."},
    )
    assert "personopplysninger" in refused.content.decode()
    assert Example.objects.get(case=case, unpublished_at__isnull=True) == example
    withdraw = reverse("knowledge:example_withdraw", kwargs={"external_id": example.external_id})
    assert client.get(withdraw).status_code == 405
    assert client.post(withdraw).status_code == 302
    example.refresh_from_db()
    assert example.unpublished_at is not None
    assert client.post(bank, {"opted_in": "0"}).status_code == 302
    page = client.get(offer).content.decode()
    assert "Saken kan ikke tilbys ennå" in page and "ikke med i eksempelbanken" in page
    # Others may not.
    assert client_for("analytiker").get(bank).status_code == 403


def test_the_public_bank_lists_and_filters_without_login(demo):
    client = Client()
    url = reverse("public_examples:list")
    text = client.get(url).content.decode()
    assert "Redusert dagtilbud for eldre" in text
    assert "Ambulant rusteam" in text and "Elvedal kommune" in text
    only_day = client.get(url, {"omrade": "dagtilbud"}).content.decode()
    assert "Redusert dagtilbud" in only_day and "Ambulant rusteam" not in only_day
    political = client.get(url, {"niva": "politisk", "retning": "ned"}).content.decode()
    assert "Redusert dagtilbud" in political and "Ambulant rusteam" not in political
    by_name = client.get(url, {"q": "elvedal"}).content.decode()
    assert "Ambulant rusteam" in by_name and "Redusert dagtilbud" not in by_name
    nothing = client.get(url, {"omrade": "barn-unge"}).content.decode()
    assert "Ingen eksempler passer søket." in nothing
    junk = client.get(url, {"omrade": "<script>", "niva": "x" * 500})
    assert junk.status_code == 200 and "<script>" not in junk.content.decode()


def test_an_example_page_shows_decision_process_and_evaluation_and_its_file(demo):
    client = Client()
    example = Example.objects.get(origin="importert")
    page = client.get(reverse("public_examples:detail", kwargs={"token": example.token}))
    text = page.content.decode()
    for part in (
        "Hva som ble vedtatt, og hvorfor",
        "Prosessen",
        "Hva det førte til",
        "Ned fra 31 til 19 prosent.",
        "Importert fra en annen installasjon",
    ):
        assert part in text
    file = client.get(reverse("public_examples:file", kwargs={"token": example.token}))
    assert file["Content-Type"].startswith("application/json")
    assert json.loads(file.content)["example"] == example.content
    # A withdrawn example is gone from the public pages.
    local = Example.objects.get(origin="lokal", unpublished_at__isnull=True)
    detail = reverse("public_examples:detail", kwargs={"token": local.token})
    assert client.get(detail).status_code == 200
    local.unpublished_at = local.offered_at
    local.save()
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("public_examples:file", kwargs={"token": local.token})).status_code
        == 404
    )
