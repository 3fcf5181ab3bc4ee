"""No lost updates: two people editing the same record at once (optimistic locking).

For each kind of record that is edited through a form (a prioritisation case, an alternative,
the decision on a case, a clinical assessment's pathway choice, and an individual service
decision's status), two logged-in clients load the edit page, both submit, and the second is
refused with the changed field named while the database keeps the first one's values. The
service-level tests show that a stale version raises :class:`EditConflict` with nothing
written, and that a single edit still saves and counts the version up.
"""

from __future__ import annotations

import datetime as dt
import html
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.apps.audit.models import AuditEntry
from losen.apps.cases import services as case_services
from losen.apps.cases.models import DecisionStatus, ServiceDecision, ServiceKind
from losen.apps.clinical import services as clinical_services
from losen.apps.clinical.models import Assessment, PathwayChoice
from losen.apps.common.locking import (
    EditConflict,
    canonical,
    claim_version,
    fingerprint,
    save_versioned,
)
from losen.apps.persons.models import CareRelation, Person
from losen.apps.priorities import services as priority_services
from losen.apps.priorities.models import Alternative, Decision, PrioritizationCase

CONFLICT = "noen andre lagret endringer i mellomtiden"


# --- A browser's view of a form ----------------------------------------------------------------


class _Forms(HTMLParser):
    """Every ``<form method="post">`` on a page, with what a browser would submit from it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "data": {}}
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag != "option"):
            return
        data = self._form["data"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    data.setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind not in ("submit", "button"):
                data[a["name"]] = [a.get("value") or ""]
        elif tag == "textarea":
            self._textarea = a["name"]
            data[a["name"]] = [""]
        elif tag == "select":
            self._select = a["name"]
            self._options = []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))

    def handle_data(self, text):
        if self._textarea and self._form is not None:
            self._form["data"][self._textarea][0] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            value = self._form["data"][self._textarea][0]
            # Django writes a newline after <textarea>; a browser drops it.
            self._form["data"][self._textarea] = [value.removeprefix("\n").removeprefix("\r\n")]
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]
            self._form["data"][self._select] = chosen
            self._select = None


def load_form(client, url: str, *, marker: str = "lock_version") -> dict[str, list[str]]:
    """GET *url* and return what its edit form would post (the form that has *marker*)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        if marker in form["data"]:
            data = dict(form["data"])
            data.pop("csrfmiddlewaretoken", None)
            return data
    raise AssertionError(f"no form with {marker} on {url}")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def conflict_rows(response) -> dict[str, tuple[str, str]]:
    """The conflict table of a refused save: field label -> (saved now, yours)."""
    form = response.context["form"]
    assert form.edit_conflict is not None, "no conflict shown"
    return {row.label: (row.theirs, row.yours) for row in form.edit_conflict.rows}


# --- Prioritisation case -----------------------------------------------------------------------


@pytest.fixture
def case(demo) -> PrioritizationCase:
    return PrioritizationCase.objects.filter(municipality=demo["fjordvik"]).order_by("pk").first()


def test_case_second_save_is_refused_and_the_first_kept(client_for, case):
    url = reverse("priorities:case_edit", kwargs={"external_id": case.external_id})
    lena, anders = client_for("leder"), client_for("analytiker")
    first = load_form(lena, url)
    second = load_form(anders, url)
    original_title = case.title
    version = case.lock_version

    first["title"] = ["Lenas tittel"]
    assert lena.post(url, first).status_code == 302
    second["title"] = ["Anders' tittel"]
    second["coherence"] = ["Anders' sammenheng"]
    response = anders.post(url, second)

    assert response.status_code == 200
    assert CONFLICT in page_text(response)
    rows = conflict_rows(response)
    assert rows["Tittel"] == ("Lenas tittel", "Anders' tittel")
    assert original_title not in rows["Tittel"]
    assert "sammenheng med lokale vedtak og mål".capitalize() not in rows  # only Lena's field
    case.refresh_from_db()
    assert case.title == "Lenas tittel"
    assert case.coherence != "Anders' sammenheng"
    assert case.lock_version == version + 1
    # The form now shows the saved title and keeps Anders' own change elsewhere.
    form = response.context["form"]
    assert form["title"].value() == "Lenas tittel"
    assert form["coherence"].value() == "Anders' sammenheng"
    assert form["lock_version"].value() == str(version + 1)


