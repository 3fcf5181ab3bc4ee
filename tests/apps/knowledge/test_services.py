"""Every write of the knowledge app: what it stores, what it refuses, and its audit entry."""

from __future__ import annotations

import json

import pytest

from losen.apps.audit.models import AuditEntry
from losen.apps.cases.models import ServiceDecision
from losen.apps.knowledge import exchange, services
from losen.apps.knowledge.models import (
    BankMembership,
    EthicsReflection,
    Example,
    MethodAssessment,
    Origin,
)
from losen.apps.priorities.models import PrioritizationCase
from losen.apps.priorities.public import PersonalDataFound
from losen.domain.errors import InputError


def _case(demo, word):
    return next(
        c
        for c in PrioritizationCase.objects.filter(municipality=demo["fjordvik"])
        if word in c.title
    )


def _last_entry():
    return AuditEntry.objects.order_by("-sequence").first()


def _method(demo, case, **fields):
    values = dict(
        municipality=demo["fjordvik"],
        case=case,
        title="Veiledet selvhjelp på nett",
        population="Voksne med lettere angst",
        intervention="Nettprogram med ukentlig veiledning",
        comparison="Venteliste",
        outcomes="Symptomer og funksjon",
        effect="Moderat effekt",
        safety="Lav risiko",
        organisation="Én stilling",
        economy="400 000 kr per år",
        conclusion="Prøve ut",
        advice="utprove",
        certainty="lav",
    )
    values.update(fields)
    return MethodAssessment(**values)


def _reflection(demo, **fields):
    values = dict(
        municipality=demo["fjordvik"],
        situation="Fakta",
        question="Bør vi?",
        parties="Partene",
        norms="Lover",
        options="A eller B",
        choice="A, fordi",
    )
    values.update(fields)
    return EthicsReflection(**values)


def test_a_method_assessment_is_saved_and_audited(demo):
    case = _case(demo, "Budsjett")
    saved = services.save_method_assessment(
        actor=demo["users"]["analytiker"], assessment=_method(demo, case)
    )
    assert saved.pk and saved.created_by == demo["users"]["analytiker"]
    entry = _last_entry()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "create",
        "knowledge.methodassessment",
        str(saved.external_id),
    )
    assert entry.details == {"case": str(case.external_id)}
    saved.conclusion = "Innføre"
    services.save_method_assessment(actor=demo["users"]["leder"], assessment=saved)
    assert _last_entry().action == "update"
    assert MethodAssessment.objects.get(pk=saved.pk).conclusion == "Innføre"


def test_a_method_assessment_cannot_point_at_another_municipalitys_case(demo):
    case = _case(demo, "Budsjett")
    assessment = _method(demo, case, municipality=demo["nabovik"])
    with pytest.raises(ValueError):
        services.save_method_assessment(actor=None, assessment=assessment)
    assert not MethodAssessment.objects.filter(municipality=demo["nabovik"]).exists()


def test_a_reflection_is_attached_to_a_case_or_a_decision_never_both_or_neither(demo):
    case = _case(demo, "Budsjett")
    decision = ServiceDecision.objects.filter(municipality=demo["fjordvik"]).first()
    on_case = services.save_reflection(actor=None, reflection=_reflection(demo, case=case))
    assert _last_entry().details == {"case": str(case.external_id)}
    on_decision = services.save_reflection(
        actor=None, reflection=_reflection(demo, decision=decision)
    )
    entry = _last_entry()
    assert entry.details == {"decision": str(decision.external_id)}
    assert "Bør vi" not in json.dumps(entry.details)  # the text is not in the log
    assert {on_case.pk, on_decision.pk} <= set(
        EthicsReflection.objects.values_list("pk", flat=True)
    )
    with pytest.raises(ValueError):
        services.save_reflection(actor=None, reflection=_reflection(demo))
    with pytest.raises(ValueError):
        services.save_reflection(
            actor=None, reflection=_reflection(demo, case=case, decision=decision)
        )
    with pytest.raises(ValueError):
        services.save_reflection(
            actor=None, reflection=_reflection(demo, case=case, municipality=demo["nabovik"])
        )


def test_opting_out_withdraws_every_example_of_the_municipality(demo):
    fjordvik = demo["fjordvik"]
    assert services.is_opted_in(fjordvik)
    live = Example.objects.filter(municipality=fjordvik, unpublished_at__isnull=True)
    assert live.count() == 1
    services.set_bank_membership(
        actor=demo["users"]["leder"], municipality=fjordvik, opted_in=False
    )
    assert not services.is_opted_in(fjordvik)
    assert live.count() == 0
    assert _last_entry().details == {"opted_in": False, "withdrawn": 1}
    # The imported example stays in the bank; Fjordvik's is gone from it.
    assert [e.origin for e in services.live_examples()] == [Origin.IMPORTED]
    services.set_bank_membership(actor=None, municipality=fjordvik, opted_in=True)
    assert BankMembership.objects.get(municipality=fjordvik).opted_in
    assert live.count() == 0  # opting in again does not bring old examples back


