"""Pages: the leaders' allocation criteria per service with versions, and the public page
with the criteria in force (no login, no personal data)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from losen.apps.cases.models import AllocationCriteria

from .pages import client_for, errors_shown, today

pytestmark = pytest.mark.django_db


def _new_url(service="langtidsopphold"):
    return f"{reverse('cases:criteria_new')}?tjeneste={service}"


def _data(**changes):
    return {
        "tjeneste": "langtidsopphold",
        "title": "Tildeling av langtidsopphold",
        "introduction": "Forskrift etter helse- og omsorgstjenesteloven § 3-2 a.",
        "regulation": "Forskrift om tildeling av langtidsopphold, Testvik kommune",
        "valid_from": (today() - dt.timedelta(days=10)).isoformat(),
        "items": "Omfattende behov for pleie hele døgnet.\n\nHjemmebaserte tjenester er prøvd.",
        **changes,
    }


def test_the_leader_lists_services_and_publishes_versions(world):
    client = client_for(world, "leder")
    page = client.get(reverse("cases:criteria")).content.decode()
    assert "Langtidsopphold i institusjon (sykehjem)" in page
    assert client.get(_new_url()).status_code == 200
    response = client.post(_new_url(), _data())
    first = AllocationCriteria.objects.get()
    assert response["Location"] == reverse(
        "cases:criteria_version", kwargs={"external_id": first.external_id}
    )
    assert list(first.items.values_list("text", flat=True)) == [
        "Omfattende behov for pleie hele døgnet.",
        "Hjemmebaserte tjenester er prøvd.",
    ]
    # The form for the next version starts from the newest one.
    assert "Hjemmebaserte tjenester er prøvd." in client.get(_new_url()).content.decode()
    client.post(_new_url(), _data(valid_from=today().isoformat(), items="Ett nytt kriterium."))
    versions = list(AllocationCriteria.objects.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].valid_to == today() - dt.timedelta(days=1)
    page = client.get(
        reverse("cases:criteria_version", kwargs={"external_id": versions[0].external_id})
    ).content.decode()
    assert "Versjon 2" in page


def test_an_invalid_version_shows_the_errors_and_writes_nothing(world):
    response = client_for(world, "leder").post(_new_url(), {"tjeneste": "langtidsopphold"})
    assert errors_shown(response)
    text = response.content.decode()
    assert "Skriv en tittel." in text and "Skriv minst ett kriterium." in text
    assert not AllocationCriteria.objects.exists()


def test_an_unknown_service_gives_404(world):
    client = client_for(world, "leder")
    assert client.get(_new_url("ukjent")).status_code == 404
    assert client.post(_new_url("ukjent"), _data(tjeneste="ukjent")).status_code == 404


def test_only_leaders_of_the_municipality(world):
    client_for(world, "leder").post(_new_url(), _data())
    version = AllocationCriteria.objects.get()
    url = reverse("cases:criteria_version", kwargs={"external_id": version.external_id})
    for role in ("saksbehandler", "kliniker", "admin", "analytiker"):
        assert client_for(world, role).get(reverse("cases:criteria")).status_code == 404
        assert client_for(world, role).post(_new_url(), _data()).status_code == 404
        assert client_for(world, role).get(url).status_code == 404
    assert AllocationCriteria.objects.count() == 1
    nabo_leader = world.users["nabo"]
    nabo_leader.memberships.create(municipality=world.other, role="leder")
    assert client_for(world, "nabo").get(url).status_code == 404


def test_the_public_page_shows_the_criteria_in_force_only(world):
    client_for(world, "leder").post(_new_url(), _data())
    client_for(world, "leder").post(
        _new_url("korttidsopphold"),
        _data(
            tjeneste="korttidsopphold",
            title="Korttid fra neste år",
            valid_from=(today() + dt.timedelta(days=30)).isoformat(),
        ),
    )
    page = Client().get(reverse("public_cases:criteria", kwargs={"number": world.home.number}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tildeling av langtidsopphold" in text and "Hjemmebaserte tjenester er prøvd." in text
    assert "Korttid fra neste år" not in text  # not in force yet
    assert world.person.family_name not in text
    assert (
        Client().get(reverse("public_cases:criteria", kwargs={"number": "0000"})).status_code == 404
    )