def test_case_resubmitting_the_refused_form_keeps_both(client_for, case):
    url = reverse("priorities:case_edit", kwargs={"external_id": case.external_id})
    lena, anders = client_for("leder"), client_for("analytiker")
    first, second = load_form(lena, url), load_form(anders, url)
    first["title"] = ["Lenas tittel"]
    lena.post(url, first)
    second["coherence"] = ["Anders' sammenheng"]
    second["title"] = ["Anders' tittel"]
    refused = anders.post(url, second)
    parser = _Forms()
    parser.feed(refused.content.decode())
    again = next(f["data"] for f in parser.forms if "lock_version" in f["data"])
    again.pop("csrfmiddlewaretoken", None)
    assert anders.post(url, again).status_code == 302
    case.refresh_from_db()
    assert (case.title, case.coherence) == ("Lenas tittel", "Anders' sammenheng")


def test_an_edit_of_other_fields_meanwhile_is_no_conflict(client_for, case):
    """The weights and the case text are different forms: both saves stand."""
    edit = reverse("priorities:case_edit", kwargs={"external_id": case.external_id})
    weights = reverse("priorities:case_weights", kwargs={"external_id": case.external_id})
    lena, anders = client_for("leder"), client_for("analytiker")
    text_form = load_form(lena, edit)
    weight_form = load_form(anders, weights)
    weight_form["weight_resource"] = ["55"]
    assert anders.post(weights, weight_form).status_code == 302
    text_form["title"] = ["Ny tittel"]
    assert lena.post(edit, text_form).status_code == 302
    case.refresh_from_db()
    assert (case.title, case.weight_resource) == ("Ny tittel", 55)


# --- Alternative -------------------------------------------------------------------------------


def test_alternative_second_save_is_refused_and_the_first_kept(client_for, case):
    alternative = case.alternatives.order_by("pk").first()
    url = reverse("priorities:alternative_edit", kwargs={"external_id": alternative.external_id})
    lena, anders = client_for("leder"), client_for("analytiker")
    first, second = load_form(lena, url), load_form(anders, url)
    first["nytte_reasoning"] = ["Lenas begrunnelse for nytte."]
    first["cost_nok"] = ["123456"]
    assert lena.post(url, first).status_code == 302, load_form(lena, url)
    second["nytte_reasoning"] = ["Anders' begrunnelse for nytte."]
    response = anders.post(url, second)

    assert response.status_code == 200
    assert CONFLICT in page_text(response)
    rows = conflict_rows(response)
    assert rows["Begrunnelse for nytte"] == (
        "Lenas begrunnelse for nytte.",
        "Anders' begrunnelse for nytte.",
    )
    assert rows["Kostnad per år (kr)"][0] == "123456"
    alternative.refresh_from_db()
    assert alternative.nytte_reasoning == "Lenas begrunnelse for nytte."
    assert alternative.cost_nok == 123456


# --- Second users, and the records the clinical and case tests edit -----------------------------


@pytest.fixture
def second(demo):
    """A second user in Fjordvik with the role of a demo user: ``second("leder")``."""
    from django.test import Client

    from losen.apps.accounts.models import Membership, User

    def make(role: str):
        user = User.objects.create_user(f"{role}-to", password=demo["password"])
        Membership.objects.create(user=user, municipality=demo["fjordvik"], role=role)
        client = Client()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def person(demo):
    """A Fjordvik person with a care relation to the demo clinician and caseworker."""
    person = Person.objects.create(
        municipality=demo["fjordvik"],
        given_name="Testa",
        family_name="Låsedemo",
        birth_year=1980,
        is_synthetic=True,
    )
    for username in ("kliniker", "saksbehandler"):
        CareRelation.objects.create(person=person, user=demo["users"][username])
    return person