def test_a_case_not_decided_and_published_cannot_be_offered(demo):
    leder = demo["users"]["leder"]
    for word in ("Lavterskel", "Hverdagsrehabilitering"):  # undecided; decided, unpublished
        with pytest.raises(services.NotReady) as refused:
            services.offer_example(
                actor=leder,
                case=_case(demo, word),
                service_area="annet",
                process="P",
                evaluation="E",
            )
        assert refused.value.problems
    services.set_bank_membership(actor=leder, municipality=demo["fjordvik"], opted_in=False)
    with pytest.raises(services.NotReady) as refused:
        services.offer_example(
            actor=leder,
            case=_case(demo, "dagtilbud"),
            service_area="annet",
            process="P",
            evaluation="E",
        )
    assert any("ikke med i eksempelbanken" in p for p in refused.value.problems)


def test_offering_a_case_freezes_it_and_withdraws_the_earlier_example(demo):
    leder = demo["users"]["leder"]
    case = _case(demo, "dagtilbud")
    earlier = Example.objects.get(case=case, unpublished_at__isnull=True)
    example = services.offer_example(
        actor=leder,
        case=case,
        service_area="dagtilbud",
        process="Saken ble drøftet med eldrerådet.",
        evaluation="Belegget er godt.",
    )
    earlier.refresh_from_db()
    assert earlier.unpublished_at is not None
    assert example.is_live and example.municipality == demo["fjordvik"]
    c = example.content
    assert c["id"] == str(example.external_id)
    assert c["decision"]["outcome"] == case.decision.outcome
    assert c["decision"]["reasons"] == case.decision.reasons
    assert c["process"] == "Saken ble drøftet med eldrerådet."
    assert c["evaluation"]["summary"] == "Belegget er godt."
    assert c["municipality"] == {"number": "4699", "name": "Fjordvik kommune"}
    assert exchange.validate(exchange.document(c, exported_at="x")) == c
    entry = _last_entry()
    assert (entry.action, entry.object_id) == ("export", str(example.external_id))
    # Frozen: a later change of the decision does not change the example.
    case.decision.outcome = "Endret etterpå"
    case.decision.save()
    example.refresh_from_db()
    assert example.content["decision"]["outcome"] != "Endret etterpå"


@pytest.mark.parametrize(
    "text",
    [
        "Ring Lena Lederstad om dette",  # a user of the municipality
        "Spør Testa Fjordvikdemo",  # a person of the municipality
        "Skriv til leder@fjordvik.no",
        "Fødselsnummer 01017000027",
        "Telefon 912 34 567",
    ],
)
def test_an_example_with_personal_data_is_not_offered(demo, text):
    case = _case(demo, "dagtilbud")
    before = Example.objects.count()
    with pytest.raises(PersonalDataFound):
        services.offer_example(
            actor=demo["users"]["leder"],
            case=case,
            service_area="dagtilbud",
            process="Prosessen",
            evaluation=text,
        )
    assert Example.objects.count() == before


def test_withdrawing_keeps_the_row_and_is_audited(demo):
    example = Example.objects.get(municipality=demo["fjordvik"], unpublished_at__isnull=True)
    services.withdraw_example(actor=demo["users"]["leder"], example=example)
    example.refresh_from_db()
    assert example.unpublished_at is not None
    assert not services.live_examples().filter(pk=example.pk).exists()
    assert _last_entry().details == {"example_bank": "withdrawn"}


def test_an_exported_example_imports_into_another_installation(demo):
    local = Example.objects.get(municipality=demo["fjordvik"], unpublished_at__isnull=True)
    data = json.dumps(services.export_document(local)).encode()
    # The same installation already has it.
    with pytest.raises(InputError) as refused:
        services.import_example(actor=None, data=data, source="eksempel.json")
    assert "finnes allerede" in str(refused.value)
    # Another installation: the example is not there (simulated by removing it here).
    local.delete()
    imported = services.import_example(actor=None, data=data, source="eksempel.json")
    assert imported.origin == Origin.IMPORTED and imported.municipality is None
    assert (imported.municipality_name, imported.municipality_number) == (
        "Fjordvik kommune",
        "4699",
    )
    assert str(imported.source_id) == json.loads(data)["example"]["id"]
    assert imported.content == json.loads(data)["example"]
    assert services.live_examples().filter(pk=imported.pk).exists()
    entry = _last_entry()
    assert entry.details == {"example_bank": "imported", "from_municipality": "4699"}


def test_an_imported_example_naming_a_person_here_is_refused(demo):
    document = json.loads(
        (__import__("losen.apps.knowledge.demo", fromlist=["x"]).DEMO_FILE).read_text()
    )
    document["example"]["id"] = "00000000-0000-4000-8000-000000000001"
    document["example"]["process"] = "Prøve Testberg var med i arbeidsgruppen."
    before = Example.objects.count()
    with pytest.raises(InputError) as refused:
        services.import_example(actor=None, data=json.dumps(document), source="f.json")
    assert "personopplysninger" in str(refused.value)
    assert Example.objects.count() == before


def test_the_demo_can_be_reset(demo):
    """The imported example belongs to no municipality: a second load replaces it."""
    from losen.apps.demo.services import load_demo

    load_demo(password=demo["password"])
    assert Example.objects.filter(origin=Origin.IMPORTED).count() == 1
    assert Example.objects.filter(origin=Origin.LOCAL, unpublished_at__isnull=True).count() == 1
    assert MethodAssessment.objects.count() == 1
    assert EthicsReflection.objects.count() == 1
