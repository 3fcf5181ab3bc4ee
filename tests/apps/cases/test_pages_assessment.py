"""Page: the assessment of one service applied for (function variables, «hva er viktig for
deg?», the shared combined assessment, the legal tests and the allocation criteria)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from losen.apps.cases import services
from losen.apps.cases.models import ServiceAssessment

from .pages import COMBINED, application, client_for, errors_shown, today

pytestmark = pytest.mark.django_db


def _criteria(world):
    return services.publish_allocation_criteria(
        actor=world.users["leder"],
        municipality=world.home,
        service="praktisk-bistand",
        title="Kriterier for praktisk bistand",
        introduction="",
        regulation="",
        valid_from=today() - dt.timedelta(days=100),
        items=["Personen klarer ikke husarbeid selv.", "Ingen i husstanden kan hjelpe."],
    )


def _valid(criteria=None, **changes):
    data = {
        "tjeneste": "praktisk-bistand",
        "funksjon_husarbeid": "4",
        "funksjon_matlaging": "3",
        "funksjon_syn": "9",
        "what_matters": "Å bo hjemme.",
        "urgency": "innen-uker",
        "necessary_help": "ja",
        "necessary_help_reasoning": "Klarer ikke tungt husarbeid.",
        "forsvarlighet": "Hjelpen dekker behovet forsvarlig.",
        "right_basis": "pasient- og brukerrettighetsloven § 2-1 a",
        "alternatives": "Hjelpemidler er vurdert.",
        **COMBINED,
    }
    if criteria is not None:
        for item in criteria.items.all():
            data[f"kriterium_{item.pk}_oppfylt"] = "oppfylt"
            data[f"kriterium_{item.pk}_hvorfor"] = "Kartlagt hjemme."
    return data | changes


def test_the_page_shows_the_variables_the_combined_assessment_and_the_criteria(world):
    criteria = _criteria(world)
    app = application(world)
    page = client_for(world, "saksbehandler").get(
        reverse("cases:assessment", kwargs={"external_id": app.external_id})
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Gjøre husarbeid" in text and 'name="funksjon_husarbeid" ' in text
    assert 'value="9"' in text  # 9: not relevant
    assert "Hva er viktig for deg?" in text
    assert 'name="samlet-nytte_level"' in text  # the shared combined form, prefixed
    for item in criteria.items.all():
        assert item.text in text and f'name="kriterium_{item.pk}_oppfylt"' in text


def test_saving_makes_a_new_version_each_time_and_keeps_the_history(world):
    criteria = _criteria(world)
    app = application(world)
    applied = app.services.get()
    client = client_for(world, "saksbehandler")
    url = reverse("cases:assessment", kwargs={"external_id": app.external_id})
    response = client.post(f"{url}?tjeneste=praktisk-bistand", _valid(criteria))
    assert response.status_code == 302, response.content.decode()[:3000]
    first = ServiceAssessment.objects.get(applied_service=applied)
    assert first.function == {"husarbeid": 4, "matlaging": 3, "syn": 9}
    assert first.combined["nytte"]["level"] == "stor"
    assert first.criteria == criteria
    assert sorted(first.criterion_checks.values_list("met", flat=True)) == ["oppfylt", "oppfylt"]
    # The page shows the saved version in the form, and saving again adds version 2.
    page = client.get(url).content.decode()
    assert "Klarer ikke tungt husarbeid." in page
    client.post(url, _valid(criteria, what_matters="Å kunne lage mat selv."))
    assert list(applied.assessments.values_list("version", flat=True)) == [2, 1]
    page = client.get(url).content.decode()
    assert "Versjon 1" in page and "Versjon 2" in page
    app.refresh_from_db()
    assert app.status == "under-behandling"


def test_an_invalid_assessment_shows_every_error_and_saves_nothing(world):
    criteria = _criteria(world)
    app = application(world)
    url = reverse("cases:assessment", kwargs={"external_id": app.external_id})
    data = {"tjeneste": "praktisk-bistand", "funksjon_husarbeid": "7"}
    response = client_for(world, "saksbehandler").post(url, data)
    assert errors_shown(response)
    text = response.content.decode()
    assert "Velg 1–5, eller 9 for ikke relevant." in text
    assert "Velg hvor raskt hjelpen trengs." in text
    assert "Skriv hvorfor tilbudet er forsvarlig." in text
    assert "Velg om kriteriet er oppfylt." in text
    assert 'href="#id_samlet-nytte_level"' in text  # the combined form's errors too
    assert criteria.items.count() == 2
    assert not ServiceAssessment.objects.exists()


def test_a_service_the_application_does_not_ask_for_gives_404(world):
    app = application(world)
    url = reverse("cases:assessment", kwargs={"external_id": app.external_id})
    client = client_for(world, "saksbehandler")
    assert client.get(url, {"tjeneste": "bpa"}).status_code == 404
    assert client.post(url, _valid(tjeneste="bpa")).status_code == 404
    assert not ServiceAssessment.objects.exists()


def test_another_municipality_cannot_post_an_assessment(world):
    app = application(world)
    url = reverse("cases:assessment", kwargs={"external_id": app.external_id})
    assert client_for(world, "nabo").post(url, _valid()).status_code == 404
    assert client_for(world, "leder").post(url, _valid()).status_code == 404
    assert not ServiceAssessment.objects.exists()


def test_the_page_is_grouped_with_a_table_of_contents_and_asks_what_matters_once(world):
    """The function variables in the catalogue's groups (one row each, a radio per score,
    each described by the scale), sections reached from a table of contents, the question
    «Hva er viktig for deg?» shown once, and each criterion's text once."""
    from losen.domain.casework.function import function_catalogue

    criteria = _criteria(world)
    app = application(world)
    text = (
        client_for(world, "saksbehandler")
        .get(reverse("cases:assessment", kwargs={"external_id": app.external_id}))
        .content.decode()
    )
    catalogue = function_catalogue()
    for group in catalogue.groups:
        assert f'id="funksjonsgruppe-{group.code}"' in text and group.label in text
    assert text.count("<tbody>") == len(catalogue.groups)
    assert 'aria-describedby="skala-4"' in text and 'id="skala-9"' in text
    toc = text.split('class="cases-toc"')[1].split("</nav>")[0]
    for anchor in ("funksjon", "personens-ord", "samlet-vurdering", "rettslig", "kriterier"):
        assert f'href="#{anchor}"' in toc and f'id="{anchor}"' in text
    form = text.split('class="cases-assessment"')[1].split("</form>")[0]
    assert form.count("Hva er viktig for deg?") == 1
    for item in criteria.items.all():
        assert form.count(item.text) == 1
    # The parts of the combined assessment are folded away until one is used.
    assert '<details class="prio-parts">' in form