def _assessment(actor, person) -> Assessment:
    data = clinical_services.AssessmentInput(
        assessed_on=dt.date(2026, 11, 2),
        reason_for_contact="Oppdiktet: søvnvansker.",
        life_areas={},
        goals="Sove bedre.",
        risks={"suicide": "none", "violence": "none", "overdose": "none"},
        risk_reasons={},
        pathway={
            "severity": "mild",
            "expected_duration": "short",
            "function_loss": "none",
            "trend": "stable",
            "psychosis": "none",
            "newly_arisen": True,
            "first_contact": True,
            "existing_specialist_follow_up": False,
        },
    )
    return clinical_services.record_assessment(actor=actor, person=person, data=data)


def _service_decision(demo, person, status=DecisionStatus.FATTET) -> ServiceDecision:
    unit = demo["fjordvik"].units.order_by("pk").first()
    return ServiceDecision.objects.create(
        municipality=demo["fjordvik"],
        person=person,
        reference="2026/7001",
        service=ServiceKind.DAGAKTIVITETSTILBUD,
        unit=unit,
        scope="2 dager per uke",
        valid_from=dt.date(2026, 1, 1),
        status=status,
        facts="Kartlagt behov.",
        reasons="Behovet er dokumentert.",
    )


# --- The decision on a prioritisation case ------------------------------------------------------

DECISION = {
    "decided_on": "2026-11-20",
    "decision_maker": "Kommunestyret",
    "case_reference": "26/900",
    "outcome": "Porteføljen vedtas.",
    "reasons": "Best samlet nytte innenfor rammen.",
}


@pytest.fixture
def ready_case(demo, client_for) -> PrioritizationCase:
    """A case with a decision basis and the legal assessment, but no decision yet."""
    lena = client_for("leder")
    for case in PrioritizationCase.objects.filter(municipality=demo["fjordvik"]).order_by("pk"):
        if Decision.objects.filter(case=case).exists():
            continue
        PrioritizationCase.objects.filter(pk=case.pk).update(
            legal_forsvarlighet="Forsvarlig.",
            legal_necessary="Nødvendige tjenester gis.",
            legal_individual="Etter fvl. § 35.",
        )
        lena.post(
            reverse("priorities:basis_create", kwargs={"external_id": case.external_id}),
            {"detail": "kort"},
        )
        case.refresh_from_db()
        if not priority_services.decision_problems(case):
            return case
    pytest.skip("the demo has no case that is ready for a decision")


def test_decision_second_recording_is_refused_and_the_first_kept(client_for, second, ready_case):
    url = reverse("priorities:decision_record", kwargs={"external_id": ready_case.external_id})
    lena = client_for("leder")
    _, leif = second("leder")
    first = load_form(lena, url, marker="decision_maker")
    second_form = load_form(leif, url, marker="decision_maker")
    first.update({k: [v] for k, v in DECISION.items()})
    assert lena.post(url, first).status_code == 302
    second_form.update({k: [v] for k, v in DECISION.items()})
    second_form["outcome"] = ["Alternativ 2 vedtas."]
    response = leif.post(url, second_form)

    assert response.status_code == 200
    assert "noen andre registrerte vedtaket" in page_text(response)
    rows = conflict_rows(response)
    assert rows == {"Vedtak": ("Porteføljen vedtas.", "Alternativ 2 vedtas.")}
    assert not response.context["form"].edit_conflict.can_retry
    assert Decision.objects.filter(case=ready_case).count() == 1
    assert Decision.objects.get(case=ready_case).outcome == "Porteføljen vedtas."
    # A page loaded after the decision goes to the case, as before.
    assert leif.get(url).status_code == 302


# --- A clinical assessment: the pathway chosen on it --------------------------------------------


