"""The one service other modules use to show the figures a decision rests on."""

from __future__ import annotations

import pytest

from losen.apps.accounts.models import Unit
from losen.apps.audit.models import AuditEntry
from losen.apps.insight.models import IndicatorAttachment, StoredObservation
from losen.apps.insight.queries import DEMO_SOURCE, indicator_snapshot
from losen.apps.insight.services import attach_indicator, attachments_for

pytestmark = pytest.mark.django_db


def test_snapshot_of_a_rate_with_source_period_and_attribution(demo):
    snapshot = indicator_snapshot(demo["fjordvik"], "hjemmetjenester-80")
    assert snapshot.period == "2024" and snapshot.source == DEMO_SOURCE
    assert snapshot.unit == "personer per 1 000 innbyggere 80 år og eldre"
    assert snapshot.value is not None and snapshot.status is None
    assert "Syntetiske tall" in snapshot.attribution[0]
    assert snapshot.shown.endswith("(2024)")


def test_snapshot_keeps_a_suppressed_value_as_a_status(demo):
    snapshot = indicator_snapshot(demo["fjordvik"], "brukerplan-rus-bolig-rod", period="2017")
    assert snapshot.value is None and snapshot.status == ":"
    assert snapshot.status_meaning == "prikket av personvernhensyn"
    assert snapshot.shown == ": prikket av personvernhensyn (2017)"


def test_no_snapshot_for_a_municipality_without_figures(demo):
    assert indicator_snapshot(demo["nabovik"], "hjemmetjenester-80") is None
    with pytest.raises(KeyError):
        indicator_snapshot(demo["fjordvik"], "finnes-ikke")


def test_attached_figure_is_frozen_audited_and_tenant_bound(demo):
    fjordvik, nabovik = demo["fjordvik"], demo["nabovik"]
    unit = Unit.objects.get(municipality=fjordvik, name="Hjemmetjenesten")
    snapshot = indicator_snapshot(fjordvik, "hjemmesykepleie-timer")
    before = IndicatorAttachment.objects.count()
    attachment = attach_indicator(
        actor=demo["users"]["leder"], municipality=fjordvik, target=unit, snapshot=snapshot
    )
    assert AuditEntry.objects.filter(object_id=str(attachment.external_id)).exists()
    # a later revision of the statistics does not change what was attached
    StoredObservation.objects.filter(source=DEMO_SOURCE, table="12209").update(value_text="99.9")
    (kept,) = attachments_for(fjordvik, unit)
    assert kept.snapshot["value"] == snapshot.value != "99.9"
    assert attachments_for(nabovik, unit) == []
    with pytest.raises(ValueError):
        attach_indicator(actor=None, municipality=nabovik, target=unit, snapshot=snapshot)
    assert IndicatorAttachment.objects.count() == before + 1


def test_attached_figures_render_for_another_modules_page(demo):
    """The include other modules use: each figure with unit, period, source and status."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from losen.apps.insight.services import attached_figures

    fjordvik = demo["fjordvik"]
    unit = Unit.objects.get(municipality=fjordvik, name="Hjemmetjenesten")
    assert (
        render_to_string(
            "insight/_attached_figures.html", {"figures": attached_figures(fjordvik, unit)}
        ).strip()
        == ""
    )
    rate = indicator_snapshot(fjordvik, "hjemmetjenester-80")
    suppressed = indicator_snapshot(fjordvik, "brukerplan-rus-bolig-rod", period="2017")
    for snapshot in (rate, suppressed):
        attach_indicator(actor=None, municipality=fjordvik, target=unit, snapshot=snapshot)
    with translation.override("nb"):
        html = render_to_string(
            "insight/_attached_figures.html", {"figures": attached_figures(fjordvik, unit)}
        )
    assert "Tall saken bygger på" in html
    assert rate.value.replace(".", ",") in html and rate.unit in html
    assert f"<td>{rate.period}</td>" in html and "tabell 12003" in html
    assert '<abbr title="prikket av personvernhensyn">:</abbr>' in html
    assert "Syntetiske tall laget av Losen" in html
