"""The pages of styringsinformasjon: dashboard, demand ahead, import and export, and tenancy."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from losen.apps.accounts.models import Membership, Role, User
from losen.apps.audit.models import Action, AuditEntry
from losen.apps.insight.models import ImportBatch, StoredObservation
from losen.apps.insight.queries import DEMO_SOURCE

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_demo_figures_are_synthetic_and_fjordviks_own(demo):
    rows = StoredObservation.objects.filter(source=DEMO_SOURCE)
    assert rows.count() > 3000
    assert set(rows.values_list("municipality", flat=True)) == {demo["fjordvik"].pk}
    batch = ImportBatch.objects.get(method="demo", file_name="losen-demo-fjordvik.json")
    assert batch.municipality == demo["fjordvik"]


def test_dashboard_shows_charts_with_tables_and_attribution(client_for):
    client = client_for("leder")
    started = time.perf_counter()
    response = client.get(reverse("insight:dashboard"))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    page = _text(response)
    assert page.count('<figure class="insight-figure">') == 6
    assert page.count('<svg class="insight-chart"') == 6
    assert page.count("<caption>") == 6
    assert 'role="img"' in page and "<figcaption" in page
    assert "Psykisk helse og rus" in page and "Hjemmetjenester" in page
    assert "KOSTRA-gruppe 12" in page and "Landet" in page
    assert "Syntetiske tall laget av Losen for demoen" in page
    assert "syntetiske demotall" in page
    # the suppressed and the missing value are shown with their meaning, not as 0
    assert '<abbr title="prikket av personvernhensyn">:</abbr>' in page
    assert '<abbr title="mangler">..</abbr>' in page
    assert 'style="' not in page and "<script>" not in page
    assert elapsed < 2  # the benchmark measures properly; this only catches a regression


def test_dashboard_is_for_leaders_and_analysts(client_for):
    assert client_for("analytiker").get(reverse("insight:dashboard")).status_code == 200
    assert client_for("kliniker").get(reverse("insight:dashboard")).status_code == 403


def test_nabovik_sees_none_of_fjordviks_figures(demo):
    """A Nabovik leader's dashboard has no Fjordvik data, and Fjordvik's batch is 404."""
    user = User.objects.create_user("nabo-leder", password="x", is_synthetic=True)
    Membership.objects.create(user=user, municipality=demo["nabovik"], role=Role.LEDER)
    client = Client()
    client.force_login(user)
    page = _text(client.get(reverse("insight:dashboard")))
    assert "Ingen indikatorer er importert ennå." in page and "insight-chart" not in page
    batch = ImportBatch.objects.get(
        municipality=demo["fjordvik"], file_name="losen-demo-fjordvik.json"
    )
    detail = reverse("insight:import_detail", kwargs={"external_id": batch.external_id})
    assert client.get(detail).status_code == 404
    assert client_for_leader(demo).get(detail).status_code == 200
    listing = _text(client.get(reverse("insight:imports")))
    assert "losen-demo-fjordvik.json" not in listing
    export = client.get(reverse("insight:export") + "?tabell=07459&format=csv")
    assert export.status_code == 404


def client_for_leader(demo):
    client = Client()
    client.force_login(demo["users"]["leder"])
    return client


def test_demand_projection_shows_gap_by_year_and_method(client_for):
    client = client_for("leder")
    page = _text(client.get(reverse("insight:demand")))
    assert "Framskriv" in page and "metode" not in page
    query = {
        "service": "hjemmetjenester",
        "rate_source": "egne",
        "horizon_years": "10",
        "scenario": "konstant",
        "growth_percent": "3",
        "capacity": "",
    }
    page = _text(client.get(reverse("insight:demand"), query))
    assert 'id="metode"' in page and "den er ikke en prognose" in page
    rows = re.findall(r'<tr><th scope="row">(\d{4})</th>', page)
    assert len(rows) == 11 and rows[0] == "2025"
    assert "Behovet blir større enn kapasiteten fra 2026." in page
    assert "insight-gap--short" in page
    # a reference rate and a user's projection
    query |= {
        "rate_source": "landet",
        "scenario": "egen",
        "horizon_years": "5",
        "projection_text": "\n".join(f"{y};2900;1300" for y in range(2026, 2031)),
        "projection_name": "Testframskriving",
        "capacity": "900",
    }
    page = _text(client.get(reverse("insight:demand"), query))
    assert "befolkningsframskrivingen «Testframskriving»" in page
    assert "Bruksratene er fra 2025 (landet" in page


def test_demand_refuses_an_incomplete_projection(client_for):
    client = client_for("analytiker")
    page = _text(
        client.get(
            reverse("insight:demand"),
            {
                "service": "hjemmetjenester",
                "rate_source": "egne",
                "horizon_years": "5",
                "scenario": "egen",
                "projection_text": "2026;1\n",
            },
        )
    )
    assert "linje 1: 2 felt, ventet år og 2 tall" in page


def test_web_import_runs_as_a_task_and_stores_as_the_municipality(client_for, demo):
    client = client_for("analytiker")
    body = (
        b"kilde;tabell;indikatorkode;indikatornavn;regionkode;periode;verdi;status;enhet\n"
        b"lokal;L1;venteliste;Venteliste;4699;2024;14;;personer\n"
        b"lokal;L1;venteliste;Venteliste;4699;2023;;:;personer\n"
    )
    upload = SimpleUploadedFile("lokal.csv", body, content_type="text/csv")
    response = client.post(reverse("insight:imports"), {"file": upload})
    # The import is a task (the test settings run tasks where they are enqueued); the browser
    # is sent on to the job's page, which shows its progress and result.
    assert response.status_code == 303
    assert response["Location"].startswith("/styringsinformasjon/import/jobb/")
    page = _text(client.get(response["Location"]))
    assert '<progress id="jobb-fremdrift" max="100" value="100">' in page
    assert "Ferdig: 2 observasjoner; 2 nye, 0 endret, 0 uendret." in page
    batch = ImportBatch.objects.get(file_name="lokal.csv")
    assert (
        batch.municipality == demo["fjordvik"] and batch.imported_by == demo["users"]["analytiker"]
    )
    assert AuditEntry.objects.filter(
        object_id=str(batch.external_id), action=Action.CREATE
    ).exists()


def test_web_import_of_a_malformed_file_stores_nothing(client_for):
    client = client_for("leder")
    before = StoredObservation.objects.count()
    upload = SimpleUploadedFile(
        "feil.csv",
        b"kilde;tabell;indikatorkode;regionkode;periode;verdi\nlokal;L1;x;301;2024;abc\n",
    )
    page = _text(client.post(reverse("insight:imports"), {"file": upload}, follow=True))
    assert "Ingenting er lagret. Fila har disse feilene:" in page
    assert "line 2" in page
    assert StoredObservation.objects.count() == before


def test_export_from_the_web_carries_attribution_and_is_audited(client_for):
    client = client_for("analytiker")
    response = client.get(reverse("insight:export") + "?tabell=12003&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="12003.csv"'
    text = response.content.decode()
    assert text.startswith("# Brukerleverte data: Losen demo (syntetisk)")
    assert AuditEntry.objects.filter(action=Action.EXPORT, object_id="12003").exists()
    assert client.get(reverse("insight:export") + "?tabell=12003&format=xml").status_code == 404