def test_assessment_second_choice_is_refused_and_the_first_kept(demo, client_for, second, person):
    kari = client_for("kliniker")
    konrad, konrad_client = second("kliniker")
    CareRelation.objects.create(person=person, user=konrad)
    assessment = _assessment(demo["users"]["kliniker"], person)
    suggested = assessment.suggested_pathway
    other = 2 if suggested == 1 else 1
    recommendation = assessment.suggestion["reasons"][0]["recommendation"]
    url = reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})
    first = load_form(kari, url)
    second_form = load_form(konrad_client, url)
    first.update(
        {
            "pathway": [str(other)],
            "specialist": [assessment.suggested_specialist],
            "deviation_recommendation": [recommendation],
            "deviation_reason": ["Karis begrunnelse for avviket."],
        }
    )
    assert kari.post(url, first).status_code == 302
    second_form.update({"pathway": [str(suggested)]})
    response = konrad_client.post(url, second_form)

    assert response.status_code == 200
    text = page_text(response)
    assert CONFLICT in text
    rows = conflict_rows(response)
    assert rows["Valgt hovedforløp"] == (f"Hovedforløp {other}", f"Hovedforløp {suggested}")
    assert rows["Begrunnelse for avviket"] == ("Karis begrunnelse for avviket.", "(tomt)")
    assert rows["Valg registrert av"][0].startswith("Kari Klinikersen, ")
    assert "Kontakt med spesialisthelsetjenesten" not in rows  # nobody changed it
    # The database holds Kari's choice only, and the form now shows it.
    choices = PathwayChoice.objects.filter(assessment=assessment)
    assert list(choices.values_list("pathway", "deviation_reason")) == [
        (other, "Karis begrunnelse for avviket.")
    ]
    assessment.refresh_from_db()
    assert assessment.lock_version == 1
    form = response.context["form"]
    assert form["pathway"].value() == str(other)
    assert form["lock_version"].value() == "1"


def test_assessment_choice_equal_to_the_suggestion_is_a_choice_too(
    demo, client_for, second, person
):
    """Two clinicians both open a fresh assessment; the first confirms the suggestion."""
    kari = client_for("kliniker")
    konrad, konrad_client = second("kliniker")
    CareRelation.objects.create(person=person, user=konrad)
    assessment = _assessment(demo["users"]["kliniker"], person)
    url = reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})
    first, second_form = load_form(kari, url), load_form(konrad_client, url)
    assert kari.post(url, first).status_code == 302
    response = konrad_client.post(url, second_form)
    assert response.status_code == 200
    assert set(conflict_rows(response)) == {"Valg registrert av"}
    assert PathwayChoice.objects.filter(assessment=assessment).count() == 1


def test_assessment_conflict_is_not_logged(demo, client_for, second, person, caplog):
    """The values of a refused clinical save reach the user's page only, never a log line."""
    kari = client_for("kliniker")
    konrad, konrad_client = second("kliniker")
    CareRelation.objects.create(person=person, user=konrad)
    assessment = _assessment(demo["users"]["kliniker"], person)
    url = reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})
    first, second_form = load_form(kari, url), load_form(konrad_client, url)
    kari.post(url, {**first, "pathway": ["1"], "specialist": ["none"]})
    secret = "Hemmelig helseopplysning i avviket"
    with caplog.at_level("DEBUG"):
        konrad_client.post(
            url,
            {
                **second_form,
                "pathway": ["3"],
                "specialist": ["none"],
                "deviation_reason": [secret],
            },
        )
    assert secret not in caplog.text


# --- An individual service decision: its status -------------------------------------------------


