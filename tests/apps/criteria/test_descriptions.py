"""A municipality's own level descriptions: set by a leader, audited, shown wherever the
levels are shown, and never able to add or remove a level."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.criteria.models import LevelDescription
from losen.apps.criteria.selectors import catalogue_for
from losen.apps.priorities.models import PrioritizationCase
from losen.domain.criteria import default_catalogue

LOCAL = "Over 5 millioner kroner per år i Fjordvik."


def _post(client, changes):
    catalogue = default_catalogue()
    data = {
        f"{scale.id}__{level.label}": level.description
        for scale in catalogue.scales
        for level in scale.levels
    }
    data.update(changes)
    return client.post(reverse("criteria:descriptions"), data)


@pytest.mark.django_db
def test_a_leader_sets_a_description_and_it_shows_on_the_case_pages(demo, client_for):
    leader = client_for("leder")
    before = AuditEntry.objects.filter(object_type="criteria.leveldescription").count()
    response = _post(leader, {"ressurs__svært høy": LOCAL})
    assert response.status_code == 302
    assert LevelDescription.objects.filter(municipality=demo["fjordvik"]).count() == 1
    assert AuditEntry.objects.filter(object_type="criteria.leveldescription").count() == before + 1
    assert catalogue_for(demo["fjordvik"]).scale("ressurs").level("svært høy").description == LOCAL
    # Nabovik keeps the standard text.
    assert (
        LOCAL not in catalogue_for(demo["nabovik"]).scale("ressurs").level("svært høy").description
    )

    assert LOCAL in leader.get(reverse("criteria:catalogue")).content.decode()
    case = PrioritizationCase.objects.get(
        municipality=demo["fjordvik"], title__startswith="Budsjett 2027"
    )
    new = leader.get(
        reverse("priorities:alternative_create", kwargs={"external_id": case.external_id})
    )
    assert LOCAL in new.content.decode()
    fact = case.alternatives.get(name="Ny avdeling for korttidsopphold")  # ressurs «svært høy»
    assert fact.ressurs_level == "svært høy"
    matrix = leader.get(reverse("priorities:matrix", kwargs={"external_id": case.external_id}))
    assert LOCAL in matrix.content.decode()

    # The decision basis freezes the description shown when it was made.
    from losen.apps.priorities import basis as basis_module
    from losen.apps.priorities import services as priority_services

    frozen = priority_services.create_basis(actor=demo["users"]["leder"], case=case, detail="full")
    text = " ".join(
        cell
        for section in basis_module.sections(frozen.snapshot)
        for table in section.tables
        for row in table.rows
        for cell in row
    )
    assert LOCAL in text

    # An empty field gives the standard text back.
    assert _post(leader, {"ressurs__svært høy": ""}).status_code == 302
    assert not LevelDescription.objects.filter(municipality=demo["fjordvik"]).exists()


@pytest.mark.django_db
def test_others_may_read_but_not_change_the_descriptions(demo, client_for):
    reader = client_for("leser")
    assert reader.get(reverse("criteria:catalogue")).status_code == 200
    assert _post(reader, {"ressurs__svært høy": LOCAL}).status_code == 403
    assert not LevelDescription.objects.exists()


@pytest.mark.django_db
def test_an_unknown_level_changes_nothing(demo, client_for):
    from losen.apps.criteria import services
    from losen.domain.errors import InputError

    with pytest.raises(InputError):
        services.set_level_descriptions(
            actor=demo["users"]["leder"],
            municipality=demo["fjordvik"],
            descriptions={"ressurs": {"gigantisk": "Finnes ikke."}, "nytte": {"stor": "Lokal."}},
        )
    assert not LevelDescription.objects.exists()
    # A stored row for a level the catalogue no longer has is left out, not an error.
    LevelDescription.objects.create(
        municipality=demo["fjordvik"], scale="ressurs", label="utgått", description="Gammel."
    )
    assert catalogue_for(demo["fjordvik"]) == default_catalogue()
