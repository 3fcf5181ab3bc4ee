"""Styringsinformasjon in a real browser: the leader's dashboard, demand ahead and import,
with axe-core finding no serious or critical violation on any of them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from losen.apps.insight.models import ImportBatch

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser


def test_leader_opens_the_dashboard_and_reads_a_chart_and_its_table(demo_live, page):
    base = demo_live.url
    login(page, base, "leder")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Styringsinformasjon"
    ).click()
    page.wait_for_url(re.compile(r"/styringsinformasjon/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Styringsinformasjon"
    expect(page.get_by_role("heading", name="Psykisk helse og rus", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Hjemmetjenester", exact=True)).to_be_visible()
    charts = page.get_by_role("img", name=re.compile("^Linjediagram"))
    assert charts.count() == 6
    table = page.get_by_role("table", name=re.compile("Mottakere av hjemmetjenester 80 år"))
    expect(table.get_by_role("rowheader", name="2024")).to_be_visible()
    assert page.locator("abbr[title='prikket av personvernhensyn']").count() == 1
    assert "Syntetiske tall laget av Losen" in page.locator(".insight-attribution").inner_text()
    assert axe_violations(page) == []


def test_demand_and_import_pages_work_and_pass_axe(demo_live, page, tmp_path):
    base = demo_live.url
    login(page, base, "analytiker")
    page.goto(f"{base}/styringsinformasjon/krav-mot-kapasitet/")
    assert axe_violations(page) == []
    page.get_by_label("Tjeneste").select_option("hjemmetjenester")
    page.get_by_label("Antall år fram").select_option("15")
    page.get_by_role("button", name="Framskriv").click()
    page.wait_for_load_state()
    expect(page.locator("#metode")).to_be_visible()
    assert (
        page.get_by_role("table", name="Behov, kapasitet og gap per år").locator("tbody tr").count()
        == 16
    )
    assert axe_violations(page) == []

    page.goto(f"{base}/styringsinformasjon/import/")
    assert axe_violations(page) == []
    upload = tmp_path / "lokal.csv"
    upload.write_text(
        "kilde;tabell;indikatorkode;regionkode;periode;verdi;status\n"
        "lokal;L1;venteliste;4699;2024;12;\n",
        encoding="utf-8",
    )
    page.get_by_label("Fil", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Importer", exact=True).click()
    page.wait_for_load_state()
    # The import ran as a task (at once under the test settings); its page shows the result.
    expect(page.get_by_role("status").filter(has_text="1 nye")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Se importen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Import av lokal.csv"
    assert axe_violations(page) == []
    assert ImportBatch.objects.filter(file_name="lokal.csv").count() == 1


def _queued_job(municipality):
    from losen.apps.insight.tasks import IMPORT_KIND
    from losen.apps.jobs.models import Job

    return Job.objects.create(
        kind=IMPORT_KIND,
        task_path="losen.apps.insight.tasks.import_upload",
        label="kø.csv",
        municipality=municipality,
        data=(
            b"kilde;tabell;indikatorkode;regionkode;periode;verdi;status\n"
            b"lokal;L5;venteliste;4699;2024;7;\n"
        ),
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_the_job_page_follows_the_import_by_polling_or_reloading(demo_live, browser, javascript):
    """HTMX swaps the status in place while the worker runs the job; without JavaScript the
    page reloads itself until the job is done."""
    from losen.apps.accounts.models import Municipality
    from losen.apps.insight.tasks import import_upload

    context = browser.new_context(bypass_csp=True, locale="nb-NO", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        base = demo_live.url
        login(page, base, "analytiker")
        job = _queued_job(Municipality.objects.get(number="4699"))
        page.goto(f"{base}/styringsinformasjon/import/jobb/{job.external_id}/")
        expect(page.get_by_text("Venter på tur i køen.")).to_be_visible()
        expect(page.get_by_role("progressbar")).to_have_attribute("value", "0")
        if javascript:
            assert axe_violations(page) == []
            page.evaluate("window.losenMarker = 1")
        import_upload.call(str(job.external_id))  # what the worker does
        expect(page.get_by_role("status").filter(has_text="1 nye")).to_be_visible()
        expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
        if javascript:
            assert page.evaluate("window.losenMarker") == 1  # swapped in place, not reloaded
            assert axe_violations(page) == []
    finally:
        context.close()