def test_service_decision_second_status_change_is_refused(demo, client_for, second, person):
    decision = _service_decision(demo, person)
    sander = client_for("saksbehandler")
    sara, sara_client = second("saksbehandler")
    CareRelation.objects.create(person=person, user=sara)
    url = reverse("cases:decision_status", kwargs={"external_id": decision.external_id})
    first, second_form = load_form(sander, url), load_form(sara_client, url)
    first.update({"status": [DecisionStatus.PAKLAGET], "note": ["Klage mottatt."]})
    assert sander.post(url, first).status_code == 302
    second_form.update({"status": [DecisionStatus.AVSLUTTET], "note": ["Tjenesten er slutt."]})
    response = sara_client.post(url, second_form)

    assert response.status_code == 200
    assert CONFLICT in page_text(response)
    assert conflict_rows(response) == {"Status": ("Påklaget", "Avsluttet")}
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PAKLAGET
    assert list(decision.status_changes.values_list("to_status", flat=True)) == ["paklaget"]
    # Seen the change, she may still end it: the refused form carries the new version.
    form = response.context["form"]
    assert form["lock_version"].value() == str(decision.lock_version)
    again = {**second_form, "lock_version": [str(decision.lock_version)]}
    again["lock_values"] = [form["lock_values"].value()]
    assert sara_client.post(url, again).status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AVSLUTTET


# --- Services: a stale version raises the conflict and writes nothing --------------------------


def test_services_refuse_a_stale_version(demo, person, case):
    leader = demo["users"]["leder"]
    entries = AuditEntry.objects.count()

    case.title = "Gammel versjon"
    with pytest.raises(EditConflict) as raised:
        priority_services.save_object(
            actor=leader,
            obj=case,
            municipality=case.municipality,
            expected_version=case.lock_version + 1,
            fields=["title"],
        )
    assert raised.value.current.pk == case.pk
    assert PrioritizationCase.objects.get(pk=case.pk).title != "Gammel versjon"

    alternative = case.alternatives.first()
    alternative.name = "Gammel versjon"
    with pytest.raises(EditConflict):
        priority_services.save_object(
            actor=leader,
            obj=alternative,
            municipality=case.municipality,
            expected_version=alternative.lock_version + 3,
        )
    assert Alternative.objects.get(pk=alternative.pk).name != "Gammel versjon"

    assessment = _assessment(demo["users"]["kliniker"], person)
    entries = AuditEntry.objects.count()
    with pytest.raises(EditConflict):
        clinical_services.choose_pathway(
            actor=demo["users"]["kliniker"],
            assessment=assessment,
            pathway=assessment.suggested_pathway,
            specialist=assessment.suggested_specialist,
            expected_version=assessment.lock_version + 1,
        )
    assert not PathwayChoice.objects.filter(assessment=assessment).exists()

    decision = _service_decision(demo, person)
    with pytest.raises(EditConflict):
        case_services.change_status(
            actor=demo["users"]["saksbehandler"],
            decision=decision,
            status=DecisionStatus.PAKLAGET,
            note="Klage.",
            expected_version=decision.lock_version + 1,
        )
    decision.refresh_from_db()
    assert (decision.status, decision.lock_version) == (DecisionStatus.FATTET, 0)
    assert not decision.status_changes.exists()
    assert AuditEntry.objects.count() == entries  # nothing refused was audited as done


def test_a_second_decision_on_a_case_raises_the_conflict(demo, ready_case):
    leader = demo["users"]["leder"]
    values = {k: v for k, v in DECISION.items() if k != "decided_on"}
    first = Decision(decided_on=dt.date(2026, 11, 20), **values)
    priority_services.record_decision(actor=leader, case=ready_case, decision=first)
    again = PrioritizationCase.objects.get(pk=ready_case.pk)
    with pytest.raises(EditConflict) as raised:
        priority_services.record_decision(
            actor=leader,
            case=again,
            decision=Decision(decided_on=dt.date(2026, 11, 21), **{**values, "outcome": "Nei."}),
        )
    assert raised.value.current.pk == first.pk
    assert list(Decision.objects.filter(case=ready_case).values_list("outcome", flat=True)) == [
        "Porteføljen vedtas."
    ]