def test_a_save_on_an_older_version_is_refused_and_names_what_changed(world):
    """Two caseworkers open version 1; the first saves version 2; the second's save is refused
    with the version, who saved it and the changed parts named, and nothing is saved. Saved
    again from the refusal, the second caseworker's values become version 3."""
    criteria = _criteria(world)
    app = application(world)
    applied = app.services.get()
    client = client_for(world, "saksbehandler")
    url = reverse("cases:assessment", kwargs={"external_id": app.external_id})
    url = f"{url}?tjeneste=praktisk-bistand"
    assert client.post(url, _valid(criteria)).status_code == 302
    page = client.get(url).content.decode()
    assert 'name="based_on" value="1"' in page
    first_reader = _valid(criteria, based_on="1", urgency="akutt")
    second_reader = _valid(criteria, based_on="1", what_matters="Å komme ut i hagen.")
    assert client.post(url, first_reader).status_code == 302
    refused = client.post(url, second_reader)
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "versjon 2" in text and "Ingenting er lagret" in text and "hastegrad" in text
    assert ServiceAssessment.objects.filter(applied_service=applied).count() == 2
    assert 'name="based_on" value="2"' in text  # the next save is on the version now shown
    again = client.post(url, _valid(criteria, based_on="2", what_matters="Å komme ut i hagen."))
    assert again.status_code == 302
    newest = ServiceAssessment.objects.filter(applied_service=applied).latest("version")
    assert newest.version == 3 and newest.what_matters == "Å komme ut i hagen."