def test_of_two_claims_on_one_version_exactly_one_wins(demo, case):
    stale = PrioritizationCase.objects.get(pk=case.pk)
    with transaction.atomic():
        claim_version(case, case.lock_version)
    with pytest.raises(EditConflict), transaction.atomic():
        claim_version(stale, stale.lock_version)
    assert PrioritizationCase.objects.get(pk=case.pk).lock_version == stale.lock_version + 1


# --- A single edit still works and counts the version up ---------------------------------------


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80
    ).filter(str.strip),
    edits=st.integers(min_value=1, max_value=3),
)
def test_single_edits_save_and_count_the_version(demo, client_for, case, title, edits):
    lena = client_for("leder")
    url = reverse("priorities:case_edit", kwargs={"external_id": case.external_id})
    start = PrioritizationCase.objects.get(pk=case.pk).lock_version
    for n in range(edits):
        data = load_form(lena, url)
        data["title"] = [f"{title} {n}"]
        response = lena.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
    saved = PrioritizationCase.objects.get(pk=case.pk)
    assert saved.title == f"{title} {edits - 1}".strip()
    assert saved.lock_version == start + edits


def test_a_single_choice_and_status_change_count_the_version(demo, client_for, person):
    kari = client_for("kliniker")
    assessment = _assessment(demo["users"]["kliniker"], person)
    url = reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})
    assert kari.post(url, {**load_form(kari, url), "pathway": ["1"]}).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).lock_version == 1

    decision = _service_decision(demo, person)
    sander = client_for("saksbehandler")
    url = reverse("cases:decision_status", kwargs={"external_id": decision.external_id})
    data = {**load_form(sander, url), "status": ["paklaget"], "note": ["Klage."]}
    assert sander.post(url, data).status_code == 302
    assert ServiceDecision.objects.get(pk=decision.pk).lock_version == 1


def test_fingerprints_see_a_value_not_its_spelling():
    assert canonical(dt.date(2026, 1, 2)) == "2026-01-02"
    assert fingerprint("a\r\nb") == fingerprint("a\nb")
    assert fingerprint(None) == fingerprint("")
    assert fingerprint("Lav") != fingerprint("Høy")
    from decimal import Decimal

    assert fingerprint(Decimal("6.00")) == fingerprint(Decimal("6"))


def test_save_versioned_writes_only_the_named_fields(demo, case):
    """A retry after someone else's save of other fields keeps theirs."""
    stale = PrioritizationCase.objects.get(pk=case.pk)
    PrioritizationCase.objects.filter(pk=case.pk).update(phase="evaluere")
    stale.title = "Bare tittelen"
    with transaction.atomic():
        save_versioned(stale, expected_version=stale.lock_version, update_fields=["title"])
    saved = PrioritizationCase.objects.get(pk=case.pk)
    assert (saved.title, saved.phase) == ("Bare tittelen", "evaluere")


# --- Migrations: existing rows start at version 0 ----------------------------------------------

MIGRATIONS = [
    ("clinical", "0003_pathway_choice_only", "0004_lock_version"),
    ("priorities", "0004_criteria_catalogue", "0005_lock_version"),
    ("cases", "0001_initial", "0002_lock_version"),
]


@pytest.mark.django_db(transaction=True)
def test_forward_migration_gives_existing_rows_version_zero(demo):
    # Refusals (no start date) exist only from cases 0003 on, which refuses to be unapplied
    # while there are any: the rows of the old schema are what this test is about.
    ServiceDecision.objects.filter(valid_from__isnull=True).delete()
    before = {
        "clinical.assessment": Assessment.objects.count(),
        "priorities.prioritizationcase": PrioritizationCase.objects.count(),
        "priorities.alternative": Alternative.objects.count(),
        "cases.servicedecision": ServiceDecision.objects.count(),
    }
    assert all(before.values()), before  # the demo has rows of every kind
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([(app, old) for app, old, _new in MIGRATIONS])
        executor = MigrationExecutor(connection)
        old_apps = executor.loader.project_state([(app, old) for app, old, _ in MIGRATIONS]).apps
        for label in before:
            model = old_apps.get_model(label)
            assert "lock_version" not in {f.name for f in model._meta.get_fields()}
        executor.migrate([(app, new) for app, _old, new in MIGRATIONS])
        executor.loader.build_graph()
        new_apps = executor.loader.project_state([(app, new) for app, _, new in MIGRATIONS]).apps
        for label, count in before.items():
            model = new_apps.get_model(label)
            assert model.objects.count() == count
            assert set(model.objects.values_list("lock_version", flat=True)) == {0}
    finally:
        # Back to the newest schema: the tests after this one on the same worker need it.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- Two saves at the same moment (PostgreSQL: separate connections, row locks) ----------------


def _case_on_a_server_database(title: str) -> PrioritizationCase:
    """A case of its own municipality, committed; skips on SQLite, which has no row locks
    (it serialises writers with IMMEDIATE, so nothing happens at the same moment there)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database; SQLite serialises writers with IMMEDIATE")
    from losen.apps.accounts.models import Municipality

    municipality = Municipality.objects.create(number="4697", name="Låsevik kommune")
    return PrioritizationCase.objects.create(
        municipality=municipality,
        title=title,
        level="administrativ",
        direction="opp",
        situation="Oppdiktet.",
        plan_process="arsbudsjett",
    )


def _at_the_same_moment(work, arguments: tuple[str, str]) -> None:
    """Run ``work(argument)`` for both arguments in two threads, each with its own database
    connection (closed when it ends), and wait for both."""
    import threading

    from django.db import connections

    def run(argument: str) -> None:
        try:
            work(argument)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins():
    """Both read version n at once; the row lock makes the second UPDATE see n + 1 and refuse."""
    import threading
    import time

    case = _case_on_a_server_database("Før")
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def save(title: str) -> None:
        try:
            with transaction.atomic():
                mine = PrioritizationCase.objects.get(pk=case.pk)
                barrier.wait(timeout=10)
                mine.title = title
                save_versioned(mine, expected_version=0, update_fields=["title"])
                time.sleep(0.3)  # hold the row so the other save waits on it
            results[title] = "saved"
        except EditConflict:
            results[title] = "refused"

    _at_the_same_moment(save, ("A", "B"))
    assert sorted(results.values()) == ["refused", "saved"], results
    saved = PrioritizationCase.objects.get(pk=case.pk)
    winner = next(t for t, r in results.items() if r == "saved")
    assert (saved.title, saved.lock_version) == (winner, 1)


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_the_same_moment_one_is_recorded():
    """Both pass the check before either has written; the one-per-case constraint decides."""
    import threading

    from losen.apps.priorities.models import DecisionBasis

    case = _case_on_a_server_database("Sak")
    DecisionBasis.objects.create(
        municipality=case.municipality, case=case, version=1, detail="kort", snapshot={}
    )
    assert not priority_services.decision_problems(case)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}
    original = priority_services.decision_problems

    def in_step(case):
        problems = original(case)
        barrier.wait(timeout=10)  # both have passed every check before either writes
        return problems

    def record(outcome: str) -> None:
        try:
            priority_services.record_decision(
                actor=None,
                case=PrioritizationCase.objects.get(pk=case.pk),
                decision=Decision(
                    decided_on=dt.date(2026, 11, 20),
                    decision_maker="Kommunestyret",
                    outcome=outcome,
                    reasons="Fordi.",
                ),
            )
            results[outcome] = "recorded"
        except EditConflict as conflict:
            results[outcome] = f"refused, {conflict.current.outcome} stands"

    priority_services.decision_problems = in_step
    try:
        _at_the_same_moment(record, ("Ja.", "Nei."))
    finally:
        priority_services.decision_problems = original
    recorded = Decision.objects.get(case=case)
    assert sorted(results.values()) == sorted(
        ["recorded", f"refused, {recorded.outcome} stands"]
    ), results
    assert results[recorded.outcome] == "recorded"
